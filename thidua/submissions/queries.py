"""Reads for the unit portal: expected units, each unit's status per milestone, the completeness
board with DHIS2-style rates, registrations by subtree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, Min, OuterRef, Q, Subquery

from thidua.campaigns.models import Campaign, Milestone
from thidua.campaigns.queries import in_scope
from thidua.core import timeutils
from thidua.submissions.models import DeadlineException, Registration, Submission
from thidua.units.models import Unit, UnitQuerySet


class Status:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"  # the deadline has passed and nothing came
    AWAITING = "awaiting"  # not yet received, the deadline is still ahead
    EXEMPTED = "exempted"


def effective_deadline(milestone: Milestone, exception: DeadlineException | None) -> dt.datetime:
    if exception is not None and exception.kind == DeadlineException.Kind.EXTENSION:
        return exception.new_deadline
    return milestone.deadline


def expected_units(milestone: Milestone, campaign: Campaign, within: Unit | None = None) -> UnitQuerySet:
    """Units that must send this document: in scope and open on the deadline day.
    (Exempted units are still listed; the board counts them apart.)"""
    day = timeutils.local(milestone.deadline).date()
    if within is not None and not campaign.issuer_unit.contains(within):
        return Unit.objects.none()
    return milestone.scope_queryset(campaign, within).open_on(day)


def is_expected(milestone: Milestone, campaign: Campaign, unit: Unit) -> bool:
    return in_scope(milestone, campaign, unit) and unit.is_open_on(timeutils.local(milestone.deadline).date())


@dataclass
class UnitStatus:
    status: str
    deadline: dt.datetime
    first_received_at: dt.datetime | None = None
    versions: int = 0
    review: str | None = None  # review status of the latest version
    exception: DeadlineException | None = None

    @property
    def received(self) -> bool:
        return self.versions > 0

    @property
    def late_by(self) -> dt.timedelta | None:
        if self.first_received_at and self.first_received_at >= self.deadline:
            return self.first_received_at - self.deadline
        return None


def statuses(milestone: Milestone, unit_ids, now: dt.datetime | None = None) -> dict[int, UnitStatus]:
    """Status of each unit for one milestone, from three grouped queries (no per-unit query).

    On time means the FIRST version arrived strictly before the unit's deadline (the milestone's,
    or its extension's); later versions answer reviews and do not change it. A report once judged
    stays judged by the deadline its receipt gave it: moving the milestone's deadline later re-judges
    only what has not arrived yet (an extension granted to the unit itself still forgives).
    """
    now = now or timeutils.now()
    unit_ids = list(unit_ids)
    exceptions = {e.unit_id: e for e in DeadlineException.objects.filter(milestone=milestone, unit_id__in=unit_ids)}
    received = {
        row["unit_id"]: row
        for row in Submission.objects.filter(milestone=milestone, unit_id__in=unit_ids)
        .values("unit_id")
        .annotate(first=Min("received_at"), versions=Max("version"), given=Min("deadline", filter=Q(version=1)))
    }
    latest_review = dict(
        Submission.objects.filter(milestone=milestone, unit_id__in=unit_ids)
        .filter(version=_latest_version_subquery())
        .values_list("unit_id", "status")
    )
    result = {}
    for unit_id in unit_ids:
        exception = exceptions.get(unit_id)
        deadline = effective_deadline(milestone, exception)
        row = received.get(unit_id)
        if exception is not None and exception.kind == DeadlineException.Kind.EXEMPTION:
            status = Status.EXEMPTED
        elif row is None:
            status = Status.MISSING if not timeutils.is_on_time(now, deadline) else Status.AWAITING
        else:
            deadline = _judged_by(row["given"], exception)
            status = Status.ON_TIME if timeutils.is_on_time(row["first"], deadline) else Status.LATE
        result[unit_id] = UnitStatus(
            status=status,
            deadline=deadline,
            first_received_at=row["first"] if row else None,
            versions=row["versions"] if row else 0,
            review=latest_review.get(unit_id),
            exception=exception,
        )
    return result


def _judged_by(given: dt.datetime | None, exception: DeadlineException | None) -> dt.datetime | None:
    """The deadline a received report is judged by: the one its first receipt gave it, or the
    unit's extension when that is later (granted afterwards, it forgives)."""
    if exception is not None and exception.kind == DeadlineException.Kind.EXTENSION:
        return max(given, exception.new_deadline) if given else exception.new_deadline
    return given


def _latest_version_subquery():
    return Subquery(
        Submission.objects.filter(milestone=OuterRef("milestone"), unit=OuterRef("unit"))
        .order_by("-version")
        .values("version")[:1]
    )


@dataclass
class Summary:
    """DHIS2's reporting metrics for one milestone over a set of units.

    expected = units that must report (in scope, open on the deadline day, not exempted);
    received / on time count only expected units, so a rate can never pass 100 %.
    """

    listed: int = 0
    exempted: int = 0
    received: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    awaiting: int = 0

    @property
    def expected(self) -> int:
        return self.listed - self.exempted

    @property
    def reporting_rate(self) -> float | None:
        return round(100 * self.received / self.expected, 1) if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.expected, 1) if self.expected else None


def summarise(unit_statuses: dict[int, UnitStatus]) -> Summary:
    summary = Summary(listed=len(unit_statuses))
    for s in unit_statuses.values():
        if s.status == Status.EXEMPTED:
            summary.exempted += 1
        elif s.status == Status.ON_TIME:
            summary.received += 1
            summary.on_time += 1
        elif s.status == Status.LATE:
            summary.received += 1
            summary.late += 1
        elif s.status == Status.MISSING:
            summary.missing += 1
        else:
            summary.awaiting += 1
    return summary


@dataclass
class Board:
    milestones: list[Milestone]
    rows: list[tuple[Unit, list[UnitStatus | None]]] = field(default_factory=list)
    summaries: list[Summary] = field(default_factory=list)


def board(
    campaign: Campaign, *, within: Unit | None, kinds=None, district: Unit | None = None, now=None, cluster=None
) -> Board:
    """Units × milestones for a subtree, with one summary per milestone.

    A unit appears if any milestone expects it; a cell is None where that milestone does not.
    `cluster` (an emulation cluster of the campaign) keeps its members only, summaries included.
    """
    milestones = list(campaign.milestones.all())
    scope = within if district is None else district
    per_milestone = []
    all_ids: set[int] = set()
    for milestone in milestones:
        qs = expected_units(milestone, campaign, scope)
        if kinds:
            qs = qs.filter(kind__in=kinds)
        if cluster is not None:
            qs = qs.filter(pk__in=cluster.members(campaign).values("pk"))
        ids = set(qs.values_list("pk", flat=True))
        per_milestone.append(ids)
        all_ids |= ids
    units = list(Unit.objects.filter(pk__in=all_ids).order_by("path"))
    result = Board(milestones=milestones)
    cells = []
    for milestone, ids in zip(milestones, per_milestone):
        unit_statuses = statuses(milestone, ids, now=now)
        cells.append(unit_statuses)
        result.summaries.append(summarise(unit_statuses))
    for unit in units:
        result.rows.append((unit, [cell.get(unit.pk) for cell in cells]))
    return result


def registration_units(campaign: Campaign, within: Unit | None = None) -> UnitQuerySet:
    """Units that register: those any milestone of the campaign expects."""
    query = Q(pk__in=[])
    for milestone in campaign.milestones.all():
        query |= Q(pk__in=expected_units(milestone, campaign, within).values("pk"))
    return Unit.objects.filter(query).order_by("path")


def registrations_by_unit(campaign: Campaign, unit_ids) -> dict[int, Registration]:
    return {
        r.unit_id: r
        for r in Registration.objects.filter(campaign=campaign, unit_id__in=list(unit_ids)).prefetch_related(
            "revisions"
        )
    }
