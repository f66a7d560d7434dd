"""Messages from the coordinator to a chosen set of units: those missing a report or late with it,
those not yet registered, those of one kind or one district. A template with placeholders is
written once; each unit gets its own e-mail (through the outbox: queued in the same transaction,
never sent twice, retried when the mail server fails) and its officers an in-app notification.
The message keeps its recipients, so its page shows who was sent what and whether it went out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import Formatter

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.campaigns.models import Campaign, Milestone
from thidua.core import outbox, ratelimit, timeutils
from thidua.core.audit import log_action
from thidua.core.errors import Refused
from thidua.submissions import queries
from thidua.submissions.models import Registration, UnitMessage, UnitMessageRecipient
from thidua.units.models import Unit
from thidua.units.queries import officers_by_unit

PLACEHOLDERS = {
    "don_vi": gettext_lazy("the unit's name"),
    "han_nop": gettext_lazy("the unit's deadline for the report (its extension, if it has one)"),
    "lien_ket": gettext_lazy("the link to the unit's page for the report (or for the campaign)"),
    "dot_thi_dua": gettext_lazy("the campaign's name"),
}
TEMPLATES = {
    "nhac-nop": (
        "Nhắc nộp {bao_cao} — {dot_thi_dua}",
        "Kính gửi {don_vi},\n\nBan Thường vụ Thành Đoàn đề nghị đơn vị gửi {bao_cao} trước {han_nop} tại:\n"
        "{lien_ket}\n\nTrân trọng.",
    ),
    "nhac-dang-ky": (
        "Nhắc đăng ký thi đua — {dot_thi_dua}",
        "Kính gửi {don_vi},\n\nĐơn vị chưa đăng ký thi đua. Đề nghị đơn vị đăng ký và cam kết chỉ tiêu tại:\n"
        "{lien_ket}\n\nTrân trọng.",
    ),
}
MAX_LENGTH = 10_000


@dataclass
class Recipient:
    unit: Unit
    deadline: object | None = None  # the unit's own deadline for the milestone, when there is one


def audience(
    campaign: Campaign,
    *,
    scope: Unit,
    milestone: Milestone | None,
    status: str,
    kinds,
    unregistered: bool,
    cluster=None,
    codes: set[str] | None = None,
) -> list[Recipient]:
    """The units a message goes to: expected by the milestone (or by the campaign), within `scope`,
    of the given kinds (or of an emulation cluster, or named in a list of codes), in the given
    status for that milestone, or not registered."""
    board = queries.board(campaign, within=scope, kinds=kinds, cluster=cluster)
    if codes is not None:
        board.rows = [(unit, cells) for unit, cells in board.rows if unit.code.upper() in codes]
    column = board.milestones.index(milestone) if milestone in board.milestones else None
    found = []
    for unit, cells in board.rows:
        cell = cells[column] if column is not None else None
        if column is not None and cell is None:
            continue  # this milestone does not expect the unit
        if status and (cell is None or cell.status != status):
            continue
        found.append(Recipient(unit, cell.deadline if cell else None))
    if unregistered:
        registered = set(Registration.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
        found = [r for r in found if r.unit.pk not in registered]
    return found


MAX_CODES = 500  # the list travels in the address (a server's request line is ~8 KB)


def parse_codes(text: str) -> set[str]:
    """Unit codes pasted from a spreadsheet or a mail: separated by commas, semicolons, spaces or
    lines; case does not matter. At most MAX_CODES."""
    codes = [code.upper() for code in re.split(r"[\s,;]+", text or "") if code]
    return set(codes[:MAX_CODES])


def check_template(subject: str, body: str) -> None:
    """Refused for a placeholder we do not know or a brace left open: the units never see "{han_np}"."""
    allowed = {*PLACEHOLDERS, "bao_cao"}
    for text in (subject, body):
        try:
            names = {field for _literal, field, _spec, _conv in Formatter().parse(text) if field is not None}
        except ValueError as exc:
            raise Refused(_("A brace { or } is left open. Write placeholders as {don_vi}."), field="body") from exc
        unknown = sorted(n for n in names if n not in allowed)
        if unknown:
            raise Refused(
                _("Unknown placeholder(s): %(names)s. Use only: %(allowed)s.")
                % {
                    "names": ", ".join("{" + n + "}" for n in unknown),
                    "allowed": ", ".join("{" + n + "}" for n in sorted(allowed)),
                },
                field="body",
            )


def link(campaign: Campaign, milestone: Milestone | None, unit: Unit) -> str:
    """The unit's page for the report, or for the campaign."""
    if milestone is not None:
        return reverse("submissions:milestone", args=[campaign.slug, milestone.code, unit.code])
    return reverse("submissions:unit_tasks", args=[campaign.slug, unit.code])


def render(text: str, campaign: Campaign, milestone: Milestone | None, recipient: Recipient) -> str:
    """The template filled in for one unit."""
    unit = recipient.unit
    values = {
        "don_vi": unit.name,
        "han_nop": timeutils.format_vn(recipient.deadline) if recipient.deadline else "—",
        "lien_ket": outbox.site_url(link(campaign, milestone, unit)),
        "dot_thi_dua": campaign.theme or campaign.title,
        "bao_cao": milestone.title if milestone else "",
    }
    return text.format_map(values)


def unit_message_send(
    *,
    actor,
    campaign: Campaign,
    milestone: Milestone | None,
    recipients: list[Recipient],
    subject: str,
    body: str,
    audience_label: str,
) -> UnitMessage:
    """Send the message: one queued e-mail per unit (to its addresses and its officers'), one in-app
    notification per officer, all in one transaction with the message's record and its audit
    entry; the outbox delivers the e-mails (now and on every run_jobs)."""
    subject, body = " ".join((subject or "").split())[:200], (body or "").strip()
    if not subject or not body:
        raise Refused(_("Write a subject and a text."), field="body")
    if len(body) > MAX_LENGTH:
        raise Refused(_("The text is longer than %(n)s characters.") % {"n": MAX_LENGTH}, field="body")
    if not recipients:
        raise Refused(_("No unit matches: nothing to send."))
    check_template(subject, body)
    if not ratelimit.hit(ratelimit.limit("unit-message-user"), str(actor.pk)):
        raise Refused(_("You have sent many messages in the last hour; wait a little before the next."))
    officers = officers_by_unit(r.unit.pk for r in recipients)
    with transaction.atomic():
        message = UnitMessage.objects.create(
            campaign=campaign,
            milestone=milestone,
            audience=audience_label[:300],
            subject=subject,
            body=body,
            sent_by=actor,
        )
        for recipient in recipients:
            _send_one(message, campaign, milestone, recipient, officers.get(recipient.unit.pk, []))
        log_action(
            actor=actor,
            action="unit_message.send",
            obj=message,
            changes={"audience": [None, audience_label], "units": [None, len(recipients)], "subject": [None, subject]},
        )
    return message


def _send_one(message, campaign, milestone, recipient: Recipient, officers: list) -> None:
    unit = recipient.unit
    subject = render(message.subject, campaign, milestone, recipient)
    text = render(message.body, campaign, milestone, recipient)
    email = outbox.email_queue(
        to=[*unit.email_list, *(u.email for u in officers)],
        subject=subject,
        body=text,
        key=f"unit-message:{message.pk}:{unit.pk}",
    )
    outbox.notify_users(officers, text=subject, url=link(campaign, milestone, unit))
    UnitMessageRecipient.objects.create(message=message, unit=unit, email=email, officers_told=len(officers))
