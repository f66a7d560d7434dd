"""Tasks for the task engine (thidua/celery.py): e-mail delivery and the minute's jobs.

Callers never wait for them: `later(task, *args)` hands a task over once the caller's
transaction has committed (with no broker it runs in-process right then)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from thidua.core import jobs, timeutils
from thidua.core.models import OutboundEmail
from thidua.core.outbox import email_deliver


def later(task, *args) -> None:
    """Run `task` after the current transaction commits: on a worker, or here without a broker."""
    transaction.on_commit(lambda: task.delay(*args))


@shared_task(name="thidua.core.tasks.email_deliver_task")
def email_deliver_task(pk: int) -> bool:
    """Send one queued e-mail (the outbox's lease makes a second delivery impossible)."""
    row = OutboundEmail.objects.filter(pk=pk, sent_at__isnull=True).first()
    return row is not None and email_deliver(row)


@shared_task(name="thidua.core.tasks.jobs_run_task")
def jobs_run_task() -> dict:
    """The minute's jobs (reminders, digests, purges) then the outbox, as `run_jobs` does."""
    return jobs.jobs_run(timeutils.now())
