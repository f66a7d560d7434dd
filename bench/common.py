"""What every benchmark script shares: Django set up on a throw-away database, and timing."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# A temporary SQLite file unless DATABASE_URL names another (empty) database.
os.environ.setdefault("THIDUA_VAR_DIR", tempfile.mkdtemp(prefix="thidua-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")

import django  # noqa: E402

django.setup()


def timed(label: str, fn, runs: int) -> None:
    """Run fn `runs` times; print a Markdown row: median, 95th percentile and maximum, in ms."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    print(f"| {label} | {runs} | {statistics.median(samples):.2f} | {p95:.2f} | {samples[-1]:.2f} |")
