"""Who may see, write and curate effective models. Built on thidua.units.access and
thidua.campaigns.access.

The library itself is public (published models only); everything else is decided here. Views use
`get_practice_or_404` (a model the user may not see is a 404: its existence is not revealed) and
`thidua.units.access.require` (a visible model the user may not change is a 403).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.http import Http404

from thidua.campaigns import access as campaign_access
from thidua.core.forms import MAX_ID
from thidua.practices.models import Practice, PracticeFile
from thidua.units import access as units_access
from thidua.units.models import path_prefix_q


def can_curate_practice(user, practice: Practice) -> bool:
    """The coordinators of the campaign's issuer publish, feature, return and take down models."""
    return campaign_access.can_manage_campaign(user, practice.campaign)


def may_write_for_unit(user, unit) -> bool:
    """A write role (officer, coordinator) on the unit: may write its models."""
    return units_access.can_edit_unit(user, unit)


def can_edit_practice(user, practice: Practice) -> bool:
    """Its unit's officers, while it is a draft or returned."""
    return practice.is_editable and may_write_for_unit(user, practice.unit)


def can_see_practice(user, practice: Practice) -> bool:
    """Whoever sees its unit, and the campaign's coordinators (the public sees published ones in
    the library, through `get_public_practice_or_404`)."""
    return (
        getattr(user, "is_superuser", False)
        or units_access.can_view_unit(user, practice.unit)
        or can_curate_practice(user, practice)
    )


def _by_id(qs, pk: int) -> Practice | None:
    if not 0 < pk <= MAX_ID:
        return None
    files = Prefetch("files", queryset=PracticeFile.objects.select_related("stored"))
    return qs.select_related("campaign__issuer_unit", "unit", "activity").prefetch_related(files).filter(pk=pk).first()


def get_practice_or_404(user, pk: int) -> Practice:
    practice = _by_id(Practice.objects.all(), pk)
    if practice is None or not can_see_practice(user, practice):
        raise Http404
    return practice


def get_public_practice_or_404(pk: int) -> Practice:
    """A published model, for anyone; anything else is a 404."""
    practice = _by_id(Practice.objects.public(), pk)
    if practice is None:
        raise Http404
    return practice


def visible_practices(user):
    """Every model the user may open (the rule of can_see_practice, as one query)."""
    qs = Practice.objects.all()
    if getattr(user, "is_superuser", False):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    seen = Q(pk__in=[])
    for top in units_access.role_units(user):
        seen |= path_prefix_q(top.path, field="unit__path")
    for top in units_access.role_units(user, units_access.MANAGE_ROLES):
        seen |= path_prefix_q(top.path, field="campaign__issuer_unit__path")
    return qs.filter(seen)


def curated_campaign_ids(user) -> set[int]:
    """The campaigns whose models this user curates (used to mark the coordinator's queue)."""
    managed = units_access.managed_units(user)
    if not managed:
        return set()
    return {
        c.pk
        for c in campaign_access.visible_campaigns(user)
        if c.issuer_unit_id is not None and any(top.contains(c.issuer_unit) for top in managed)
    }


def writable_units(user) -> list:
    """The units (tops of the user's write roles) offered on the list page to add a model for."""
    if getattr(user, "is_superuser", False):
        return units_access.managed_units(user)
    return units_access.role_units(user, units_access.WRITE_ROLES)
