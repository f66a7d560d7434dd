"""Tasks of the unit portal for the task engine (thidua/celery.py)."""

from __future__ import annotations

from celery import shared_task

from thidua.submissions.services import RECEIPT_TASK, receipt_send_by_id


@shared_task(name=RECEIPT_TASK)
def receipt_send_task(pk: int) -> bool:
    """The receipt's notification and e-mail for one submission, after its upload committed."""
    return receipt_send_by_id(pk)
