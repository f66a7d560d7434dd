"""gunicorn settings for `make serve` (read from the working directory). Every value can be
overridden from the environment; docs/deploy.md explains the sizing."""

import gc
import multiprocessing
import os

bind = os.environ.get("THIDUA_BIND", "127.0.0.1:8000")
# Sync workers: an upload is CPU-light (hashing 1 MB ~2 ms) but waits on the database and the disk;
# 2 per core + 1 kept 2 cores busy in bench/burst.py without queueing (docs/benchmarks.md).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("THIDUA_WORKER_TIMEOUT", "60"))  # ZIP downloads stream, so no request needs more
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never grows; jitter so they do not all restart at once.
max_requests = int(os.environ.get("THIDUA_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
worker_tmp_dir = os.environ.get("THIDUA_WORKER_TMP_DIR") or None  # /dev/shm in containers with a slow /tmp
accesslog = os.environ.get("THIDUA_ACCESS_LOG", "-")
errorlog = "-"
# Behind a reverse proxy (nginx, a load balancer) on the same host.
forwarded_allow_ips = os.environ.get("THIDUA_FORWARDED_ALLOW_IPS", "127.0.0.1")
limit_request_line = 8190


def post_worker_init(worker):
    """Once the app is loaded, finish loading it before the first request instead of during it:
    the URL patterns import every view module (and what they import: documents, fonts, the
    spreadsheet and PDF libraries), and the task engine its broker transport. Without this the
    first requests of each new worker paid ~1-3 s of imports, at the worst moment (a burst after
    a restart). Then those start-up objects, which live as long as the worker, are frozen out of
    the collector's way (a full collection walking them took ~90 ms of a request; bench/pages.py's
    p95)."""
    from django.urls import get_resolver

    _ = get_resolver().url_patterns
    if os.environ.get("CELERY_BROKER_URL"):
        from thidua.celery import app

        _ = app.amqp.producer_pool, app.backend  # resolve and import the transport; connect only when used
    gc.freeze()
