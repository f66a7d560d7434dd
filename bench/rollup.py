"""Benchmark live roll-ups: the cost of one figure write (value + history + every ancestor's
aggregate, one transaction) and of reading totals, at city and national scale.

    .venv/bin/python bench/rollup.py --scale city        # the HCMC demo directory, 40,000 branches
    .venv/bin/python bench/rollup.py --scale city --branches 2000   # a smaller city, for a quick run
    .venv/bin/python bench/rollup.py --scale national    # 63 provinces, ~221,000 units
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/thidua_bench .venv/bin/python bench/rollup.py --scale national

Prints medians and percentiles; the database must be empty (a temp SQLite file by default).
"""

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time

from common import timed  # sets Django up on a throw-away database
from django.core.management import call_command
from django.db import connection


def national_tree():
    """63 provinces × 11 districts × 15 grassroots units × 20 branches."""
    from thidua.units.services import UnitSpec, units_bulk_create

    specs = [UnitSpec(code="TW", parent_code=None, name="Trung ương Đoàn", kind="city")]
    for p in range(63):
        pc = f"T{p:02d}"
        specs.append(UnitSpec(code=pc, parent_code="TW", name=f"Tỉnh Đoàn {p}", kind="district"))
        for d in range(11):
            dc = f"{pc}-{d:02d}"
            specs.append(UnitSpec(code=dc, parent_code=pc, name=f"Huyện Đoàn {p}.{d}", kind="direct_other"))
            for g in range(15):
                gc = f"{dc}-{g:02d}"
                specs.append(UnitSpec(code=gc, parent_code=dc, name=f"Đoàn xã {p}.{d}.{g}", kind="grassroots"))
                for b in range(20):
                    specs.append(
                        UnitSpec(
                            code=f"{gc}-{b:02d}", parent_code=gc, name=f"Chi đoàn {b}", kind="branch", member_count=28
                        )
                    )
    units_bulk_create(actor=None, specs=specs, audit=False)
    return "TW"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["city", "national"], default="city")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--branches", type=int, default=40000, help="branches of the demo city (--scale city)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)

    from thidua.campaigns.models import Campaign, Indicator
    from thidua.progress import queries, services
    from thidua.units.models import Unit

    if Unit.objects.exists():
        sys.exit("the bench database must be empty")
    start = time.perf_counter()
    if args.scale == "city":
        call_command("demo_setup", "--branches", str(args.branches), "--quiet")
        root = Unit.objects.get(code="TD")
    else:
        root = Unit.objects.get(code=national_tree())
    build = time.perf_counter() - start
    campaign = Campaign.objects.create(slug=f"bench-{args.scale}", title="Bench", status="published", issuer_unit=root)
    count = Indicator.objects.create(
        campaign=campaign, code="jobs", name="Việc làm", kind="count", scope_groups=["grassroots"]
    )
    ratio = Indicator.objects.create(
        campaign=campaign,
        code="eid",
        name="Định danh",
        kind="ratio",
        denominator="đoàn viên",
        scope_groups=["grassroots"],
    )
    reporting = list(Unit.objects.filter(kind="grassroots").subtree(root).only("pk", "path", "code", "kind", "depth"))
    print(
        f"database: {connection.vendor}; machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"scale {args.scale}: {Unit.objects.count()} units, {len(reporting)} reporting units (built in {build:.1f} s)\n"
    )
    print("| operation | runs | median ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")

    rng = random.Random(1)
    day = dt.date(2023, 5, 31)

    def write_count():
        unit = rng.choice(reporting)
        services.indicator_value_set(actor=None, indicator=count, unit=unit, numerator=rng.randint(0, 500), as_of=day)

    def write_ratio():
        unit = rng.choice(reporting)
        den = rng.randint(50, 600)
        services.indicator_value_set(
            actor=None, indicator=ratio, unit=unit, numerator=rng.randint(0, den), denominator=den, as_of=day
        )

    timed("write one count (value, history, audit, all ancestors)", write_count, args.runs)
    timed("write one ratio (value, history, audit, all ancestors)", write_ratio, args.runs)
    # Fill every reporting unit so reads work on a full data set.
    t0 = time.perf_counter()
    for unit in reporting:
        services.indicator_value_set(actor=None, indicator=count, unit=unit, numerator=rng.randint(0, 500), as_of=day)
    fill = time.perf_counter() - t0
    print(
        f"| (filled all {len(reporting)} units one write at a time: {fill:.1f} s, {1000 * fill / len(reporting):.2f} ms a write) | | | | |"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics after the bulk load, as autovacuum would give
    child = Unit.objects.subtree(root).filter(depth=root.depth + 1).first()
    timed("read the total at the root (figure)", lambda: queries.figure(count, root), 50)
    timed("read a province / district total", lambda: queries.figure(count, child), 50)
    timed("breakdown of the root by the units below it", lambda: queries.breakdown(count, root), 20)
    timed("series over time at the root", lambda: queries.series(count, root), 10)

    def brute():
        from django.db.models import Sum

        from thidua.progress.models import IndicatorValue
        from thidua.units.models import path_prefix_q

        IndicatorValue.objects.filter(path_prefix_q(root.path, "unit__path"), indicator=count).aggregate(
            s=Sum("numerator")
        )

    timed("for comparison: SUM over the subtree without aggregates", brute, 20)
    total = queries.figure(count, root)
    check = sum(v for v in count.values.values_list("numerator", flat=True))
    print(f"\ntotal at the root {total.numerator} = brute-force sum {check}: {total.numerator == check}")


if __name__ == "__main__":
    main()
