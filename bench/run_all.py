"""Run every benchmark under bench/ and print their figures (`make bench`).

    .venv/bin/python bench/run_all.py          # small sizes: a couple of minutes on 2 cores
    .venv/bin/python bench/run_all.py --full   # the sizes of docs/benchmarks.md (city 40,000 branches, national)

Each script runs in a process of its own on a fresh SQLite file in a temporary directory (each
needs an empty database). With DATABASE_URL set (PostgreSQL), only pages.py and burst.py run:
they create a fresh database of their own next to it and drop it afterwards; run the others one
by one against an empty database, as docs/benchmarks.md shows.
"""

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (script, arguments) for each size
SMALL = [
    ("tree_queries.py", ["--branches", "5000", "--runs", "30"]),
    ("rollup.py", ["--scale", "city", "--branches", "5000", "--runs", "100"]),
    ("pages.py", ["--branches", "2000", "--runs", "30"]),
    ("documents.py", ["--branches", "2000", "--runs", "5"]),
    ("burst.py", ["--units", "300", "--size", "1048576"]),
    ("flood.py", ["--seconds", "10", "--clients", "2"]),
    ("importer_accuracy.py", []),
]
FULL = [
    ("tree_queries.py", ["--branches", "40000", "--runs", "30"]),
    ("rollup.py", ["--scale", "city", "--runs", "200"]),
    ("rollup.py", ["--scale", "national", "--runs", "200"]),
    ("pages.py", ["--branches", "40000", "--runs", "50"]),
    ("documents.py", ["--branches", "40000", "--runs", "10"]),
    ("burst.py", ["--units", "2000", "--size", "1048576"]),
    ("burst.py", ["--units", "2000", "--size", "1048576", "--rate", "50"]),
    ("flood.py", ["--seconds", "60", "--clients", "4"]),
    ("importer_accuracy.py", []),
]
OWN_DATABASE = {"pages.py", "burst.py"}  # create (and drop) a fresh database next to DATABASE_URL


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the big sizes of docs/benchmarks.md (takes much longer)")
    args = parser.parse_args()
    runs = FULL if args.full else SMALL
    if os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is set: only the benchmarks that make a database of their own run\n")
        runs = [(script, script_args) for script, script_args in runs if script in OWN_DATABASE]
    print(f"# Benchmarks ({'full' if args.full else 'small'} sizes)\n")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n")
    failed = []
    started = time.perf_counter()
    for script, script_args in runs:
        command = [sys.executable, str(HERE / script), *script_args]
        print(f"## {script} {' '.join(script_args)}\n", flush=True)
        with tempfile.TemporaryDirectory(prefix="thidua-bench-") as var_dir:
            env = {**os.environ, "THIDUA_VAR_DIR": var_dir}
            t0 = time.perf_counter()
            result = subprocess.run(command, env=env, check=False)
        print(f"\n({script} took {time.perf_counter() - t0:.1f} s)\n", flush=True)
        if result.returncode:
            failed.append(f"{script} {' '.join(script_args)} (exit {result.returncode})")
    print(f"all benchmarks: {time.perf_counter() - started:.1f} s")
    for line in failed:
        print(f"FAILED: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
