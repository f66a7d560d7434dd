"""Key pages over real HTTP, side by side with their SQL floor.

    .venv/bin/python bench/pages.py                       # the HCMC demo with 2,000 branches, SQLite
    .venv/bin/python bench/pages.py --branches 40000      # the city at full size
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/pages.py --branches 40000
    .venv/bin/python bench/pages.py --database-url postgres://…/thidua_national   # a demo built before

Builds the demo (`demo_setup`) in a fresh database (a new PostgreSQL database next to
DATABASE_URL's, dropped afterwards, or a temporary SQLite file), starts gunicorn on it, signs the
personas in (a session each), then asks each page --runs times over HTTP and runs its floor —
one hand-written SQL query returning the same numbers — as many times in the same run. The floor's
numbers are checked against the app's own query functions (the numbers the page shows) before
timing. Prints a Markdown table: p50 / p95 of the page, of the floor, the ratio of the p50s, the
page's size and its number of queries.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from serving import free_port, fresh_postgres, gunicorn, signed_in_session

ROOT = Path(__file__).resolve().parent.parent
SLUG = "cao-diem-2023"


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _fresh_database(tmp: Path) -> tuple[dict, callable]:
    """Environment for a throw-away database, and how to drop it."""
    env = {"THIDUA_VAR_DIR": str(tmp), "THIDUA_EMAIL": "file", "DJANGO_SETTINGS_MODULE": "thidua.settings"}
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return env, lambda: None
    env["DATABASE_URL"], drop_database = fresh_postgres(url, "thidua_pages")

    def drop():
        from django.db import connections

        connections.close_all()
        drop_database()

    return env, drop


def _session(username: str) -> str:
    from django.contrib.auth import get_user_model

    return signed_in_session(get_user_model().objects.get(username=username))


def _floors():
    """(label, persona, path, floor SQL, parameters, check) for each page. `check` compares the
    floor's rows with the numbers the app's own queries give the page."""
    from thidua.campaigns.models import Campaign, Indicator
    from thidua.progress import queries as progress
    from thidua.submissions import queries as submissions
    from thidua.units.models import Unit

    campaign = Campaign.objects.get(slug=SLUG)
    city = campaign.issuer_unit
    district = Unit.objects.get(code="QD1")
    share = campaign.indicators.filter(kind=Indicator.Kind.SHARE).order_by("order").first()
    prefix = len(city.path) + Unit.steplen

    def check_dashboard(rows):
        app = {f.indicator.pk: (f.numerator, f.reported) for f in progress.figures(campaign.indicators.all(), city)}
        floor = {r[0]: (r[1], r[3]) for r in rows}
        return all(app[k] == v for k, v in floor.items() if k in app)

    def check_board(rows):
        board = submissions.board(campaign, within=city)
        received = {}
        for milestone_id, _unit, _first, _versions in rows:
            received[milestone_id] = received.get(milestone_id, 0) + 1
        by_milestone = {m.pk: s.received for m, s in zip(board.milestones, board.summaries, strict=True)}
        return all(by_milestone.get(k, 0) == v for k, v in received.items())

    def check_breakdown(rows):
        lines = {b.unit.path: b.figure for b in progress.breakdown(share, city) if b.unit != city}
        floor = {r[0]: (r[1], r[2]) for r in rows}
        return all((lines[p].numerator, lines[p].reported) == v for p, v in floor.items() if p in lines)

    def check_directory(rows):
        return len(rows) == min(50, Unit.objects.filter(path__startswith=city.path, depth=city.depth + 1).count())

    return [
        (
            "indicator dashboard, city",
            "dieuphoi",
            f"/dot-thi-dua/{SLUG}/chi-tieu/",
            "SELECT a.indicator_id, a.numerator_sum, a.denominator_sum, a.reported FROM progress_aggregate a "
            "JOIN campaigns_indicator i ON i.id = a.indicator_id WHERE i.campaign_id = %s AND a.unit_id = %s",
            [campaign.pk, city.pk],
            check_dashboard,
        ),
        (
            "indicator dashboard, district",
            "quan1",
            f"/dot-thi-dua/{SLUG}/chi-tieu/?don-vi=QD1",
            "SELECT a.indicator_id, a.numerator_sum, a.denominator_sum, a.reported FROM progress_aggregate a "
            "JOIN campaigns_indicator i ON i.id = a.indicator_id WHERE i.campaign_id = %s AND a.unit_id = %s",
            [campaign.pk, district.pk],
            lambda rows: True,
        ),
        (
            "completeness board, city",
            "dieuphoi",
            f"/dot-thi-dua/{SLUG}/tien-do/",
            "SELECT s.milestone_id, s.unit_id, MIN(s.received_at), MAX(s.version) FROM submissions_submission s "
            "JOIN campaigns_milestone m ON m.id = s.milestone_id WHERE m.campaign_id = %s GROUP BY 1, 2",
            [campaign.pk],
            check_board,
        ),
        (
            "breakdown (share of units), city",
            "dieuphoi",
            f"/dot-thi-dua/{SLUG}/chi-tieu/{share.code}/",
            "SELECT substr(u.path, 1, %s) AS child, SUM(v.numerator), COUNT(*) FROM progress_indicatorvalue v "
            "JOIN units_unit u ON u.id = v.unit_id WHERE v.indicator_id = %s AND u.path LIKE %s AND u.depth > %s "
            "AND u.closed_on IS NULL GROUP BY 1",
            [prefix, share.pk, city.path + "%", city.depth],
            check_breakdown,
        ),
        (
            "directory, city",
            "dieuphoi",
            f"/don-vi/{city.code}/",
            "SELECT u.id, u.code, u.name, u.kind FROM units_unit u WHERE u.path LIKE %s AND u.depth = %s "
            "ORDER BY u.path LIMIT 50",
            [city.path + "%", city.depth + 1],
            check_directory,
        ),
        (
            "campaign overview",
            "quan1",
            f"/dot-thi-dua/{SLUG}/",
            'SELECT id, code, title, deadline FROM campaigns_milestone WHERE campaign_id = %s ORDER BY "order"',
            [campaign.pk],
            lambda rows: len(rows) == campaign.milestones.count(),
        ),
    ]


def _time_sql(sql: str, params: list, runs: int) -> tuple[list[float], list]:
    from django.db import connection

    samples, rows = [], []
    with connection.cursor() as cursor:
        for _ in range(runs):
            t0 = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            samples.append((time.perf_counter() - t0) * 1000)
    return samples, rows


def _time_page(port: int, path: str, session: str, runs: int) -> tuple[list[float], int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    samples, size = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": f"sessionid={session}", "Accept-Encoding": "identity"})
        response = conn.getresponse()
        body = response.read()
        samples.append((time.perf_counter() - t0) * 1000)
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}")
        size = len(body)
    conn.close()
    return samples, size


def _query_count(path: str, username: str) -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--branches", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database where `demo_setup --branches N` has already run (kept, not rebuilt: "
        "the national demo takes ~15 minutes to build)",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="thidua-pages-"))
    if args.database_url:
        env = {"THIDUA_VAR_DIR": str(tmp), "THIDUA_EMAIL": "file", "DJANGO_SETTINGS_MODULE": "thidua.settings"}
        env["DATABASE_URL"] = args.database_url

        def drop():
            return None
    else:
        env, drop = _fresh_database(tmp)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    if not args.database_url:
        call_command("migrate", verbosity=0)
        call_command("demo_setup", branches=args.branches, quiet=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"demo with {args.branches} branches built in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    from thidua.units.models import Unit

    units = Unit.objects.count()
    sessions = {name: _session(name) for name in ("dieuphoi", "quan1")}
    floors = _floors()
    counts = {label: _query_count(path, persona) for label, persona, path, *_rest in floors}
    connection.close()

    port = free_port()
    server = gunicorn({**os.environ}, port, args.workers, tmp / "server.log")
    rows = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _time_page(port, floors[0][2], sessions["dieuphoi"], 1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        for label, persona, path, sql, params, check in floors:
            _time_page(port, path, sessions[persona], 3)  # warm every worker's caches
            page, size = _time_page(port, path, sessions[persona], args.runs)
            floor, floor_rows = _time_sql(sql, params, args.runs)
            rows.append((label, page, floor, size, counts[label], check(floor_rows)))
    finally:
        server.terminate()
        server.wait(30)
        connection.close()
        drop()

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\n{connection.vendor}, {units:,} units, {args.workers} gunicorn workers, {args.runs} runs each, "
        f"load average at the end {load}\n"
    )
    print("| page | p50 ms | p95 ms | floor p50 ms | floor p95 ms | ratio (p50) | KB | queries | floor = page |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, page, floor, size, queries, same in rows:
        p50, f50 = statistics.median(page), statistics.median(floor)
        print(
            f"| {label} | {p50:.1f} | {_percentile(page, 0.95):.1f} | {f50:.2f} | {_percentile(floor, 0.95):.2f} "
            f"| {p50 / max(f50, 0.01):.1f}× | {size / 1024:.0f} | {queries} | {'yes' if same else 'NO'} |"
        )
    return 0 if all(r[5] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
