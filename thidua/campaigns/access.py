"""Who may see and run a campaign. Built on thidua.units.access (a role reaches a subtree)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from thidua.campaigns.models import Campaign
from thidua.units import access as units_access
from thidua.units.models import Unit, path_prefix_q


def can_manage_campaign(user, campaign) -> bool:
    """Coordinators of the issuing unit (or above) set up, check and publish a campaign."""
    return campaign.issuer_unit_id is not None and units_access.has_role(
        user, units_access.MANAGE_ROLES, campaign.issuer_unit
    )


def can_view_campaign(user, campaign) -> bool:
    """A published or closed campaign is seen by every unit under its issuer (and above it)."""
    if can_manage_campaign(user, campaign):
        return True
    if campaign.status == campaign.Status.DRAFT or campaign.issuer_unit_id is None:
        return False
    issuer = campaign.issuer_unit
    return any(issuer.contains(top) or top.contains(issuer) for top in units_access.role_units(user))


def visible_campaigns(user):
    qs = Campaign.objects.select_related("issuer_unit")
    if getattr(user, "is_superuser", False):
        return qs
    tops = units_access.role_units(user)
    if not tops:
        return qs.none()
    # Issuers that are an ancestor-or-self of a role unit, or lie below one.
    prefixes = {path for top in tops for path in top.ancestor_paths(include_self=True)}
    reach = Q(issuer_unit__path__in=prefixes)
    for top in tops:
        reach |= path_prefix_q(top.path, field="issuer_unit__path")
    managed = Q(pk__in=[])
    for top in units_access.role_units(user, units_access.MANAGE_ROLES):
        managed |= path_prefix_q(top.path, field="issuer_unit__path")
    return qs.filter(reach).filter(~Q(status=Campaign.Status.DRAFT) | managed)


def get_campaign_or_404(user, slug: str):
    campaign = Campaign.objects.select_related("issuer_unit").filter(slug=slug).first()
    if campaign is None or not can_view_campaign(user, campaign):
        raise Http404
    return campaign


def campaign_scope(user, campaign, code: str | None = None) -> Unit:
    """The subtree a campaign page shows: the unit named by `code` if the user sees it and it is
    in the campaign, else the widest the user sees (the issuer for the city's coordinators)."""
    issuer = campaign.issuer_unit
    if code:
        unit = units_access.get_unit_or_404(user, code)
        if not issuer.contains(unit):
            raise Http404
        return unit
    if units_access.can_view_unit(user, issuer):
        return issuer
    tops = [u for u in units_access.role_units(user) if issuer.contains(u)]
    if not tops:
        raise Http404
    return min(tops, key=lambda u: u.depth)


def require_open(campaign) -> None:
    """Units send documents and figures only while the campaign is published: otherwise a 403
    that says why (the campaign is closed, or not published yet), not one that blames the role."""
    if campaign.status == Campaign.Status.CLOSED:
        raise PermissionDenied(_("The campaign is closed: it no longer receives documents, registrations or figures."))
    if campaign.status != Campaign.Status.PUBLISHED:
        raise PermissionDenied(_("The campaign is not published yet: it does not receive anything."))


def require_open_or_closed(campaign) -> None:
    """Scoring and commendation go on after a campaign closes, never on a draft."""
    if campaign.status == Campaign.Status.DRAFT:
        raise PermissionDenied(_("The campaign is not published yet: it does not receive anything."))


def may_create_campaigns(user) -> bool:
    """Coordinates at least one unit (a campaign is always issued by a unit its coordinator manages)."""
    return bool(units_access.managed_units(user))


def campaign_creation_refusals(user, definition: dict, *, issuer: Unit | None) -> list[str]:
    """The one rule for creating or changing a campaign, whatever the path (definition upload,
    plan import, copy, editor, API): the issuing unit is one the user coordinates, and the units the
    definition gives a role (coordinator, reviewers) lie within the issuer's subtree — so a district
    coordinator's campaign never reaches outside the district.
    Publishing is then the issuer's coordinators' right."""
    if issuer is not None and not units_access.can_manage_unit(user, issuer):
        return [_("You do not coordinate the issuing unit “%(name)s”.") % {"name": issuer.name}]
    if issuer is None:
        return []
    outside = (
        Unit.objects.filter(code__in=_named_codes(definition))
        .exclude(path__startswith=issuer.path)
        .order_by("path")
        .values_list("name", flat=True)
    )
    return [
        _("“%(unit)s” is outside %(issuer)s: only a unit within the issuer can coordinate or review.")
        % {"unit": name, "issuer": issuer.name}
        for name in outside
    ]


def campaign_edit_refusals(user, campaign: Campaign, definition: dict, *, issuer: Unit | None) -> list[str]:
    """Changing an existing campaign (any status): a coordinator of it, under the creation rule."""
    if not can_manage_campaign(user, campaign):
        return [_("You do not coordinate campaign “%(slug)s”.") % {"slug": campaign.slug}]
    return campaign_creation_refusals(user, definition, issuer=issuer)


def _named_codes(d: dict) -> set[str]:
    """Units a definition gives a role: its coordinator (gets the reminder digests) and the
    reviewers (read and review the units' documents). Units named as lead or co-lead, or in a
    scope, may lie anywhere (a plan names its partners); scopes are cut to the issuer's subtree
    and only units within it are ever told anything."""
    codes = {(d.get("coordinator") or {}).get("unit")} | {m.get("reviewer") for m in d.get("milestones") or []}
    return {code for code in codes if code}
