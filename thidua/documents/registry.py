"""The kinds of documents the app writes from a campaign's live data: what each is called, its file
type, who may download it and the function that writes it. The views, the command and the buttons
all read this one table.

A document concerning many units (`Kind.size`: the units, awards or pages it goes through) is
written in the background (thidua.documents.background) once its size passes
`DOCUMENTS_IN_BACKGROUND_UNITS`; the same `build` with the same options writes it either way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from thidua.campaigns.models import Campaign
from thidua.commendation.models import Decision
from thidua.core import timeutils
from thidua.documents import access, awards, certificates, plan, reports
from thidua.units.models import Unit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
CERTIFICATE_WEIGHT = 10


@dataclass
class Options:
    """What a document is written from besides the campaign."""

    now: dt.datetime = field(default_factory=timeutils.now)
    approved_only: bool = False  # reports: only figures in approved sign-offs
    # reports: the figures as they stood at this instant (None: the latest, or for the mid-term
    # report once its deadline has passed, as they stood at that deadline)
    as_of: dt.datetime | None = None
    decision: Decision | None = None  # decision, certificates: which one (the latest by default)
    unit: Unit | None = None  # certificates: one unit's awards
    awards: object = None  # certificates: the awards the reader may print (set by the caller)
    # Told how far the writing has gone (0-100) when the document is written in the background.
    progress: Callable[[int], None] = field(default=lambda percent: None, repr=False, compare=False)


@dataclass(frozen=True)
class Kind:
    slug: str
    label: object
    name: str  # the file's name, in Vietnamese
    extension: str
    content_type: str
    build: Callable[[Campaign, Options], bytes]
    may: Callable[[object, Campaign, Options], bool]
    needs_decision: bool = False
    # Whether there is anything to write yet (a button is shown only then).
    ready: Callable[[Campaign, Options], bool] = lambda campaign, options: True
    # The measure of its writing time, in units: the units a report goes through (about 0.7 ms
    # each), the awards a list names; a certificate page (about 6 ms) counts CERTIFICATE_WEIGHT.
    # A plan is a few pages whatever the campaign's size.
    size: Callable[[Campaign, Options], int] = lambda campaign, options: 0


KINDS = {
    kind.slug: kind
    for kind in [
        Kind("plan", _("Plan"), "Kế hoạch", "docx", DOCX, plan.build, lambda u, c, o: access.may_see_plan(u, c)),
        Kind(
            "midterm-report", _("Mid-term report"), "Báo cáo sơ kết", "docx", DOCX, reports.build_midterm,
            lambda u, c, o: access.may_see_file(u, c), ready=lambda c, o: c.status != Campaign.Status.DRAFT,
            size=lambda c, o: reports.units_concerned(c),
        ),
        Kind(
            "final-report", _("Final report"), "Báo cáo tổng kết", "docx", DOCX, reports.build_final,
            lambda u, c, o: access.may_see_file(u, c), ready=lambda c, o: c.status != Campaign.Status.DRAFT,
            size=lambda c, o: reports.units_concerned(c),
        ),
        Kind(
            "proposal", _("Proposal for commendation"), "Tờ trình đề nghị khen thưởng", "docx", DOCX, awards.build_proposal,
            lambda u, c, o: access.may_see_file(u, c),
            ready=lambda c, o: c.proposals.filter(status__in=awards.PROPOSED).exists(),
            size=lambda c, o: c.proposals.filter(status__in=awards.PROPOSED).count(),
        ),
        Kind(
            "decision", _("Commendation decision"), "Quyết định khen thưởng", "docx", DOCX, awards.build_decision,
            lambda u, c, o: access.may_see_decision(u, c, o.decision), needs_decision=True,
            ready=lambda c, o: o.decision is not None,
            size=lambda c, o: awards.granted_count(o.decision),
        ),
        Kind(
            "certificates", _("Certificates"), "Giấy khen", "pdf", PDF, certificates.build,
            lambda u, c, o: o.awards is not None and o.awards.exists(), needs_decision=True,
            ready=lambda c, o: o.decision is not None, size=lambda c, o: CERTIFICATE_WEIGHT * o.awards.count(),
        ),
    ]
}  # fmt: skip


def file_name(kind: Kind, campaign: Campaign, options: Options) -> str:
    """'Kế hoạch - cao-diem-2023.docx'; a decision's documents carry its number."""
    suffix = campaign.slug
    if kind.needs_decision and options.decision is not None:
        suffix = options.decision.number.replace("/", "-")
        if options.unit is not None:
            suffix += f" - {options.unit.name}"
    if options.approved_only and kind.slug in ("midterm-report", "final-report"):
        suffix += " - số liệu đã xác nhận"
    if options.as_of is not None and kind.slug in ("midterm-report", "final-report"):
        suffix += f" - số liệu đến {timeutils.local(options.as_of):%d-%m-%Y}"
    return f"{kind.name} - {suffix}.{kind.extension}"


def prepare(kind: Kind, campaign: Campaign, user, options: Options) -> bool:
    """Fill in the options that depend on the reader; True when the reader may have this document."""
    if kind.slug == "certificates":
        options.awards = access.certificate_awards(user, campaign, options.decision, options.unit)
    return kind.may(user, campaign, options)


def latest_decision(campaign: Campaign) -> Decision | None:
    return campaign.decisions.order_by("-signed_on", "-id").first()
