"""The URL walk's cross-unit refusals, repeated for every API operation: without a token → 401;
an officer of another district (Quận 1) → 404 for Nhà Bè's data, whatever the route; an account
without a role → 404 for the campaign; a read token → 403 on every write. A new operation must be
listed here (the coverage test fails otherwise)."""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver

from . import test_api
from .test_api import SLUG, V1, _pdf, call

world = test_api.world  # the same shared data, built once for this module

pytestmark = pytest.mark.django_db

INDICATOR = "youths_job_referrals"
# (method, path in the schema) → (concrete path, query, body). Data of Huyện Đoàn Nhà Bè.
OPERATIONS = {
    ("get", "/me"): ("/me", {}, None),
    ("get", "/units"): ("/units", {"within": "HD-NHABE"}, None),
    ("get", "/units/{code}"): ("/units/HD-NHABE", {}, None),
    ("get", "/campaigns"): ("/campaigns", {}, None),
    ("get", "/campaigns/{slug}"): (f"/campaigns/{SLUG}", {}, None),
    ("get", "/campaigns/{slug}/definition"): (f"/campaigns/{SLUG}/definition", {}, None),
    ("get", "/campaigns/{slug}/milestones"): (f"/campaigns/{SLUG}/milestones", {}, None),
    ("get", "/campaigns/{slug}/indicators"): (f"/campaigns/{SLUG}/indicators", {}, None),
    ("get", "/campaigns/{slug}/milestones/{milestone}/units/{code}"): (
        f"/campaigns/{SLUG}/milestones/KH/units/HD-NHABE", {}, None,
    ),
    ("post", "/campaigns/{slug}/milestones/{milestone}/units/{code}/submissions"): (
        f"/campaigns/{SLUG}/milestones/KH/units/HD-NHABE/submissions", {}, "FILES",
    ),
    ("get", "/campaigns/{slug}/receipts/{number}"): (f"/campaigns/{SLUG}/receipts/RECEIPT", {}, None),
    ("get", "/campaigns/{slug}/board"): (f"/campaigns/{SLUG}/board", {"unit": "HD-NHABE"}, None),
    ("get", "/campaigns/{slug}/figures"): (f"/campaigns/{SLUG}/figures", {"unit": "HD-NHABE"}, None),
    ("get", "/campaigns/{slug}/figures/{indicator}"): (
        f"/campaigns/{SLUG}/figures/{INDICATOR}", {"unit": "HD-NHABE"}, None,
    ),
    ("get", "/campaigns/{slug}/units/{code}/values"): (f"/campaigns/{SLUG}/units/HD-NHABE/values", {}, None),
    ("put", "/campaigns/{slug}/units/{code}/values"): (
        f"/campaigns/{SLUG}/units/HD-NHABE/values", {}, {"values": [{"indicator": INDICATOR, "value": 1, "version": 0}]},
    ),
    ("get", "/initiatives"): ("/initiatives", {}, None),
    ("get", "/initiatives/{code}"): ("/initiatives/SK-NONE", {}, None),
}  # fmt: skip
# Lists and the caller's own account: answered for everyone, with only what the caller may see.
OPEN_TO_ALL = {("get", "/me"), ("get", "/campaigns"), ("get", "/initiatives")}
PUBLIC_DATA = {("get", "/initiatives/{code}")}  # published initiatives: the same for every token
CAMPAIGN_WIDE = {  # the campaign as a whole: every unit of it sees it, an account without a role does not
    ("get", "/campaigns/{slug}"), ("get", "/campaigns/{slug}/definition"), ("get", "/campaigns/{slug}/milestones"),
    ("get", "/campaigns/{slug}/indicators"),
}  # fmt: skip
UNIT_DATA = set(OPERATIONS) - OPEN_TO_ALL - PUBLIC_DATA - CAMPAIGN_WIDE
WRITES = {key for key in OPERATIONS if key[0] != "get"}


def _send(client, key, token, world):
    path, query, body = OPERATIONS[key]
    path = V1 + path.replace("RECEIPT", world["receipt"])
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    method = key[0]
    if body == "FILES":
        return client.post(path, {"files": [_pdf()]}, headers=headers)
    if body is not None:
        return getattr(client, method)(path, body, content_type="application/json", headers=headers)
    return getattr(client, method)(path, query, headers=headers)


def test_every_api_operation_is_walked(client, world):
    schema = client.get(f"{V1}/openapi.json").json()
    found = {(method, path.removeprefix(V1)) for path, item in schema["paths"].items() for method in item}
    assert found == set(OPERATIONS)
    # And no URL of the API's namespace escapes the schema (an operation hidden from it would escape the walk).
    resolver = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "api_v1")
    routes = {"/" + re.sub(r"<(\w+)>", r"{\1}", str(p.pattern)) for p in resolver.url_patterns}
    assert routes - {"/openapi.json", "/docs", "/"} == {path for _method, path in OPERATIONS}


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_without_a_token_401(client, world, key):
    response = _send(client, key, None, world)
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("key", sorted(UNIT_DATA))
def test_officer_of_another_district_gets_404(client, world, key):
    response = _send(client, key, world["tokens"]["officer_q1"], world)
    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert "HD-NHABE" not in response.content.decode() and "Nhà Bè" not in response.content.decode()


@pytest.mark.parametrize("key", sorted(UNIT_DATA | CAMPAIGN_WIDE))
def test_account_without_a_role_gets_404(client, world, key):
    assert _send(client, key, world["tokens"]["outsider"], world).status_code == 404


@pytest.mark.parametrize("key", sorted(OPEN_TO_ALL))
def test_lists_show_nothing_of_other_units(client, world, key):
    response = _send(client, key, world["tokens"]["officer_q1"], world)
    assert response.status_code == 200
    assert "HD-NHABE" not in response.content.decode() or key == ("get", "/campaigns")
    outsider = _send(client, key, world["tokens"]["outsider"], world).json()
    assert outsider.get("count", 0) == 0 or key == ("get", "/initiatives")


def test_unit_list_of_another_district_is_theirs_only(client, world):
    items = call(client, "get", "/units?limit=200", world["tokens"]["officer_q1"]).json()["items"]
    assert items and all(u["code"].startswith("QD1") for u in items)
    assert call(client, "get", "/units?q=nha be", world["tokens"]["officer_q1"]).json()["count"] == 0


@pytest.mark.parametrize("key", sorted(WRITES))
def test_read_token_and_read_only_roles_get_403_on_writes(client, world, key):
    assert _send(client, key, world["tokens"]["read_nhabe"], world).status_code == 403
    assert _send(client, key, world["tokens"]["steering"], world).status_code == 403


@pytest.mark.parametrize("key", sorted(set(OPERATIONS) - PUBLIC_DATA))
@pytest.mark.parametrize("who", ["officer_nhabe", "coordinator"])
def test_the_unit_and_the_coordinator_reach_everything(client, world, key, who):
    response = _send(client, key, world["tokens"][who], world)
    assert response.status_code in (200, 201), response.content
