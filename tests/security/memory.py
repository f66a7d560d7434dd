"""Peak memory of one call, as Python allocates it (tracemalloc also sees zlib's and lxml's buffers
that Python objects hold)."""

from __future__ import annotations

import time
import tracemalloc
from contextlib import contextmanager


@contextmanager
def bounded(*, megabytes: float, seconds: float):
    """Fails if the block allocates more than `megabytes` at its peak or takes more than `seconds`
    of CPU (CPU, not wall time: a CI machine busy with other work must not fail it)."""
    tracemalloc.start()
    start = time.process_time()
    try:
        yield
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    elapsed = time.process_time() - start
    assert peak < megabytes * 1024 * 1024, f"peak {peak / 1048576:.0f} MB"
    assert elapsed < seconds, f"{elapsed:.1f} s"
