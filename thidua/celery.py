"""The task engine: Celery, on Redis or RabbitMQ when `CELERY_BROKER_URL` is set.

Without a broker (the `make run` default) every task runs in-process, at once, in the caller
(`task_always_eager`), so the two README commands need nothing else. With a broker, a worker runs
them: `celery -A thidua worker -B` (the `-B` beat also runs `thidua.core.jobs` every minute; run
beat once per site). Why Celery: docs/architecture.md ("Background work").
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")

app = Celery("thidua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
