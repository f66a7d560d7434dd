"""Tell people: in-app notifications, and e-mail through an outbox that survives a crash.

An e-mail is first a row (`OutboundEmail`), written in the caller's transaction, then delivered:
`email_send` queues and delivers at once (after the caller's own transaction, as before);
`email_queue` only queues, for jobs that commit a claim and its message together and deliver
after the commit. `outbox_deliver` (run by every `run_jobs`) retries whatever is due: a message
whose sender died keeps its row and is sent again when its lease has run out; a failed send is
retried with a growing pause, up to MAX_ATTEMPTS.

A message is sent at least once; the key gives it a stable Message-ID, so the rare second copy
(the process died between the SMTP server's acceptance and our `sent_at`) is the same message to
the receiving mail client. A failed e-mail never undoes the change it reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from thidua.core import timeutils
from thidua.core.models import Notification, OutboundEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def lease() -> dt.timedelta:
    """How long a sender holds a message before another may take it over (THIDUA_OUTBOX_LEASE_SECONDS)."""
    return dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def claim(model, **fields):
    """Insert the row that says "this was done" (unique on `fields`), or None if it exists.

    Jobs claim a (milestone, unit, step) or (campaign, day) this way before they act on it, so
    two runs at once, or a run after a crash, never act twice."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        return None


def notify_users(users: Iterable, *, text: str, url: str = "") -> int:
    """One in-app notification per distinct user."""
    rows = [Notification(user=user, text=text[:500], url=url) for user in {u.pk: u for u in users}.values()]
    Notification.objects.bulk_create(rows)
    return len(rows)


def email_queue(
    *, to: Iterable[str], subject: str, body: str, key: str | None = None, in_reply_to: str = ""
) -> OutboundEmail | None:
    """Queue an e-mail in the caller's transaction. The same `key` queued again is not a second
    message. None when there is nobody to send it to. `in_reply_to`: the Message-ID it answers."""
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    if not recipients:
        return None
    key = key or f"once:{uuid.uuid4().hex}"
    subject = " ".join(subject.split())[:300]  # a header: one line
    try:
        with transaction.atomic():
            return OutboundEmail.objects.create(
                key=key, to=recipients, subject=subject, body=body, in_reply_to=_one_line(in_reply_to)[:300]
            )
    except IntegrityError:
        return OutboundEmail.objects.get(key=key)


EMAIL_TASK = "thidua.core.tasks.email_deliver_task"


def email_send(*, to: Iterable[str], subject: str, body: str, key: str | None = None) -> bool:
    """Queue an e-mail and have it delivered: by a worker once the caller's transaction commits
    (the request never waits for the mail server), or here and now when tasks run in-process
    (no broker configured). True if it already went out; if not, the worker or the outbox's
    retries send it."""
    row = email_queue(to=to, subject=subject, body=body, key=key)
    if row is None:
        return False
    if settings.TASKS_IN_PROCESS:
        return _deliver(row, timeutils.now())
    task_after_commit(EMAIL_TASK, row.pk)  # if the broker is down, the outbox's retries send it
    return False


def task_after_commit(name: str, *args, fallback=None) -> None:
    """Hand the task `name` to a worker once the caller's transaction commits. Should the broker
    not take it (down, unreachable), the request does not fail for it after its data committed:
    the error is logged and `fallback()` (if any) runs here instead."""

    def send() -> None:
        try:
            current_app.send_task(name, args=list(args))
        except Exception:  # noqa: BLE001 - any broker failure: the work is done here, or retried later
            log.exception("the broker did not take task %s%r", name, args)
            if fallback is not None:
                fallback()

    transaction.on_commit(send)


def email_deliver(row: OutboundEmail) -> bool:
    """Try to send one queued e-mail now (after the transaction that queued it committed)."""
    return _deliver(row, timeutils.now())


def outbox_deliver(now: dt.datetime | None = None, *, limit: int = 500) -> int:
    """Send every queued e-mail that is due (never claimed, or its lease ran out). Returns how
    many went out. Safe to run from several processes at once."""
    now = now or timeutils.now()
    due = (
        OutboundEmail.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .order_by("created_at", "pk")[:limit]
    )
    return sum(_deliver(row, now) for row in due)


def _claimed(row: OutboundEmail, now: dt.datetime) -> bool:
    # A conditional update: of two senders, exactly one sees 1 row changed.
    return (
        OutboundEmail.objects.filter(pk=row.pk, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(lease_until=now + lease(), attempts=F("attempts") + 1)
        == 1
    )


def _one_line(text: str) -> str:
    """A header value: no line breaks (header injection), no surrounding space."""
    return " ".join((text or "").split())


def site_url(path: str) -> str:
    """An absolute link for a message that leaves the site (e-mail, document)."""
    return settings.SITE_URL.rstrip("/") + path


def message_id(key: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "thidua.local"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def _deliver(row: OutboundEmail, now: dt.datetime) -> bool:
    if not _claimed(row, now):
        return False
    row.refresh_from_db(fields=["attempts"])
    message = EmailMessage(
        subject=row.subject,
        body=row.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=row.to,
        headers={"Message-ID": message_id(row.key)}
        | ({"In-Reply-To": row.in_reply_to, "References": row.in_reply_to} if row.in_reply_to else {}),
    )
    try:
        message.send()
    except Exception as exc:  # SMTP down or refusing: keep the row, retry later with a growing pause
        log.warning("e-mail %s to %s failed (attempt %s): %s", row.key, row.to, row.attempts, exc)
        pause = lease() * (2 ** min(row.attempts, 6))
        OutboundEmail.objects.filter(pk=row.pk).update(lease_until=now + pause, last_error=str(exc)[:500])
        return False
    OutboundEmail.objects.filter(pk=row.pk).update(sent_at=timeutils.now(), lease_until=None, last_error="")
    return True
