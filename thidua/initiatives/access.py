"""Who may see, review and run initiatives. Built on thidua.units.access and thidua.campaigns.access.

The portal itself is public (gallery, submitting, the author's signed links); everything else is
decided here."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from thidua.campaigns import access as campaign_access
from thidua.campaigns.models import Campaign
from thidua.initiatives.models import Initiative
from thidua.units import access as units_access
from thidua.units.models import Role, Unit, path_prefix_q


def can_coordinate_initiatives(user, campaign) -> bool:
    """The coordinators of the campaign's issuer run its initiatives: assign reviewers, decide,
    publish, merge, forward and record the departments' answers."""
    return campaign_access.can_manage_campaign(user, campaign)


def is_initiative_author(user, initiative) -> bool:
    """The author's own account, or the officer who submitted on the authors' behalf."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.pk in (initiative.author_user_id, initiative.created_by_id)


def reviewer_units(user) -> list[Unit]:
    return units_access.role_units(user, {Role.REVIEWER})


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
        or units_access.can_view_unit(user, initiative.unit)
        or is_assigned_reviewer(user, initiative)
    )


def sees_initiative_as_staff(user, initiative) -> bool:
    """Sees the initiative's working page (scores, questions, forwardings) rather than the author's
    view: the coordinators, whoever sees its unit, its assigned reviewers."""
    return (
        getattr(user, "is_superuser", False)
        or can_coordinate_initiatives(user, initiative.campaign)
        or units_access.can_view_unit(user, initiative.unit)
        or is_assigned_reviewer(user, initiative)
    )


def can_see_initiative_contact(user, initiative) -> bool:
    """Contact data (e-mail, phone) is never public, and reviewers judge without it."""
    return (
        is_initiative_author(user, initiative)
        or can_coordinate_initiatives(user, initiative.campaign)
        or units_access.can_edit_unit(user, initiative.unit)
    )


def get_initiative_or_404(user, code: str):
    initiative = (
        Initiative.objects.select_related("campaign__issuer_unit", "unit", "merged_into").filter(code=code).first()
    )
    if initiative is None or not can_see_initiative(user, initiative):
        raise Http404
    return initiative


def visible_initiatives(user):
    """Every initiative the user may open (the same rule as can_see_initiative, as one query)."""
    qs = Initiative.objects.all()
    if getattr(user, "is_superuser", False):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    own = Q(author_user=user) | Q(created_by=user)
    seen = Q(pk__in=[])
    for top in units_access.role_units(user):
        seen |= path_prefix_q(top.path, field="unit__path")
    for top in units_access.role_units(user, units_access.MANAGE_ROLES):
        seen |= path_prefix_q(top.path, field="campaign__issuer_unit__path")
    seen |= Q(pk__in=Initiative.objects.filter(reviews__reviewer=user).values("pk"))
    return qs.filter(own | (seen & ~Q(status=Initiative.Status.PENDING)))


def coordinated_campaigns(user) -> list[Campaign]:
    """The campaigns whose initiatives this user runs."""
    return [c for c in Campaign.objects.select_related("issuer_unit") if can_coordinate_initiatives(user, c)]
