"""Benchmark the campaign documents written from the demo data: the time and the number of queries
of each report (and the ranking of every cluster, which the reports and the ranking page share).

    .venv/bin/python bench/documents.py                     # the HCMC demo with 2,000 branches
    .venv/bin/python bench/documents.py --branches 40000 --runs 10
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/documents.py   # a demo already built

Runs `demo_setup` (it skips what exists, so a database holding the demo is used as it is), then
builds each document --runs times. Prints a Markdown table: runs, median, p95 and maximum in ms,
and the queries of one build.
"""

import argparse
import time

from common import timed  # sets Django up on a throw-away database
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--branches", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("demo_setup", branches=args.branches, quiet=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    print(f"demo ready in {time.perf_counter() - start:.0f} s")

    from thidua.campaigns.models import Campaign
    from thidua.commendation import scoring
    from thidua.documents import registry
    from thidua.units.models import Unit

    campaign = Campaign.objects.get(slug="cao-diem-2023")
    clusters = list(campaign.clusters.all())
    print(f"{Unit.objects.count():,} units, {len(clusters)} clusters, {campaign.criteria.count()} criteria")
    jobs = {
        "final report": lambda: registry.KINDS["final-report"].build(campaign, registry.Options()),
        "mid-term report (as of its deadline)": lambda: registry.KINDS["midterm-report"].build(
            campaign, registry.Options()
        ),
        "every cluster's ranking": lambda: scoring.rankings(campaign, clusters),
    }
    print("| document | runs | median ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    queries = {}
    for label, job in jobs.items():
        job()  # warm: the campaign's related rows, translations
        with CaptureQueriesContext(connection) as captured:
            job()
        queries[label] = len(captured)
        timed(label, job, args.runs)
    print()
    for label, count in queries.items():
        print(f"{label}: {count} queries")


if __name__ == "__main__":
    main()
