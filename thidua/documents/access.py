"""Who may download which document. Built on the campaign, unit and commendation rules.

- the plan: everyone who may see the campaign;
- the reports and the proposal: the campaign's coordinators and its steering committee;
- the decision and the certificates, once a decision is recorded: the coordinators and the
  steering committee; a unit downloads the certificates of its own awards (its subtree's).
"""

from __future__ import annotations

from thidua.campaigns import access as campaign_access
from thidua.commendation import access as commendation_access
from thidua.commendation.models import Decision, Proposal
from thidua.units import access as units_access


def may_see_plan(user, campaign) -> bool:
    return campaign_access.can_view_campaign(user, campaign)


def may_see_file(user, campaign) -> bool:
    """The commendation file and the summary reports: for the people who prepare and decide."""
    return commendation_access.may_review(user, campaign) or commendation_access.may_approve(user, campaign)


def may_see_decision(user, campaign, decision: Decision | None) -> bool:
    return decision is not None and may_see_file(user, campaign)


def certificate_awards(user, campaign, decision: Decision | None, unit=None):
    """The awards of the decision whose certificates the user may download (optionally one unit's):
    all of them for the coordinators and the steering committee, a unit's own for its people."""
    if decision is None or not campaign_access.can_view_campaign(user, campaign):
        return Proposal.objects.none()
    awards = decision.proposals.filter(status=Proposal.Status.DECIDED).select_related("unit", "award_type")
    if unit is not None:
        awards = awards.filter(unit=unit)
    if may_see_file(user, campaign):
        return awards
    return awards.filter(unit__in=units_access.visible_units(user))
