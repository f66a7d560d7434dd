"""The open API (/api/v1/): personal tokens (hashed, scoped, expiring, revoked, audited), the token
page, every endpoint against the services' rules, problem+json errors, pagination and rate limits."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from thidua.api import services as token_services
from thidua.api.models import ApiToken
from thidua.core import timeutils
from thidua.core.models import AuditEntry
from thidua.demo.submissions import pdf_bytes
from thidua.progress.models import IndicatorValue
from thidua.submissions.models import Submission
from thidua.units.models import Role, RoleAssignment, Unit

pytestmark = pytest.mark.django_db
SLUG = "cao-diem-2023"
V1 = "/api/v1"


def make_user(username, role=None, unit_code=None):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-1")
    if role:
        RoleAssignment.objects.create(user=user, role=role, unit=Unit.objects.get(code=unit_code))
    return user


def make_token(user, scope="write", days=30):
    today = timeutils.local(timeutils.now()).date()
    return token_services.api_token_create(
        actor=user, name=f"{user.username} {scope}", scope=scope, expires_on=today + dt.timedelta(days=days)
    )[1]


def build_world() -> dict:
    """The demo directory, the seed campaign (published, deadlines of 2023), a plan from Nhà Bè,
    and tokens: the city's coordinator, Nhà Bè's officer (read and write), Quận 1's officer, a
    read-only token of Nhà Bè's officer, a steering member."""
    from thidua.campaigns import definition as defn
    from thidua.campaigns.services import campaign_load
    from thidua.demo.directory import build_directory
    from thidua.submissions.services import submission_create

    from .conftest import SEED_PATH

    build_directory(actor=None, branches=30)
    campaign = campaign_load(actor=None, definition=defn.parse_text(SEED_PATH.read_text(encoding="utf-8"))).campaign
    submission = submission_create(
        actor=None,
        milestone=campaign.milestones.get(code="KH"),
        unit=Unit.objects.get(code="HD-NHABE"),
        uploads=[("ke-hoach.pdf", pdf_bytes("Ke hoach Nha Be"))],
        notify=False,
    )
    users = {
        "coordinator": make_user("api-c", Role.COORDINATOR, "TD"),
        "officer_nhabe": make_user("api-onb", Role.OFFICER, "HD-NHABE"),
        "officer_q1": make_user("api-o1", Role.OFFICER, "QD1"),
        "steering": make_user("api-s", Role.STEERING, "TD"),
        "outsider": make_user("api-x"),
    }
    tokens = {who: make_token(user) for who, user in users.items()}
    tokens["read_nhabe"] = make_token(users["officer_nhabe"], scope="read")
    return {"tokens": tokens, "receipt": submission.receipt_number, "users": {k: u.pk for k, u in users.items()}}


@pytest.fixture(scope="module")
def world(module_transaction, django_db_blocker):
    """build_world(), once for the module (tests roll back to it)."""
    with django_db_blocker.unblock():
        return build_world()


def call(client, method, path, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if "json" in kwargs:
        kwargs["data"] = json.dumps(kwargs.pop("json"))
        kwargs["content_type"] = "application/json"
    return getattr(client, method)(V1 + path, headers=headers, **kwargs)


# --- tokens ---------------------------------------------------------------------------------------


def test_a_token_is_stored_hashed_with_a_visible_prefix_and_audited(world):
    user = get_user_model().objects.get(pk=world["users"]["coordinator"])
    token, raw = token_services.api_token_create(
        actor=user, name="bảng điều khiển", scope="read", expires_on=timeutils.local(timeutils.now()).date()
    )
    assert raw.startswith("td_") and len(raw) > 40
    assert token.key_sha256 == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:10] and raw not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert AuditEntry.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()
    assert token_services.api_token_authenticate(raw) == token
    token_services.api_token_revoke(actor=user, token=token)
    assert token_services.api_token_authenticate(raw) is None
    assert AuditEntry.objects.filter(action="api_token.revoke", object_id=str(token.pk)).exists()


def test_token_rules_expiry_scope_and_owner(world):
    from thidua.core.errors import Refused

    user = get_user_model().objects.get(pk=world["users"]["officer_q1"])
    other = get_user_model().objects.get(pk=world["users"]["steering"])
    today = timeutils.local(timeutils.now()).date()
    for kwargs in (
        {"name": "", "scope": "read", "expires_on": today},
        {"name": "x", "scope": "admin", "expires_on": today},
        {"name": "x", "scope": "read", "expires_on": today - dt.timedelta(days=1)},
        {"name": "x", "scope": "read", "expires_on": today + dt.timedelta(days=400)},
    ):
        with pytest.raises(Refused):
            token_services.api_token_create(actor=user, **kwargs)
    token, raw = token_services.api_token_create(actor=user, name="x", scope="read", expires_on=today)
    with pytest.raises(Refused):
        token_services.api_token_revoke(actor=other, token=token)
    assert token_services.api_token_authenticate(raw, now=timeutils.now() + dt.timedelta(days=2)) is None
    assert token_services.api_token_authenticate(raw.upper()) is None
    assert token_services.api_token_authenticate("td_" + "x" * 200) is None
    user.is_active = False
    user.save()
    assert token_services.api_token_authenticate(raw) is None


def test_calls_need_a_token_and_sessions_do_not_count(client, world):
    response = call(client, "get", "/me")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Cần có khóa API hợp lệ."  # the site's language
    assert response["WWW-Authenticate"].startswith("Bearer")
    client.force_login(get_user_model().objects.get(pk=world["users"]["coordinator"]))
    assert call(client, "get", "/me").status_code == 401
    assert call(client, "get", "/me", "td_not-a-token").status_code == 401
    assert call(client, "get", "/me", "Basic abc").status_code == 401


def test_me_tells_the_owner_and_roles(client, world):
    response = call(client, "get", "/me", world["tokens"]["officer_nhabe"])
    assert response.status_code == 200
    body = response.json()
    assert body["roles"] == [{"role": "officer", "unit": "HD-NHABE", "unit_name": "Huyện Đoàn Nhà Bè"}]
    assert body["scope"] == "write"
    assert ApiToken.objects.get(prefix=body["token"]).last_used_at is not None


def test_a_read_token_cannot_write(client, world):
    response = call(
        client,
        "put",
        f"/campaigns/{SLUG}/units/HD-NHABE/values",
        world["tokens"]["read_nhabe"],
        json={"values": [{"indicator": "x", "value": 1, "version": 0}]},
    )
    assert response.status_code == 403
    assert response.json()["detail"] != response.json()["title"]  # says why: the token is read-only
    response = client.post(
        f"{V1}/campaigns/{SLUG}/milestones/KH/units/HD-NHABE/submissions",
        {"files": [_pdf()]},
        headers={"Authorization": f"Bearer {world['tokens']['read_nhabe']}"},
    )
    assert response.status_code == 403


def test_rate_limit_per_token(client, world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api-token": "2/60"}
    token = make_token(get_user_model().objects.get(pk=world["users"]["steering"]), scope="read")
    codes = [call(client, "get", "/me", token).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_token_page_creates_shows_once_and_revokes(client, world):
    user = get_user_model().objects.get(pk=world["users"]["officer_q1"])
    client.force_login(user)
    page = client.get(reverse("api:tokens"))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    expires = (timeutils.local(timeutils.now()).date() + dt.timedelta(days=10)).isoformat()
    response = client.post(reverse("api:tokens"), {"name": "Bảng số liệu quận", "scope": "read", "expires_on": expires})
    assert response.status_code == 201
    raw = response.context["created"][1]
    assert raw in response.content.decode()
    again = client.get(reverse("api:tokens"))
    assert raw not in again.content.decode() and raw[:10] in again.content.decode()
    token = ApiToken.objects.get(prefix=raw[:10])
    bad = client.post(reverse("api:tokens"), {"name": "x", "scope": "read", "expires_on": "2099-01-01"})
    assert bad.status_code == 200 and not bad.context["created"]
    response = client.post(reverse("api:revoke"), {"token": token.pk})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert call(client, "get", "/me", raw).status_code == 401
    # Someone else's token: not found among one's own.
    other = ApiToken.objects.exclude(user=user).first()
    client.post(reverse("api:revoke"), {"token": other.pk})
    other.refresh_from_db()
    assert other.revoked_at is None


# --- reading ----------------------------------------------------------------------------------------


def test_campaigns_list_detail_definition_and_deadlines(client, world):
    token = world["tokens"]["officer_nhabe"]
    listing = call(client, "get", "/campaigns?limit=1", token).json()
    assert listing["count"] >= 1 and listing["limit"] == 1 and listing["items"][0]["slug"] == SLUG
    detail = call(client, "get", f"/campaigns/{SLUG}", token).json()
    assert detail["issuer"]["code"] == "TD" and len(detail["goals"]) == 3
    definition = call(client, "get", f"/campaigns/{SLUG}/definition", token).json()
    assert definition["slug"] == SLUG
    deadlines = call(client, "get", f"/campaigns/{SLUG}/milestones", token).json()
    assert [m["deadline"] for m in deadlines][:1] == ["2023-05-06T11:00:00+07:00"]
    assert call(client, "get", f"/campaigns/{SLUG}/indicators", token).status_code == 200
    assert call(client, "get", "/campaigns?limit=500", token).status_code == 422


def test_units_subtree_and_accent_insensitive_search(client, world):
    token = world["tokens"]["officer_nhabe"]
    found = call(client, "get", "/units?q=nha be", token).json()
    assert [u["code"] for u in found["items"]][:1] == ["HD-NHABE"]
    subtree = call(client, "get", "/units?within=HD-NHABE&limit=200", token).json()
    assert subtree["count"] > 1 and all(u["code"].startswith("HD-NHABE") for u in subtree["items"])
    assert subtree["items"][1]["parent"] == "HD-NHABE"
    # The whole directory is not the officer's: only Nhà Bè's subtree.
    everything = call(client, "get", "/units?limit=200", token).json()
    assert everything["count"] == subtree["count"]
    assert call(client, "get", "/units/QD1", token).status_code == 404
    assert call(client, "get", "/units?within=QD1", token).status_code == 404
    assert call(client, "get", "/units/HD-NHABE", token).json()["parent"] is None


def test_submission_status_receipt_and_board(client, world):
    token = world["tokens"]["officer_nhabe"]
    status = call(client, "get", f"/campaigns/{SLUG}/milestones/KH/units/HD-NHABE", token).json()
    assert status["status"] == "late" and status["versions"][0]["number"] == world["receipt"]
    assert status["versions"][0]["files"][0]["name"] == "ke-hoach.pdf"
    receipt = call(client, "get", f"/campaigns/{SLUG}/receipts/{world['receipt']}", token).json()
    assert receipt["on_time"] is False and len(receipt["files"][0]["sha256"]) == 64
    board = call(client, "get", f"/campaigns/{SLUG}/board?limit=5", token).json()
    assert board["scope"]["code"] == "HD-NHABE" and len(board["rows"]) <= 5
    assert board["summaries"][0]["milestone"] == "KH"
    city = call(client, "get", f"/campaigns/{SLUG}/board?status=late", world["tokens"]["coordinator"]).json()
    assert city["scope"]["code"] == "TD" and [r["unit"]["code"] for r in city["rows"]] == ["HD-NHABE"]


def _pdf(name="bao-cao.pdf", data=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data if data is not None else pdf_bytes("Bao cao"), content_type="application/pdf")


def test_upload_uses_the_portal_rules_and_returns_the_receipt(client, world):
    url = f"{V1}/campaigns/{SLUG}/milestones/SK/units/HD-NHABE/submissions"
    auth = {"Authorization": f"Bearer {world['tokens']['officer_nhabe']}"}
    response = client.post(url, {"files": [_pdf()], "note": "Gửi qua API"}, headers=auth)
    assert response.status_code == 201, response.content
    receipt = response.json()
    assert receipt["version"] == 1 and receipt["note"] == "Gửi qua API" and receipt["number"]
    assert Submission.objects.get(receipt_number=receipt["number"]).created_by.username == "api-onb"
    refused = client.post(url, {"files": [_pdf("virus.exe", b"MZ\x90\x00")]}, headers=auth)
    assert refused.status_code == 400 and refused["Content-Type"] == "application/problem+json"
    assert "virus.exe" in refused.json()["detail"]
    empty = client.post(url, {"note": "x"}, headers=auth)
    assert empty.status_code == 422
    other = client.post(
        f"{V1}/campaigns/{SLUG}/milestones/SK/units/HD-NHABE/submissions",
        {"files": [_pdf()]},
        headers={"Authorization": f"Bearer {world['tokens']['officer_q1']}"},
    )
    assert other.status_code == 404
    steering = client.post(url, {"files": [_pdf()]}, headers={"Authorization": f"Bearer {world['tokens']['steering']}"})
    assert steering.status_code == 403


def test_figures_read_write_with_versions_rules_and_jumps(client, world):
    token = world["tokens"]["officer_nhabe"]
    path = f"/campaigns/{SLUG}/units/HD-NHABE/values"
    values = call(client, "get", path, token).json()
    assert values["may_edit"] is True and values["values"]
    count = next(v for v in values["values"] if v["kind"] == "count")
    assert count["version"] == 0 and count["value"] is None
    body = {"as_of": "2023-05-20", "values": [{"indicator": count["indicator"], "value": 10, "version": 0}]}
    saved = call(client, "put", path, token, json=body)
    assert saved.status_code == 200, saved.content
    row = next(v for v in saved.json()["values"] if v["indicator"] == count["indicator"])
    assert row["value"] == 10 and row["version"] == 1
    # Someone else's version: a conflict, nothing written.
    stale = call(client, "put", path, token, json={**body, "values": [{**body["values"][0], "value": 12}]})
    assert stale.status_code == 409
    # More than three times the previous value: confirm first.
    jump = {"values": [{"indicator": count["indicator"], "value": 100, "version": 1}]}
    assert call(client, "put", path, token, json=jump).status_code == 409
    assert call(client, "put", path, token, json={**jump, "confirm": True}).status_code == 200
    assert IndicatorValue.objects.get(unit__code="HD-NHABE", indicator__code=count["indicator"]).numerator == 100
    unknown = call(client, "put", path, token, json={"values": [{"indicator": "nope", "value": 1, "version": 0}]})
    assert unknown.status_code == 400 and "nope" in unknown.json()["detail"]
    # Roll-ups: the city's total includes Nhà Bè's figure.
    figures = call(client, "get", f"/campaigns/{SLUG}/figures", world["tokens"]["coordinator"]).json()
    total = next(f for f in figures["figures"] if f["indicator"] == count["indicator"])
    assert total["numerator"] >= 100 and figures["scope"]["code"] == "TD"
    breakdown = call(client, "get", f"/campaigns/{SLUG}/figures/{count['indicator']}", world["tokens"]["coordinator"])
    assert any(line["unit"]["code"] == "HD-NHABE" for line in breakdown.json()["lines"])


def test_ratio_rule_is_the_services(client, world):
    token = world["tokens"]["officer_nhabe"]
    path = f"/campaigns/{SLUG}/units/HD-NHABE/values"
    ratio = next(v for v in call(client, "get", path, token).json()["values"] if v["kind"] == "ratio")
    response = call(
        client,
        "put",
        path,
        token,
        json={"values": [{"indicator": ratio["indicator"], "value": 5, "out_of": 3, "version": ratio["version"]}]},
    )
    assert response.status_code == 400 and "3" in response.json()["detail"]


def test_initiatives_public_data_only(client, world):
    response = call(client, "get", "/initiatives", world["tokens"]["outsider"])
    assert response.status_code == 200 and response.json()["count"] == 0
    assert call(client, "get", "/initiatives/SK-0001", world["tokens"]["outsider"]).status_code == 404


def test_schema_and_docs_page(client, world):
    schema = client.get(f"{V1}/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert schema["paths"]["/api/v1/campaigns"]["get"]["responses"]["404"]["content"].keys() == {
        "application/problem+json"
    }
    docs = client.get(f"{V1}/docs")
    assert docs.status_code == 200 and b"swagger-ui-bundle.js" in docs.content and b"cdn" not in docs.content.lower()


def test_errors_outside_the_api_routes_are_problems_too(client, world):
    token = world["tokens"]["coordinator"]
    missing = call(client, "get", "/khong-co", token)
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    assert call(client, "get", "/units?q=a%00b", token).status_code == 400
    assert call(client, "delete", "/campaigns", token).status_code == 405


def test_body_limits_a_token_lifts_the_anonymous_one_not_the_upload_one(client, world, settings):
    url = f"{V1}/campaigns/{SLUG}/milestones/TK/units/HD-NHABE/submissions"
    big = _pdf("bao-cao-lon.pdf", pdf_bytes("Bao cao") + b"%" + b"x" * 300_000 + b"\n")
    anonymous = client.post(url, {"files": [big]})
    assert anonymous.status_code == 413 and anonymous["Content-Type"] == "application/problem+json"
    big.seek(0)
    auth = {"Authorization": f"Bearer {world['tokens']['officer_nhabe']}"}
    assert client.post(url, {"files": [big]}, headers=auth).status_code == 201
    settings.SUBMISSION_MAX_FILE_BYTES = 100_000  # the portal's rule, with its message
    big.seek(0)
    response = client.post(url, {"files": [big]}, headers=auth)
    assert response.status_code == 400 and "bao-cao-lon.pdf" in response.json()["detail"]
    # A body larger than any upload the API takes: refused before it is read.
    response = client.post(url, {"files": [_pdf()]}, headers=auth, CONTENT_LENGTH=str(10**12))
    assert response.status_code == 413 and response.json()["status"] == 413


def test_a_receipt_of_another_district_is_not_found(client, world):
    response = call(client, "get", f"/campaigns/{SLUG}/receipts/{world['receipt']}", world["tokens"]["officer_q1"])
    assert response.status_code == 404
    assert call(client, "get", f"/campaigns/{SLUG}/receipts/0-0", world["tokens"]["coordinator"]).status_code == 404


def test_the_admin_lists_tokens_without_their_hash(client, world):
    from .conftest import verified_login

    admin = get_user_model().objects.create_superuser("api-admin", "a@example.org", "pw-for-tests-1")
    verified_login(client, admin)
    page = client.get(reverse("admin:api_apitoken_changelist"))
    assert page.status_code == 200
    token = ApiToken.objects.first()
    detail = client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert detail.status_code == 200 and token.key_sha256 not in detail.content.decode()
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
