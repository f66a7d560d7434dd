"""Who may see and change what: the one module every view, command and endpoint asks.

A role held on a unit reaches that unit's whole subtree. Visibility is any role; changing a
unit's own data (registrations, documents, figures) needs an officer or coordinator role;
managing the directory and campaigns needs a coordinator role. Superusers may do everything.

Views use the `*_or_404` / `require_*` helpers: an object outside the user's units is a 404
(its existence is not revealed); a visible object the user may not change is a 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from thidua.units.models import Role, RoleAssignment, Unit, UnitQuerySet, path_prefix_q

READ_ROLES = frozenset(Role.values)
WRITE_ROLES = frozenset({Role.COORDINATOR, Role.OFFICER})
MANAGE_ROLES = frozenset({Role.COORDINATOR})


def assignments(user) -> list[RoleAssignment]:
    """The user's role assignments, loaded once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_thidua_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("unit"))
        user._thidua_roles = cached
    return cached


def role_units(user, roles=READ_ROLES) -> list[Unit]:
    return [a.unit for a in assignments(user) if a.role in roles]


def has_role(user, roles, unit: Unit) -> bool:
    """True if the user holds one of `roles` on this unit or one of its ancestors."""
    if getattr(user, "is_superuser", False):
        return True
    return any(top.contains(unit) for top in role_units(user, roles))


def visible_units(user) -> UnitQuerySet:
    """Every unit the user may see: the union of the subtrees of their roles."""
    if getattr(user, "is_superuser", False):
        return Unit.objects.all()
    tops = role_units(user)
    if not tops:
        return Unit.objects.none()
    return Unit.objects.within_any(tops)


def can_view_unit(user, unit: Unit) -> bool:
    return has_role(user, READ_ROLES, unit)


def can_edit_unit(user, unit: Unit) -> bool:
    """May enter this unit's registrations, documents and figures."""
    return has_role(user, WRITE_ROLES, unit)


def can_manage_unit(user, unit: Unit) -> bool:
    """May change the directory at and below this unit, and grant roles there."""
    return has_role(user, MANAGE_ROLES, unit)


def get_unit_or_404(user, code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None or not can_view_unit(user, unit):
        raise Http404
    return unit


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- campaigns ------------------------------------------------------------------------------


def can_manage_campaign(user, campaign) -> bool:
    """Coordinators of the issuing unit (or above) set up, check and publish a campaign."""
    return campaign.issuer_unit_id is not None and has_role(user, MANAGE_ROLES, campaign.issuer_unit)


def can_view_campaign(user, campaign) -> bool:
    """A published or closed campaign is seen by every unit under its issuer (and above it)."""
    if can_manage_campaign(user, campaign):
        return True
    if campaign.status == campaign.Status.DRAFT or campaign.issuer_unit_id is None:
        return False
    issuer = campaign.issuer_unit
    return any(issuer.contains(top) or top.contains(issuer) for top in role_units(user))


def visible_campaigns(user):
    from thidua.campaigns.models import Campaign

    qs = Campaign.objects.select_related("issuer_unit")
    if getattr(user, "is_superuser", False):
        return qs
    tops = role_units(user)
    if not tops:
        return qs.none()
    # Issuers that are an ancestor-or-self of a role unit, or lie below one.
    prefixes = {path for top in tops for path in top.ancestor_paths(include_self=True)}
    reach = Q(issuer_unit__path__in=prefixes)
    for top in tops:
        reach |= path_prefix_q(top.path, field="issuer_unit__path")
    managed = Q(pk__in=[])
    for top in role_units(user, MANAGE_ROLES):
        managed |= path_prefix_q(top.path, field="issuer_unit__path")
    return qs.filter(reach).filter(~Q(status=Campaign.Status.DRAFT) | managed)


def get_campaign_or_404(user, slug: str):
    from thidua.campaigns.models import Campaign

    campaign = Campaign.objects.select_related("issuer_unit").filter(slug=slug).first()
    if campaign is None or not can_view_campaign(user, campaign):
        raise Http404
    return campaign


def can_review_milestone(user, milestone) -> bool:
    """The coordinator reviews documents; so do officers and reviewers of the milestone's
    reviewing unit (an activity lead named in the campaign definition)."""
    campaign = milestone.campaign
    if can_manage_campaign(user, campaign):
        return True
    if milestone.reviewer_unit_code:
        roles = WRITE_ROLES | {Role.REVIEWER}
        return any(a.unit.code == milestone.reviewer_unit_code and a.role in roles for a in assignments(user))
    return False


def can_see_documents(user, milestone, unit: Unit) -> bool:
    """A unit's documents for a milestone: whoever sees the unit, and the milestone's reviewers."""
    return can_view_unit(user, unit) or can_review_milestone(user, milestone)


def campaign_scope(user, campaign, code: str | None = None) -> Unit:
    """The subtree a campaign page shows: the unit named by `code` if the user sees it and it is
    in the campaign, else the widest the user sees (the issuer for the city's coordinators)."""
    issuer = campaign.issuer_unit
    if code:
        unit = get_unit_or_404(user, code)
        if not issuer.contains(unit):
            raise Http404
        return unit
    if can_view_unit(user, issuer):
        return issuer
    tops = [u for u in role_units(user) if issuer.contains(u)]
    if not tops:
        raise Http404
    return min(tops, key=lambda u: u.depth)
