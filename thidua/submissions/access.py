"""Who may review documents and see a unit's documents. Built on thidua.units.access and
thidua.campaigns.access."""

from __future__ import annotations

from thidua.campaigns import access as campaign_access
from thidua.units import access as units_access
from thidua.units.models import Role, Unit


def can_review_milestone(user, milestone) -> bool:
    """The coordinator reviews documents; so do officers and reviewers of the milestone's
    reviewing unit (an activity lead named in the campaign definition)."""
    campaign = milestone.campaign
    if campaign_access.can_manage_campaign(user, campaign):
        return True
    if milestone.reviewer_unit_code:
        roles = units_access.WRITE_ROLES | {Role.REVIEWER}
        return any(
            a.unit.code == milestone.reviewer_unit_code and a.role in roles for a in units_access.assignments(user)
        )
    return False


def can_see_documents(user, milestone, unit: Unit) -> bool:
    """A unit's documents for a milestone: whoever sees the unit, and the milestone's reviewers."""
    return units_access.can_view_unit(user, unit) or can_review_milestone(user, milestone)


def may_send(user, campaign, unit: Unit) -> bool:
    """Whether the user may send a new version of the unit's document: an officer of the unit (or
    above) while the campaign is published. An exemption is the service's refusal, not a right."""
    return units_access.can_edit_unit(user, unit) and campaign.status == campaign.Status.PUBLISHED
