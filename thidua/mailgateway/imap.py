"""Reading the gateway's mailbox over IMAP (imaplib): each unseen message is fetched without
marking it (BODY.PEEK), stored under its hash with the server's INTERNALDATE as the time of
receipt, and only then marked seen (or moved to the done folder). A run that dies between the two
leaves the message unseen; the next run fetches it again and finds its bytes already stored.

A lock in the shared cache keeps a second run (cron starting while the previous one still works)
from fetching at all; if the lock is lost (it expires), the hash and the claim in
`inbound_process` still keep any message from being filed twice.
"""

from __future__ import annotations

import datetime as dt
import imaplib
import logging
import re
import ssl
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from thidua.mailgateway import services
from thidua.mailgateway.models import InboundMessage

log = logging.getLogger(__name__)

LOCK_KEY = "mailgateway:fetch-lock"
LOCK_SECONDS = 15 * 60
_META = re.compile(rb'UID (\d+).*?RFC822\.SIZE (\d+).*?INTERNALDATE "([^"]+)"', re.S)
_META_ALT = re.compile(rb'INTERNALDATE "([^"]+)".*?RFC822\.SIZE (\d+)', re.S)


class MailboxError(Exception):
    """The mailbox could not be reached or answered something unexpected."""


@dataclass
class FetchResult:
    seen: int = 0  # messages looked at in the mailbox
    stored: int = 0  # new raw messages stored
    already: int = 0  # bytes stored before (a run that died before marking them, or another run)
    processed: int = 0  # messages read and filed or sent to triage in this run
    skipped: int = 0  # messages the server would not give properly (left unseen, logged)
    locked: bool = False  # another run holds the lock: nothing done


@contextmanager
def fetch_lock():
    """True if this run holds the lock (held until the block ends or LOCK_SECONDS pass)."""
    token = uuid.uuid4().hex
    held = cache.add(LOCK_KEY, token, LOCK_SECONDS)
    try:
        yield held
    finally:
        if held and cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


def connect() -> imaplib.IMAP4:
    host, port, timeout = settings.MAIL_IMAP_HOST, settings.MAIL_IMAP_PORT, settings.MAIL_IMAP_TIMEOUT
    if not host:
        raise MailboxError("THIDUA_MAIL_IMAP_HOST is not set")
    try:
        if settings.MAIL_IMAP_TLS == "ssl":
            client = imaplib.IMAP4_SSL(host, port, ssl_context=ssl.create_default_context(), timeout=timeout)
        else:
            client = imaplib.IMAP4(host, port, timeout=timeout)
            if settings.MAIL_IMAP_TLS == "starttls":
                client.starttls(ssl_context=ssl.create_default_context())
        client.login(settings.MAIL_IMAP_USER, settings.MAIL_IMAP_PASSWORD)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"cannot open the mailbox {host}:{port}: {exc}") from exc
    return client


def parse_internaldate(text: str) -> dt.datetime:
    """'06-May-2023 10:59:59 +0700' → an aware datetime (the instant the server received it)."""
    return dt.datetime.strptime(text.strip(), "%d-%b-%Y %H:%M:%S %z")


def _ok(response, what: str):
    typ, data = response
    if typ != "OK":
        raise MailboxError(f"{what}: {typ} {data!r}")
    return data


def _literal(data) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def _meta(client, uid: bytes) -> tuple[int, dt.datetime]:
    data = _ok(client.uid("FETCH", uid, "(UID RFC822.SIZE INTERNALDATE)"), "fetch size and date")
    text = b" ".join(item if isinstance(item, bytes) else item[0] for item in data if item)
    found = _META.search(text)
    if found:
        return int(found.group(2)), parse_internaldate(found.group(3).decode("ascii"))
    found = _META_ALT.search(text)
    if not found:
        raise MailboxError(f"no size or date for message {uid!r}: {text[:200]!r}")
    return int(found.group(2)), parse_internaldate(found.group(1).decode("ascii"))


def mailbox_fetch(*, client=None, limit: int = 500) -> FetchResult:
    """One run: store every unseen message of the folder, mark each after it is stored, then read
    what was stored. Raises MailboxError when the mailbox cannot be used."""
    result = FetchResult()
    with fetch_lock() as held:
        if not held:
            result.locked = True
            return result
        own = client is None
        try:
            client = client or connect()
            _fetch_all(client, result, limit)
        except (imaplib.IMAP4.error, OSError) as exc:
            raise MailboxError(str(exc)) from exc
        finally:
            if own and client is not None:
                _logout(client)
            # Whatever was stored is read, even when the mailbox failed half-way.
            result.processed = services.inbound_process_pending()
    return result


def _logout(client) -> None:
    try:
        client.logout()
    except (OSError, imaplib.IMAP4.error):
        pass


def _fetch_all(client, result: FetchResult, limit: int) -> None:
    _ok(client.select(settings.MAIL_IMAP_FOLDER), f"select {settings.MAIL_IMAP_FOLDER}")
    uids = _ok(client.uid("SEARCH", "UNSEEN"), "search")[0].split()
    for uid in uids[:limit]:
        result.seen += 1
        try:
            _fetch_one(client, uid, result)
        except MailboxError as exc:  # one odd message must not block the others: it stays unseen
            log.warning("mailbox message %r skipped: %s", uid, exc)
            result.skipped += 1
    if settings.MAIL_IMAP_DONE_FOLDER and uids:
        client.expunge()


def _fetch_one(client, uid: bytes, result: FetchResult) -> None:
    size, received_at = _meta(client, uid)
    truncated = size > services.hard_limit()
    part = "(BODY.PEEK[HEADER])" if truncated else "(BODY.PEEK[])"
    raw = _literal(_ok(client.uid("FETCH", uid, part), "fetch message"))
    if raw is None:
        raise MailboxError(f"message {uid!r} came without its content")
    _message, created = services.inbound_receive(
        raw=raw, received_at=received_at, source=InboundMessage.Source.IMAP, size=size, truncated=truncated
    )
    result.stored += created
    result.already += not created
    _done(client, uid)  # only now: the raw bytes are durable


def _done(client, uid: bytes) -> None:
    if settings.MAIL_IMAP_DONE_FOLDER:
        _ok(client.uid("COPY", uid, settings.MAIL_IMAP_DONE_FOLDER), "copy to the done folder")
        _ok(client.uid("STORE", uid, "+FLAGS", r"(\Seen \Deleted)"), "mark moved")
    else:
        _ok(client.uid("STORE", uid, "+FLAGS", r"(\Seen)"), "mark seen")
