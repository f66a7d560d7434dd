"""Run every benchmark under bench/ and print their figures (`make bench`).

    .venv/bin/python bench/run_all.py          # small sizes: a couple of minutes on 2 cores
    .venv/bin/python bench/run_all.py --full   # the sizes of docs/benchmarks.md (city 40,000 branches, national)

Each script runs in a process of its own on a fresh SQLite file in a temporary directory (each
needs an empty database). For PostgreSQL run the scripts one by one against an empty database,
as docs/benchmarks.md shows.
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
]
FULL = [
    ("tree_queries.py", ["--branches", "40000", "--runs", "30"]),
    ("rollup.py", ["--scale", "city", "--runs", "200"]),
    ("rollup.py", ["--scale", "national", "--runs", "200"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the big sizes of docs/benchmarks.md (takes much longer)")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL"):
        sys.exit("run_all.py uses a fresh SQLite file per benchmark; unset DATABASE_URL, or run each script alone")

    runs = FULL if args.full else SMALL
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
