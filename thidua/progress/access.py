"""Who may enter, sign off and approve figures. Built on thidua.units.access."""

from __future__ import annotations

from thidua.units import access as units_access
from thidua.units.models import Unit


def may_decide_signoff(user, signoff) -> bool:
    """The unit above decides: a write role on the signing unit's parent (or higher). Nobody
    approves their own unit's figures (a role on the unit itself is not enough)."""
    parent = Unit.objects.filter(path=signoff.unit.path[: -Unit.steplen]).first()
    return parent is not None and units_access.has_role(user, units_access.WRITE_ROLES, parent)


def may_see_signoff(user, signoff) -> bool:
    return may_decide_signoff(user, signoff) or units_access.can_view_unit(user, signoff.unit)
