"""Who may see the results, assess, review, approve and propose. Built on the campaign and unit rules."""

from __future__ import annotations

from django.http import Http404

from thidua.campaigns import access as campaign_access
from thidua.units import access as units_access
from thidua.units.models import Role, Unit


def may_see_results(user, campaign) -> bool:
    """Scores and rankings are open to everyone who sees the campaign: every unit reads why it
    ranks where it does (evidence stays with the unit and the reviewers)."""
    return campaign_access.can_view_campaign(user, campaign)


def may_assess(user, campaign, unit: Unit) -> bool:
    """The unit's officers (and coordinators above it) fill in its self-assessment."""
    return campaign.issuer_unit.contains(unit) and units_access.can_edit_unit(user, unit)


def may_review(user, campaign) -> bool:
    """The campaign's coordinators review, adjust and propose."""
    return campaign_access.can_manage_campaign(user, campaign)


def may_approve(user, campaign) -> bool:
    """The steering committee (Ban Thường vụ) of the issuing union approves or returns proposals."""
    return units_access.has_role(user, {Role.STEERING}, campaign.issuer_unit)


def may_see_evidence(user, campaign, unit: Unit) -> bool:
    return may_assess(user, campaign, unit) or may_review(user, campaign) or may_approve(user, campaign)


def result_unit_or_404(user, campaign, code: str) -> Unit:
    """A unit of the campaign whose results the user may read (any unit under the issuer)."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None or not may_see_results(user, campaign) or not campaign.issuer_unit.contains(unit):
        raise Http404
    return unit
