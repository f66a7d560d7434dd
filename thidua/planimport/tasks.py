"""The plan import's task (thidua/celery.py): an uploaded plan is read on a worker, not in the request."""

from __future__ import annotations

from celery import shared_task

from thidua.planimport.reading import draft_read


@shared_task(name="thidua.planimport.tasks.draft_read_task")
def draft_read_task(pk: int) -> None:
    draft_read(pk)
