"""Who the token acts as: its owner's roles (and so what every other endpoint will show)."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from thidua.api.v1.base import errors
from thidua.units import access

router = Router(tags=["account"])


class RoleOut(Schema):
    role: str
    unit: str
    unit_name: str


class MeOut(Schema):
    username: str
    name: str
    roles: list[RoleOut]
    token: str
    scope: str
    expires_on: dt.date


@router.get("/me", response={200: MeOut, **errors()}, summary="The token's owner and roles")
def me(request):
    token = request.auth
    return {
        "username": request.user.get_username(),
        "name": request.user.get_full_name(),
        "roles": [
            {"role": a.role, "unit": a.unit.code, "unit_name": a.unit.name} for a in access.assignments(request.user)
        ],
        "token": token.prefix,
        "scope": token.scope,
        "expires_on": token.expires_on,
    }
