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


# --- initiatives ----------------------------------------------------------------------------


def can_coordinate_initiatives(user, campaign) -> bool:
    """The coordinators of the campaign's issuer run its initiatives: assign reviewers, decide,
    publish, merge, forward and record the departments' answers."""
    return can_manage_campaign(user, campaign)


def is_initiative_author(user, initiative) -> bool:
    """The author's own account, or the officer who submitted on the authors' behalf."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.pk in (initiative.author_user_id, initiative.created_by_id)


def reviewer_units(user) -> list[Unit]:
    return role_units(user, {Role.REVIEWER})


def reviewer_conflict(user, unit: Unit) -> bool:
    """A reviewer may not review an initiative from their own unit: one where a unit they hold the
    reviewer role on is the author unit or an ancestor of it."""
    return any(top.contains(unit) for top in reviewer_units(user))


def can_be_initiative_reviewer(user, campaign) -> bool:
    """Holds the reviewer role on a unit of the campaign's issuer (or on the issuer itself)."""
    issuer = campaign.issuer_unit
    return issuer is not None and any(issuer.contains(u) for u in reviewer_units(user))


def is_assigned_reviewer(user, initiative) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return initiative.reviews.filter(reviewer=user).exists()


def can_review_initiative(user, initiative) -> bool:
    """Assigned to it, without a conflict of unit, while the council has not published its decision."""
    return (
        initiative.is_open and is_assigned_reviewer(user, initiative) and not reviewer_conflict(user, initiative.unit)
    )


def can_see_initiative(user, initiative) -> bool:
    """The private page of an initiative (public ones also have a page in the gallery): its author,
    the campaign's coordinators, whoever sees its unit, and its assigned reviewers. An initiative
    awaiting its author's e-mail confirmation is seen by nobody but the one who typed it."""
    if getattr(user, "is_superuser", False) or is_initiative_author(user, initiative):
        return True
    if initiative.status == initiative.Status.PENDING:
        return False
    return (
        can_coordinate_initiatives(user, initiative.campaign)
        or can_view_unit(user, initiative.unit)
        or is_assigned_reviewer(user, initiative)
    )


def sees_initiative_as_staff(user, initiative) -> bool:
    """Sees the initiative's working page (scores, questions, forwardings) rather than the author's
    view: the coordinators, whoever sees its unit, its assigned reviewers."""
    return (
        getattr(user, "is_superuser", False)
        or can_coordinate_initiatives(user, initiative.campaign)
        or can_view_unit(user, initiative.unit)
        or is_assigned_reviewer(user, initiative)
    )


def can_see_initiative_contact(user, initiative) -> bool:
    """Contact data (e-mail, phone) is never public, and reviewers judge without it."""
    return (
        is_initiative_author(user, initiative)
        or can_coordinate_initiatives(user, initiative.campaign)
        or can_edit_unit(user, initiative.unit)
    )


def get_initiative_or_404(user, code: str):
    from thidua.initiatives.models import Initiative

    initiative = (
        Initiative.objects.select_related("campaign__issuer_unit", "unit", "merged_into").filter(code=code).first()
    )
    if initiative is None or not can_see_initiative(user, initiative):
        raise Http404
    return initiative


def visible_initiatives(user):
    """Every initiative the user may open (the same rule as can_see_initiative, as one query)."""
    from thidua.initiatives.models import Initiative

    qs = Initiative.objects.all()
    if getattr(user, "is_superuser", False):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    own = Q(author_user=user) | Q(created_by=user)
    seen = Q(pk__in=[])
    for top in role_units(user):
        seen |= path_prefix_q(top.path, field="unit__path")
    for top in role_units(user, MANAGE_ROLES):
        seen |= path_prefix_q(top.path, field="campaign__issuer_unit__path")
    seen |= Q(pk__in=Initiative.objects.filter(reviews__reviewer=user).values("pk"))
    return qs.filter(own | (seen & ~Q(status=Initiative.Status.PENDING)))
