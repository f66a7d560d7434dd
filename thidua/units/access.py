"""Who may see and change what: the base rules every app's access module builds on.

A role held on a unit reaches that unit's whole subtree. Visibility is any role; changing a
unit's own data (registrations, documents, figures) needs an officer or coordinator role;
managing the directory and campaigns needs a coordinator role. Superusers may do everything.

Views use the `*_or_404` / `require_*` helpers: an object outside the user's units is a 404
(its existence is not revealed); a visible object the user may not change is a 403.

Rules about an app's own objects live in that app's `access.py` (campaigns, submissions,
progress, initiatives, planimport), built on these; no view or service decides "may this user …"
by itself. tests/test_access.py walks every URL with every persona.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from thidua.units.models import Role, RoleAssignment, Unit, UnitQuerySet

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


def managed_units(user) -> list[Unit]:
    """The units whose directory and campaigns this user manages (a superuser: the top units)."""
    if getattr(user, "is_superuser", False):
        return list(Unit.objects.filter(depth=1))
    return role_units(user, MANAGE_ROLES)


def may_submit_for_units(user) -> bool:
    """Holds a write role somewhere: may act for a unit's people (submit an initiative on their behalf)."""
    return getattr(user, "is_superuser", False) or bool(role_units(user, WRITE_ROLES))


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
