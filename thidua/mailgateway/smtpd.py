"""The local SMTP intake (aiosmtpd): for a deployment whose mail server hands the gateway's
address to us directly (or that receives on it itself).

The time of receipt is the instant the DATA command completes here. The raw message is stored
(hash, durable) before the intake answers "250"; only then is it read and filed. A message larger
than twice MAIL_MAX_BYTES is refused in the SMTP dialogue itself (552), so the sender's own mail
server tells the sender; between MAIL_MAX_BYTES and that it is kept and sent to triage.
"""

from __future__ import annotations

import logging

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from thidua.core import timeutils
from thidua.mailgateway import services
from thidua.mailgateway.models import InboundMessage

log = logging.getLogger(__name__)


def intake(raw: bytes, envelope_from: str) -> InboundMessage:
    """Store, then read one message received over SMTP (synchronous: run in a worker thread)."""
    close_old_connections()
    try:
        received_at = timeutils.now()
        message, _created = services.inbound_receive(
            raw=raw, received_at=received_at, source=InboundMessage.Source.SMTP, envelope_from=envelope_from
        )
        if message.status == InboundMessage.Status.RECEIVED:
            services.inbound_process(message=message)
        return message
    finally:
        close_old_connections()


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        allowed = settings.MAIL_SMTPD_RECIPIENTS
        if allowed and address.lower() not in allowed:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            await sync_to_async(intake, thread_sensitive=False)(raw, envelope.mail_from or "")
        except Exception:  # storage failed: say so, the sending server keeps the message and retries
            log.exception("SMTP intake could not store a message")
            return "451 4.3.0 Could not store the message; try again later"
        return "250 OK: stored"


def controller(host: str | None = None, port: int | None = None) -> Controller:
    return Controller(
        Handler(),
        hostname=host or settings.MAIL_SMTPD_HOST,
        port=port if port is not None else settings.MAIL_SMTPD_PORT,
        data_size_limit=services.hard_limit(),
        decode_data=False,
        server_hostname="thidua",
    )
