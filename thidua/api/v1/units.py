"""The unit directory: the units the token's owner sees, a subtree, an accent-insensitive search."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from thidua.api.v1.base import Paging, errors
from thidua.units import access
from thidua.units.models import Unit

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str = Field(description="city, district, grassroots, branch …")
    parent: str | None = Field(description="Code of the unit above, if the token's owner sees it.")
    depth: int
    children: int
    members: int
    cadres: int
    opened_on: dt.date | None
    closed_on: dt.date | None


class UnitPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[UnitOut]


class UnitFilter(Schema):
    q: str = Field("", max_length=200, description="Words of the code or name, with or without accents.")
    within: str = Field("", max_length=40, description="Only this unit's subtree (its code).")
    depth: int | None = Field(None, ge=1, le=20, description="Only units at this depth (1: the city union).")


def unit_out(unit: Unit, parents: dict[str, str]) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "parent": parents.get(unit.path[: -Unit.steplen]),
        "depth": unit.depth,
        "children": unit.numchild,
        "members": unit.member_count,
        "cadres": unit.cadre_count,
        "opened_on": unit.opened_on,
        "closed_on": unit.closed_on,
    }


def parent_codes(user, units) -> dict[str, str]:
    """path → code of the units above `units` that the user sees (one query)."""
    paths = {u.path[: -Unit.steplen] for u in units if u.depth > 1}
    return dict(access.visible_units(user).filter(path__in=paths).values_list("path", "code"))


@router.get("/units", response={200: UnitPage, **errors()}, summary="Units (a subtree, a search)")
def unit_list(request, filters: Query[UnitFilter], paging: Query[Paging]):
    qs = access.visible_units(request.user)
    if filters.within:
        qs = qs.subtree(access.get_unit_or_404(request.user, filters.within))
    if filters.depth:
        qs = qs.filter(depth=filters.depth)
    if filters.q.strip():
        qs = qs.search(filters.q)
    count = qs.count()
    chunk = list(qs.order_by("path")[paging.offset : paging.offset + paging.limit])
    parents = parent_codes(request.user, chunk)
    return {
        "count": count,
        "limit": paging.limit,
        "offset": paging.offset,
        "items": [unit_out(u, parents) for u in chunk],
    }


@router.get("/units/{code}", response={200: UnitOut, **errors()}, summary="One unit")
def unit_detail(request, code: str):
    unit = access.get_unit_or_404(request.user, code)
    return unit_out(unit, parent_codes(request.user, [unit]))
