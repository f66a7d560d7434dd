"""Reads about campaigns: what a unit must do, the overview page, expected units per milestone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from thidua.campaigns.models import Activity, Assignment, Campaign, Indicator, Milestone, kinds_of_groups
from thidua.core import timeutils
from thidua.units.models import GROUP_KINDS, Unit
from thidua.units.queries import coordinators_above


def in_scope(obj: Indicator | Milestone, campaign: Campaign, unit: Unit) -> bool:
    """Does this milestone / indicator concern `unit`? (No query: groups are kinds, units are codes.)"""
    if campaign.issuer_unit and not campaign.issuer_unit.contains(unit):
        return False
    return unit.kind in kinds_of_groups(obj.scope_groups) or unit.code in obj.scope_unit_codes


def assignment_applies(assignment: Assignment, unit: Unit) -> bool:
    if assignment.unit_id:
        return assignment.unit_id == unit.pk
    return bool(assignment.group) and unit.kind in GROUP_KINDS.get(assignment.group, ())


@dataclass
class Obligations:
    """What one unit has to do in one campaign."""

    campaign: Campaign
    unit: Unit
    milestones: list[Milestone] = field(default_factory=list)
    activities: list[tuple[Activity, Assignment]] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def next_milestone(self) -> Milestone | None:
        now = timeutils.now()
        upcoming = [m for m in self.milestones if timeutils.is_on_time(now, m.deadline)]
        return upcoming[0] if upcoming else None

    @property
    def is_empty(self) -> bool:
        return not (self.milestones or self.activities or self.indicators)


def unit_obligations(campaign: Campaign, unit: Unit) -> Obligations:
    result = Obligations(campaign=campaign, unit=unit)
    result.milestones = [m for m in campaign.milestones.all() if in_scope(m, campaign, unit)]
    result.indicators = [
        i for i in campaign.indicators.select_related("goal", "activity") if in_scope(i, campaign, unit)
    ]
    for activity in campaign.activities.prefetch_related("assignments"):
        for assignment in activity.assignments.all():
            if assignment_applies(assignment, unit):
                result.activities.append((activity, assignment))
                break
    return result


def unit_obligations_summary(campaigns, units) -> list[Obligations]:
    """For the home page: each (campaign, unit) pair where the unit has something to do."""
    summaries = []
    for campaign in campaigns:
        if campaign.status == Campaign.Status.DRAFT:
            continue
        for unit in units:
            obligations = unit_obligations(campaign, unit)
            if not obligations.is_empty:
                summaries.append(obligations)
    return summaries


def campaign_for_overview(campaign: Campaign) -> Campaign:
    """The campaign with its goals, activities (and assignments with units), indicators, milestones."""
    return (
        Campaign.objects.select_related("issuer_unit", "coordinator_unit")
        .prefetch_related(
            "goals__indicators",
            Prefetch(
                "activities",
                queryset=Activity.objects.prefetch_related(
                    Prefetch("assignments", queryset=Assignment.objects.select_related("unit"))
                ),
            ),
            "milestones",
            "indicators",
        )
        .get(pk=campaign.pk)
    )


def expected_unit_count(milestone: Milestone, campaign: Campaign) -> int:
    """Units that must submit: in scope and open on the deadline day (DHIS2's 'expected reports')."""
    day: dt.date = timeutils.local(milestone.deadline).date()
    return milestone.scope_queryset(campaign).open_on(day).count()


def campaign_coordinators(campaign: Campaign):
    """Users holding a coordinator role on the issuing unit or one of its ancestors."""
    return coordinators_above(campaign.issuer_unit)
