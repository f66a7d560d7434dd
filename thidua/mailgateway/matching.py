"""Who sent a message and what it is: the sender's unit from the directory's e-mail addresses,
the milestone from the subject, the attachment names, the text and the date.

Both answer with candidates; the caller files only when there is exactly one of each.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q

from thidua.campaigns.models import Campaign, Milestone
from thidua.core import timeutils
from thidua.core.text import fold
from thidua.submissions.models import DeadlineException
from thidua.submissions.queries import is_expected
from thidua.units.models import Role, RoleAssignment, Unit

# Words that name each kind of document, accent-folded. A report always names the plan it
# reports on ("báo cáo sơ kết thực hiện kế hoạch …"), a plan hardly ever a report: so when a text
# names a report and the plan, the report wins.
KIND_WORDS = {
    Milestone.Kind.PLAN: ("ke hoach",),
    Milestone.Kind.MIDTERM: ("so ket", "giua ky"),
    Milestone.Kind.FINAL: ("tong ket",),
}
GRACE_AFTER_END = dt.timedelta(days=60)
_DATE = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2,4}))?\b")


def units_for_address(address: str) -> list[Unit]:
    """Open units whose directory entry lists this address, or whose officer's account has it
    (case-insensitive, whole addresses only)."""
    address = (address or "").strip().lower()
    if "@" not in address:
        return []
    today = timeutils.local(timeutils.now()).date()
    found = {
        u.pk: u
        for u in Unit.objects.filter(emails__icontains=address).open_on(today)
        if address in (e.lower() for e in u.email_list)
    }
    officer_units = RoleAssignment.objects.filter(
        role=Role.OFFICER, user__email__iexact=address, user__is_active=True
    ).values("unit_id")
    for unit in Unit.objects.filter(pk__in=officer_units).open_on(today):
        found.setdefault(unit.pk, unit)
    return sorted(found.values(), key=lambda u: u.path)


def open_milestones(unit: Unit) -> list[Milestone]:
    """Milestones of published campaigns that expect a document from the unit (not exempted)."""
    exempted = DeadlineException.objects.filter(unit=unit, kind=DeadlineException.Kind.EXEMPTION).values("milestone_id")
    milestones = (
        Milestone.objects.filter(campaign__status=Campaign.Status.PUBLISHED)
        .exclude(pk__in=exempted)
        .filter(Q(campaign__issuer_unit__isnull=True) | Q(campaign__issuer_unit__path__in=_ancestor_paths(unit)))
        .select_related("campaign", "campaign__issuer_unit")
        .order_by("deadline", "pk")
    )
    return [m for m in milestones if is_expected(m, m.campaign, unit)]


def _ancestor_paths(unit: Unit) -> list[str]:
    return unit.ancestor_paths(include_self=True)


def _running(campaign: Campaign, received_at: dt.datetime) -> bool:
    """Was the campaign under way when the message arrived (with a grace period after its end for
    late reports)? A mail of 2026 is not about the 2023 campaign with the same documents."""
    day = timeutils.local(received_at).date()
    if campaign.period_start and day < campaign.period_start:
        return False
    return not (campaign.period_end and day > campaign.period_end + GRACE_AFTER_END)


def _named(milestone: Milestone, text: str) -> bool:
    """Does the (folded) text name this milestone: its title, its code as a word, or its kind?"""
    title = fold(milestone.title)
    if title and title in text:
        return True
    if re.search(rf"\b{re.escape(milestone.code.lower())}\b", text) and len(milestone.code) >= 2:
        return True
    return any(word in text for word in KIND_WORDS.get(milestone.kind, ()))


def _dated(milestone: Milestone, text: str) -> bool:
    day = timeutils.local(milestone.deadline).date()
    for d, m, _y in _DATE.findall(text):
        if int(d) == day.day and int(m) == day.month:
            return True
    return False


def _prefer_reports(found: list[Milestone], text: str) -> list[Milestone]:
    reports = [m for m in found if m.kind in (Milestone.Kind.MIDTERM, Milestone.Kind.FINAL)]
    named_report = any(w in text for k in (Milestone.Kind.MIDTERM, Milestone.Kind.FINAL) for w in KIND_WORDS[k])
    if reports and named_report:
        return [m for m in found if m.kind != Milestone.Kind.PLAN]
    return found


def _by_title(found: list[Milestone], text: str) -> list[Milestone]:
    """Among milestones named by kind, those whose full title is in the text, if any."""
    titled = [m for m in found if fold(m.title) and fold(m.title) in text]
    return titled or found


def match_milestones(
    candidates: list[Milestone], *, subject: str, names: list[str], body: str, received_at: dt.datetime
) -> list[Milestone]:
    """The milestones the message is about. Campaigns not under way when it arrived are left out
    (unless nothing else is left). Then the most specific evidence first: the subject, then the
    attachment names, then the text. A tier that names exactly one decides; a tier that names
    several narrows the candidates. The nearest still-open deadline breaks a tie only when exactly
    one of the remaining candidates is still open."""
    remaining = [m for m in candidates if _running(m.campaign, received_at)] or list(candidates)
    for text in (fold(subject), fold(" ".join(names)), fold(body)):
        if len(remaining) <= 1:
            break
        found = [m for m in remaining if _named(m, text)]
        found = _by_title(_prefer_reports(found, text), text)
        if not found:
            found = [m for m in remaining if _dated(m, text)]
        if found:
            remaining = found
    if len(remaining) > 1:
        still_open = [m for m in remaining if timeutils.is_on_time(received_at, m.deadline)]
        if len(still_open) == 1:
            return still_open
    return remaining
