"""The mail gateway's writes: store a raw message, read it and file its attachments (or put it in
triage), and the coordinator's two decisions on a message in triage (file it, reject it).

Every raw message is stored under its SHA-256 before anything else (`inbound_receive`): the same
bytes twice are one row, so an intake that fetches a message again never files it twice. Reading
(`inbound_process`) claims the row by a conditional update in the transaction that records the
outcome, so two runs at once never both act on it; a run that dies leaves the row unread, and the
next run reads it. Attachments are filed through `submission_create`, with its file checks, and
the deadline is judged by the time the message reached our mail server. Every outcome is audited
and answered (through the outbox, so a reply is queued with the outcome and retried).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from thidua.campaigns.models import Milestone
from thidua.core import files, timeutils
from thidua.core.audit import log_action
from thidua.core.errors import Refused
from thidua.core.outbox import email_deliver, email_queue, notify_users, site_url
from thidua.mailgateway import matching, parsing
from thidua.mailgateway.models import InboundMessage
from thidua.submissions.models import Submission
from thidua.submissions.services import receipt_path, receipt_text, submission_create
from thidua.units.models import Unit
from thidua.units.queries import coordinators_above, unit_officers

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # a message whose reading keeps failing (a bug) goes to triage after this
Status = InboundMessage.Status


def hard_limit() -> int:
    """The most an intake keeps of one message; beyond it only the header is kept."""
    return 2 * settings.MAIL_MAX_BYTES


# --- intake -------------------------------------------------------------------------------------


def inbound_receive(
    *,
    raw: bytes,
    received_at: dt.datetime,
    source: str,
    envelope_from: str = "",
    size: int | None = None,
    truncated: bool = False,
) -> tuple[InboundMessage, bool]:
    """Store the raw message (durably, under its hash) and its row; (row, False) if these exact
    bytes were stored before. `received_at` is when the message reached our mail server."""
    if timezone.is_naive(received_at):
        raise ValueError("received_at must be aware")
    sha256 = hashlib.sha256(raw).hexdigest()
    existing = InboundMessage.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing, False
    head = parsing.read_headers(raw)
    checked = files.CheckedFile(name="message.eml", kind="eml", data=raw, sha256=sha256)
    try:
        with files.stored_first([checked]), transaction.atomic():
            message = InboundMessage.objects.create(
                sha256=sha256,
                raw=files.stored_file(checked),
                raw_truncated=truncated,
                size=size if size is not None else len(raw),
                source=source,
                message_id=head.message_id,
                envelope_from=(envelope_from or head.return_path)[:300],
                from_address=head.from_address,
                from_name=head.from_name,
                subject=head.subject,
                received_at=received_at,
            )
            log_action(
                actor=None,
                action="mail.receive",
                obj=message,
                changes={
                    "sha256": [None, sha256],
                    "received_at": [None, received_at],
                    "source": [None, source],
                    "from": [None, head.from_address],
                    "message_id": [None, head.message_id],
                },
            )
    except IntegrityError:  # another intake stored the same bytes at the same instant
        return InboundMessage.objects.get(sha256=sha256), False
    return message, True


def raw_bytes(message: InboundMessage) -> bytes | None:
    return files.read(message.sha256)


# --- reading and filing ---------------------------------------------------------------------------


def inbound_process_pending(*, limit: int = 200) -> int:
    """Read every stored message not read yet (oldest first); returns how many were read here."""
    pending = InboundMessage.objects.filter(status=Status.RECEIVED).order_by("received_at", "pk")
    done = 0
    for pk in list(pending.values_list("pk", flat=True)[:limit]):
        message = InboundMessage.objects.get(pk=pk)
        if inbound_process(message=message) is not None:
            done += 1
    return done


def inbound_process(*, message: InboundMessage) -> InboundMessage | None:
    """Read one stored message and file it, or put it in triage; None if another run has it (or
    had it). The outcome, the submission, the audit entry and the reply commit together."""
    replies = []
    try:
        # The reason is stored and sent to the sender: Vietnamese, whatever the process's language.
        with translation.override("vi"), transaction.atomic():
            # The claim: of two runs, the second waits for the first's commit, then matches nothing.
            if not InboundMessage.objects.filter(pk=message.pk, status=Status.RECEIVED).update(
                attempts=F("attempts") + 1
            ):
                return None
            message.refresh_from_db()
            _decide(message, replies)
    except Exception:
        log.exception("inbound message %s could not be read", message.pk)
        _after_failure(message)
        return None
    _deliver(replies)
    return message


def _after_failure(message: InboundMessage) -> None:
    # The rolled-back transaction did not count the attempt: count it, and give up after a few.
    InboundMessage.objects.filter(pk=message.pk, status=Status.RECEIVED).update(attempts=F("attempts") + 1)
    message.refresh_from_db()
    if message.status == Status.RECEIVED and message.attempts >= MAX_ATTEMPTS:
        with translation.override("vi"), transaction.atomic():
            _to_triage(message, _("The message could not be read by the system; a coordinator will look at it."), [])


def _decide(message: InboundMessage, replies: list) -> None:
    """Inside the claiming transaction: work out what the message is, and record it."""
    raw = raw_bytes(message)
    if raw is None:
        return _to_triage(message, _("The stored copy of the message is missing."), replies)
    if message.raw_truncated or len(raw) > settings.MAIL_MAX_BYTES or message.size > settings.MAIL_MAX_BYTES:
        return _to_triage(message, _too_large(message.size), replies, parsed=parsing.read_headers(raw))
    parsed = parsing.parse(raw)
    message.attachments = [
        {"name": a.name, "size": len(a.data), "sha256": hashlib.sha256(a.data).hexdigest(), "tnef": a.from_tnef}
        for a in parsed.attachments
    ]
    earlier = _earlier_copy(message)
    if earlier is not None:
        return _duplicate(message, earlier, replies, parsed)
    unit, reason, units = _sender_unit(message, parsed)
    if unit is None:
        return _to_triage(message, reason, replies, parsed=parsed, units=units)
    message.unit = unit
    _file_for(message, unit, parsed, replies)


def _sender_unit(message: InboundMessage, parsed) -> tuple[Unit | None, str, list[Unit]]:
    """The one unit the sender's address belongs to, or None with the reason and the candidates."""
    units = matching.units_for_address(message.from_address)
    if not units:
        forwarded = [u for a in parsed.forwarded_from for u in matching.units_for_address(a)]
        reason = (
            _("The message was forwarded from an address that is not in the unit directory.")
            if forwarded
            else _("The sender's address %(address)s is not in the unit directory.") % {"address": message.from_address}
        )
        return None, reason, forwarded
    if len(units) > 1:
        reason = _("The address %(address)s belongs to several units (%(names)s).") % {
            "address": message.from_address,
            "names": ", ".join(u.name for u in units),
        }
        return None, reason, units
    if parsed.unverified:
        reason = _("Our mail server could not confirm that the message really comes from %(address)s.")
        return None, reason % {"address": message.from_address}, units
    if parsed.problems:
        return None, " ".join(parsed.problems), units
    return units[0], "", units


def _file_for(message: InboundMessage, unit: Unit, parsed, replies: list) -> None:
    units = [unit]
    candidates = matching.open_milestones(unit)
    if not candidates:
        reason = _("%(unit)s has no document to send in an open campaign.") % {"unit": unit.name}
        return _to_triage(message, reason, replies, parsed=parsed, units=units)
    found = matching.match_milestones(
        candidates,
        subject=parsed.clean_subject,
        names=[a.name for a in parsed.attachments],
        body=parsed.body,
        received_at=message.received_at,
    )
    if len(found) != 1:
        reason = _(
            "It is not clear which document this is (%(titles)s): write its name (plan, mid-term report, final report) in the subject."
        ) % {"titles": "; ".join(_milestone_label(m) for m in _worth_naming(found, message.received_at))}
        return _to_triage(message, reason, replies, parsed=parsed, units=units, milestones=found)
    milestone = found[0]
    message.milestone = milestone
    if not parsed.attachments:
        reason = _("The message has no attached file.")
        return _to_triage(message, reason, replies, parsed=parsed, units=units, milestones=found)
    same = _same_files(milestone, unit, message.attachments)
    if same is not None:
        message.submission = same
        return _duplicate(message, None, replies, parsed, submission=same)
    try:
        with transaction.atomic():
            submission = submission_create(
                actor=None,
                milestone=milestone,
                unit=unit,
                uploads=[(a.name, a.data) for a in parsed.attachments],
                note=_("Received by e-mail from %(address)s: %(subject)s")
                % {"address": message.from_address, "subject": message.subject},
                now=message.received_at,
                notify=False,
            )
    except Refused as refusal:
        return _to_triage(message, refusal.message, replies, parsed=parsed, units=units, milestones=found)
    _filed(message, submission, None, replies, parsed)


def _too_large(size: int) -> str:
    return _("The message is %(size)s MB; the gateway reads messages of at most %(limit)s MB.") % {
        "size": f"{size / 1048576:.1f}",
        "limit": settings.MAIL_MAX_BYTES // 1048576,
    }


def _milestone_label(milestone: Milestone) -> str:
    return f"{milestone.title} ({timeutils.format_vn(milestone.deadline, with_weekday=False)})"


def _worth_naming(milestones: list[Milestone], received_at: dt.datetime) -> list[Milestone]:
    """The candidates to name to a person: the still-open ones if any, at most four."""
    still_open = [m for m in milestones if timeutils.is_on_time(received_at, m.deadline)]
    return (still_open or milestones)[:4]


def _earlier_copy(message: InboundMessage) -> InboundMessage | None:
    """The same message (Message-ID and sender) received before, through another route or again."""
    if not message.message_id:
        return None
    return (
        InboundMessage.objects.filter(message_id=message.message_id, from_address=message.from_address)
        .exclude(pk=message.pk)
        .exclude(status=Status.RECEIVED)
        .order_by("received_at", "pk")
        .first()
    )


def _same_files(milestone, unit, attachments) -> Submission | None:
    """The unit's latest version, if it holds exactly these files (the same mail sent twice)."""
    latest = Submission.objects.filter(milestone=milestone, unit=unit).order_by("-version").first()
    if latest is None:
        return None
    had = sorted(latest.files.values_list("stored__sha256", flat=True))
    return latest if had == sorted(a["sha256"] for a in attachments) else None


# --- outcomes -----------------------------------------------------------------------------------


def _record(
    message: InboundMessage, status: str, reason: str, actor=None, action: str = "", extra: dict | None = None
) -> None:
    old = message.status
    message.status = status
    message.reason = reason
    message.save()
    log_action(
        actor=actor,
        action=action or f"mail.{status}",
        obj=message,
        changes={
            "status": [old, status],
            "unit": [None, message.unit.code if message.unit_id else None],
            "milestone": [None, message.milestone.code if message.milestone_id else None],
            "submission": [None, message.submission.receipt_number if message.submission_id else None],
            **(extra or {}),
        },
        reason=reason,
    )


def _to_triage(message, reason, replies, *, parsed=None, units=(), milestones=()) -> None:
    _record(message, Status.TRIAGE, reason)
    message.candidate_units.set(list({u.pk: u for u in units}.values()))
    message.candidate_milestones.set(list(milestones))
    # The coordinators who will look at it are told in the app (those above each candidate unit).
    people = [user for unit in units for user in coordinators_above(unit)] if units else []
    if people:
        with translation.override("vi"):
            notify_users(
                people,
                text=_("An e-mail from %(address)s waits in the mail triage: %(reason)s")
                % {"address": message.from_address, "reason": reason},
                url=_detail_path(message),
            )
    _reply(message, "triage", parsed, replies, reason=reason)


def _duplicate(message, earlier, replies, parsed, submission=None) -> None:
    if earlier is not None:
        reason = _("The same message was already received at %(time)s.") % {
            "time": timeutils.format_vn(earlier.received_at)
        }
        if earlier.submission_id:
            message.submission = earlier.submission
    else:
        reason = _("The same files were already received: receipt %(number)s.") % {"number": submission.receipt_number}
    _record(message, Status.DUPLICATE, reason)
    if earlier is None:  # a copy of a message already answered gets no second answer
        _reply(message, "duplicate", parsed, replies, reason=reason)


def _filed(message, submission, actor, replies, parsed, left_out=()) -> None:
    """Record the filing; the audit entry names the files filed and those the coordinator left out."""
    message.submission = submission
    message.unit = submission.unit
    message.milestone = submission.milestone
    if actor is not None:
        message.decided_by, message.decided_at = actor, timeutils.now()
    extra = {"files": [None, list(submission.files.values_list("name", flat=True))]}
    if left_out:
        extra["files_not_filed"] = [None, list(left_out)]
    _record(message, Status.FILED, "", actor=actor, action="mail.file", extra=extra)
    with translation.override("vi"):
        notify_users(
            unit_officers(submission.unit),
            text=_("Receipt %(number)s — %(milestone)s — %(unit)s (by e-mail)")
            % {
                "number": submission.receipt_number,
                "milestone": submission.milestone.title,
                "unit": submission.unit.name,
            },
            url=receipt_path(submission),
        )
    _reply(message, "filed", parsed, replies, submission=submission, left_out=list(left_out))


def _detail_path(message: InboundMessage) -> str:
    return reverse("mailgateway:detail", args=[message.pk])


# --- replies --------------------------------------------------------------------------------------


def _may_answer(message: InboundMessage, parsed) -> bool:
    own = settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].strip("> ").lower()
    automatic = parsed.automatic if parsed is not None else not message.from_address
    return bool(message.from_address) and not automatic and message.from_address != own


def _reply(message, event: str, parsed, replies: list, **context) -> None:
    """Queue the answer to the sender (and, for a receipt, the unit's directory addresses)."""
    if not _may_answer(message, parsed):
        return
    submission = context.get("submission")
    to = [message.from_address]
    if submission is not None:
        to += submission.unit.email_list
    with translation.override("vi"):
        if event == "filed":
            subject = _("Receipt %(number)s — %(milestone)s — %(unit)s") % {
                "number": submission.receipt_number,
                "milestone": submission.milestone.title,
                "unit": submission.unit.name,
            }
        elif event == "rejected":
            subject = _("Not accepted: %(subject)s") % {"subject": message.subject or _("(no subject)")}
        else:
            subject = _("Received, not yet filed: %(subject)s") % {"subject": message.subject or _("(no subject)")}
        body = render_to_string(
            "mailgateway/email/reply.txt",
            {
                "m": message,
                "event": event,
                "receipt": receipt_text(submission) if submission is not None else "",
                "receipt_url": site_url(receipt_path(submission)) if submission is not None else "",
                **context,
            },
        )
    row = email_queue(
        to=to, subject=subject, body=body, key=f"mailgateway:{message.pk}:{event}", in_reply_to=message.message_id
    )
    if row is not None:
        InboundMessage.objects.filter(pk=message.pk).update(reply=row)
        message.reply = row
        replies.append(row)


def _deliver(replies: list) -> None:
    for row in replies:
        email_deliver(row)


# --- the coordinator's decisions ---------------------------------------------------------------


def attachments_of(message: InboundMessage) -> list[parsing.Attachment]:
    """The files of a stored message (read again from its raw bytes)."""
    raw = raw_bytes(message)
    if raw is None or message.raw_truncated or len(raw) > settings.MAIL_MAX_BYTES:
        return []
    return parsing.parse(raw).attachments


@dataclass(frozen=True)
class AttachmentChoice:
    index: int  # its place among the message's attachments (what the coordinator ticks)
    name: str
    size: int
    from_tnef: bool
    refusal: str  # why the file checks refuse it; "" when it can be filed


def attachment_choices(attachments: list[parsing.Attachment]) -> list[AttachmentChoice]:
    """Each attached file with the file checks' verdict, for the coordinator to choose from."""
    found = []
    for index, attachment in enumerate(attachments):
        try:
            files.check_upload(attachment.name, attachment.data)
        except Refused as refusal:
            reason = refusal.message
        else:
            reason = ""
        name = files.safe_name(attachment.name)
        found.append(AttachmentChoice(index, name, len(attachment.data), attachment.from_tnef, reason))
    return found


def inbound_file(
    *,
    actor,
    message: InboundMessage,
    unit: Unit,
    milestone: Milestone,
    note: str = "",
    chosen: Iterable[int] | None = None,
) -> Submission:
    """File a message waiting in triage for this unit and milestone: the attachments `chosen` (their
    places in the message; None: all of them) become a new version (same file checks), judged on
    time or late by when the message reached our server. The others are named in the audit entry
    and in the answer to the sender."""
    if message.status != Status.TRIAGE:
        raise Refused(_("This message is no longer waiting: it was handled already."))
    if message.raw_truncated or message.size > settings.MAIL_MAX_BYTES:
        raise Refused(_("The message is too large to be read here; ask the unit to send smaller files."))
    attachments = attachments_of(message)
    if not attachments:
        raise Refused(_("The message has no attached file to file."))
    left_out: list[str] = []
    if chosen is not None:
        picked = sorted(set(chosen))
        if not picked:
            raise Refused(_("Tick at least one attached file to file."), field="files")
        if picked[0] < 0 or picked[-1] >= len(attachments):
            raise Refused(_("The message has no such attached file."), field="files")
        left_out = [files.safe_name(a.name) for i, a in enumerate(attachments) if i not in picked]
        attachments = [attachments[i] for i in picked]
    replies: list = []
    with transaction.atomic():
        if not InboundMessage.objects.filter(pk=message.pk, status=Status.TRIAGE).update(decided_at=timeutils.now()):
            raise Refused(_("This message is no longer waiting: it was handled already."))
        message.refresh_from_db()
        message.unit, message.milestone = unit, milestone
        submission = submission_create(
            actor=actor,
            milestone=milestone,
            unit=unit,
            uploads=[(a.name, a.data) for a in attachments],
            note=note
            or _("Received by e-mail from %(address)s: %(subject)s")
            % {"address": message.from_address, "subject": message.subject},
            now=message.received_at,
            notify=False,
        )
        _filed(message, submission, actor, replies, parsing.read_headers(raw_bytes(message) or b""), left_out)
    _deliver(replies)
    return submission


def inbound_reject(*, actor, message: InboundMessage, reason: str) -> InboundMessage:
    """Reject a message waiting in triage; the sender is told why."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Say why the message is rejected: the sender receives it."), field="reason")
    replies: list = []
    with transaction.atomic():
        if not InboundMessage.objects.filter(pk=message.pk, status=Status.TRIAGE).update(decided_at=timeutils.now()):
            raise Refused(_("This message is no longer waiting: it was handled already."))
        message.refresh_from_db()
        message.decided_by = actor
        _record(message, Status.REJECTED, reason, actor=actor, action="mail.reject")
        _reply(message, "rejected", parsing.read_headers(raw_bytes(message) or b""), replies, reason=reason)
    _deliver(replies)
    return message
