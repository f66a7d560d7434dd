"""Benchmark the unit tree at city scale: build the demo directory with N branches, then time
subtree reads, visibility, search, export and the unit page. Prints medians and percentiles.

    .venv/bin/python bench/tree_queries.py --branches 40000            # SQLite in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/thidua_bench \\
        .venv/bin/python bench/tree_queries.py --branches 40000        # PostgreSQL (db must exist)
"""

import argparse
import os
import platform
import sys
import time

from common import timed  # sets Django up on a throw-away database
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

settings.ALLOWED_HOSTS = ["*"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--branches", type=int, default=40000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from thidua.units import access
    from thidua.units.importing import export_rows
    from thidua.units.models import Role, RoleAssignment, Unit
    from thidua.units.services import UnitSpec, units_bulk_create

    if Unit.objects.exists():
        sys.exit("the bench database must be empty")
    start = time.perf_counter()
    call_command("demo_setup", "--branches", str(args.branches), "--quiet")
    build = time.perf_counter() - start
    total = Unit.objects.count()
    print(
        f"database: {connection.vendor}; machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"demo_setup --branches {args.branches}: {total} units in {build:.1f} s\n")
    print("| operation | runs | median ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")

    root = Unit.objects.get(code="TD")
    district = Unit.objects.get(code="TD-THUDUC")
    grassroots = Unit.objects.filter(path__startswith=district.path, depth=3).first()
    timed("subtree count, whole city", lambda: Unit.objects.subtree(root).count(), args.runs)
    timed("subtree count, one district", lambda: Unit.objects.subtree(district).count(), args.runs)
    timed("subtree rows, one grassroots unit", lambda: list(Unit.objects.subtree(grassroots)), args.runs)
    timed("children page (50), city", lambda: list(Unit.objects.subtree(root).filter(depth=2)[:50]), args.runs)

    officer = get_user_model().objects.get(username="quan1")

    def visible():
        officer.__dict__.pop("_thidua_roles", None)
        return access.visible_units(officer).count()

    timed("visible_units(officer) count", visible, args.runs)
    timed("search 'nha be' (accent-insensitive)", lambda: list(Unit.objects.search("nha be")[:50]), args.runs)
    timed("export rows, one district", lambda: list(export_rows(district)), max(5, args.runs // 5))

    from thidua.core.spreadsheets import write_xlsx
    from thidua.units.importing import export_headers, import_units

    city_xlsx = write_xlsx(export_headers(), export_rows(root))
    print(f"| (city export: {len(city_xlsx) // 1024} KiB .xlsx) | | | | |")
    timed(
        "import the unchanged city export (.xlsx, all rows checked)",
        lambda: import_units(actor=None, data=city_xlsx, filename="city.xlsx"),
        3,
    )
    client = Client()
    client.force_login(get_user_model().objects.get(username="dieuphoi"))
    timed("GET unit page (city)", lambda: client.get("/don-vi/TD/"), args.runs)
    timed("GET campaign page", lambda: client.get("/dot-thi-dua/cao-diem-2023/"), args.runs)

    # Adding one branch under a grassroots unit (path computation + numchild update).
    counter = iter(range(10**6))
    timed(
        "add one branch (units_bulk_create)",
        lambda: units_bulk_create(
            actor=None,
            specs=[
                UnitSpec(code=f"BENCH-{next(counter)}", parent_code=grassroots.code, name="Chi đoàn thử", kind="branch")
            ],
        ),
        args.runs,
    )
    RoleAssignment.objects.filter(role=Role.VIEWER).delete()


if __name__ == "__main__":
    main()
