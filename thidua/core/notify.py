"""Tell people: an in-app notification for each user, and an e-mail to the addresses given.

E-mail goes through Django's backend (file, console or SMTP, see docs/configuration.md). A failed
e-mail is logged and does not undo the change it reports: the in-app notification is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage

from thidua.core.models import Notification

log = logging.getLogger(__name__)


def notify_users(users: Iterable, *, text: str, url: str = "") -> int:
    rows = [Notification(user=user, text=text[:500], url=url) for user in {u.pk: u for u in users}.values()]
    Notification.objects.bulk_create(rows)
    return len(rows)


def send_email(*, to: Iterable[str], subject: str, body: str) -> bool:
    recipients = sorted({address for address in to if address})
    if not recipients:
        return False
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients)
    try:
        message.send()
    except OSError:  # SMTP down: the change stands, the e-mail is logged as failed
        log.exception("e-mail to %s failed: %s", recipients, subject)
        return False
    return True
