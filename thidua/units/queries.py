"""Who holds which role where: the people a message about a unit goes to."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from thidua.units.models import Role, RoleAssignment, Unit


def unit_officers(unit: Unit):
    """Active users holding an officer role on this unit itself (they receive its notifications)."""
    ids = RoleAssignment.objects.filter(unit=unit, role=Role.OFFICER).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


def officers_by_unit(unit_ids) -> dict[int, list]:
    """unit id → its active officers (one query), for messages to many units at once."""
    found: dict[int, list] = {}
    rows = RoleAssignment.objects.filter(unit_id__in=list(unit_ids), role=Role.OFFICER, user__is_active=True)
    for assignment in rows.select_related("user"):
        found.setdefault(assignment.unit_id, []).append(assignment.user)
    return found


def coordinators_above(unit: Unit):
    """Active users holding a coordinator role on this unit or one of its ancestors."""
    paths = unit.ancestor_paths(include_self=True)
    ids = RoleAssignment.objects.filter(role=Role.COORDINATOR, unit__path__in=paths).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True)
