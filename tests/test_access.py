"""Every page and action, walked with users of other units: anonymous → sign-in, outsider → 404,
read-only → 403 on changes. A new URL pattern must be added here (the coverage test fails)."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from thidua.units.models import Role, RoleAssignment, Unit

pytestmark = pytest.mark.django_db

OUR_NAMESPACES = {
    "units", "campaigns", "submissions", "progress", "initiatives", "planimport", "practices", "commendation",
    "documents",
    "api",
    "mailgateway",
}  # fmt: skip
# The open API's own namespace ("api_v1", /api/v1/) takes tokens, not sessions: tests/test_api_access.py
# walks every one of its operations (and fails when one is not listed there).
TOP_LEVEL = {"home", "notifications"}

# name → (kwargs, method). Units are of Huyện Đoàn Nhà Bè: outside Quận 1's officers' reach.
ROUTES = {
    "home": ({}, "get"),
    "units:directory": ({}, "get"),
    "units:search": ({}, "get"),
    "units:pick": ({}, "get"),
    "units:detail": ({"code": "HD-NHABE"}, "get"),
    "units:export": ({"code": "HD-NHABE", "fmt": "xlsx"}, "get"),
    "units:import": ({"code": "HD-NHABE"}, "get"),
    "units:edit": ({"code": "HD-NHABE"}, "get"),
    "units:history": ({"code": "HD-NHABE"}, "get"),
    "units:roles": ({"code": "HD-NHABE"}, "get"),
    "campaigns:list": ({}, "get"),
    "campaigns:upload": ({}, "get"),
    "campaigns:detail": ({"slug": "cao-diem-2023"}, "get"),
    "campaigns:definition": ({"slug": "cao-diem-2023"}, "get"),
    "campaigns:status": ({"slug": "cao-diem-2023"}, "post"),
    "campaigns:copy": ({"slug": "cao-diem-2023"}, "get"),
    "campaigns:my_unit": ({"slug": "cao-diem-2023"}, "get"),
    "campaigns:edit": ({"slug": "cao-diem-2023"}, "get"),
    "campaigns:edit_section": ({"slug": "cao-diem-2023", "section": "moc"}, "get"),
    "campaigns:edit_activity": ({"slug": "cao-diem-2023", "code": "CV1"}, "get"),
    "campaigns:history": ({"slug": "cao-diem-2023"}, "get"),
    "submissions:unit_tasks": ({"slug": "cao-diem-2023", "code": "HD-NHABE"}, "get"),
    "notifications": ({}, "get"),
    "submissions:registration_board": ({"slug": "cao-diem-2023"}, "get"),
    "submissions:registration": ({"slug": "cao-diem-2023", "code": "HD-NHABE"}, "get"),
    "submissions:board": ({"slug": "cao-diem-2023"}, "get"),
    "submissions:board_export": ({"slug": "cao-diem-2023"}, "get"),
    "submissions:message_new": ({"slug": "cao-diem-2023"}, "get"),
    "submissions:message_list": ({"slug": "cao-diem-2023"}, "get"),
    "submissions:message": ({"slug": "cao-diem-2023", "message_id": "MESSAGE"}, "get"),
    "submissions:milestone_zip": ({"slug": "cao-diem-2023", "milestone_code": "KH"}, "get"),
    "submissions:milestone": ({"slug": "cao-diem-2023", "milestone_code": "KH", "code": "HD-NHABE"}, "get"),
    "submissions:exception": ({"slug": "cao-diem-2023", "milestone_code": "KH", "code": "HD-NHABE"}, "post"),
    "submissions:review": ({"slug": "cao-diem-2023", "submission_id": "SUBMISSION"}, "post"),
    "submissions:receipt": ({"slug": "cao-diem-2023", "number": "RECEIPT"}, "get"),
    "submissions:download": ({"slug": "cao-diem-2023", "file_id": "FILE"}, "get"),
    "progress:dashboard": ({"slug": "cao-diem-2023"}, "get"),
    "progress:indicator": ({"slug": "cao-diem-2023", "code": "youths_job_referrals"}, "get"),
    "progress:entry": ({"slug": "cao-diem-2023", "code": "HD-NHABE"}, "get"),
    "progress:template": ({"slug": "cao-diem-2023", "code": "HD-NHABE"}, "get"),
    "progress:upload": ({"slug": "cao-diem-2023", "code": "HD-NHABE"}, "post"),
    "progress:signoff_submit": ({"slug": "cao-diem-2023", "code": "HD-NHABE"}, "post"),
    "progress:events": ({"slug": "cao-diem-2023", "code": "HD-NHABE"}, "get"),
    "progress:signoffs": ({"slug": "cao-diem-2023"}, "get"),
    "progress:rules": ({"slug": "cao-diem-2023"}, "get"),
    "progress:matrix": ({"slug": "cao-diem-2023"}, "get"),
    "progress:signoff_decide": ({"slug": "cao-diem-2023", "signoff_id": "SIGNOFF"}, "post"),
    "initiatives:gallery": ({}, "get"),
    "initiatives:public_detail": ({"code": "INITIATIVE"}, "get"),
    "initiatives:submit": ({}, "get"),
    "initiatives:sent": ({}, "get"),
    "initiatives:confirm": ({"token": "CONFIRM"}, "get"),
    "initiatives:track": ({"token": "TRACK"}, "get"),
    "initiatives:track_download": ({"token": "TRACK", "file_id": "INITIATIVE_FILE"}, "get"),
    "initiatives:mine": ({}, "get"),
    "initiatives:reviews": ({}, "get"),
    "initiatives:list": ({}, "get"),
    "initiatives:export": ({}, "get"),
    "initiatives:publish": ({}, "post"),
    "initiatives:detail": ({"code": "INITIATIVE"}, "get"),
    "initiatives:download": ({"code": "INITIATIVE", "file_id": "INITIATIVE_FILE"}, "get"),
    "initiatives:answer": ({"code": "INITIATIVE"}, "post"),
    "initiatives:ask": ({"code": "INITIATIVE"}, "post"),
    "initiatives:assign": ({"code": "INITIATIVE"}, "post"),
    "initiatives:score": ({"code": "INITIATIVE"}, "get"),
    "initiatives:decide": ({"code": "INITIATIVE"}, "post"),
    "initiatives:merge": ({"code": "INITIATIVE"}, "post"),
    "initiatives:screen": ({"code": "INITIATIVE"}, "post"),
    "initiatives:forward": ({"code": "INITIATIVE"}, "post"),
    "initiatives:respond": ({"forwarding_id": "FORWARDING"}, "post"),
    "initiatives:result": ({"forwarding_id": "FORWARDING"}, "post"),
    "practices:gallery": ({}, "get"),
    "practices:public_detail": ({"pk": "PRACTICE"}, "get"),
    "practices:photo": ({"pk": "PRACTICE", "file_id": "PRACTICE_PHOTO"}, "get"),
    "practices:public_download": ({"pk": "PRACTICE", "file_id": "PRACTICE_FILE"}, "get"),
    "practices:list": ({}, "get"),
    "practices:create": ({"code": "HD-NHABE"}, "get"),
    "practices:detail": ({"pk": "PRACTICE"}, "get"),
    "practices:edit": ({"pk": "PRACTICE"}, "get"),
    "practices:download": ({"pk": "PRACTICE", "file_id": "PRACTICE_FILE"}, "get"),
    "practices:submit": ({"pk": "PRACTICE"}, "post"),
    "practices:publish": ({"pk": "PRACTICE"}, "post"),
    "practices:return": ({"pk": "PRACTICE"}, "post"),
    "practices:unpublish": ({"pk": "PRACTICE"}, "post"),
    "practices:feature": ({"pk": "PRACTICE"}, "post"),
    "commendation:ranking": ({"slug": "cao-diem-2023"}, "get"),
    "commendation:unit": ({"slug": "cao-diem-2023", "code": "HD-NHABE"}, "get"),
    "commendation:assessment": ({"slug": "cao-diem-2023", "code": "HD-NHABE"}, "get"),
    "commendation:adjustment_add": ({"slug": "cao-diem-2023", "code": "HD-NHABE"}, "post"),
    "commendation:adjustment_withdraw": ({"slug": "cao-diem-2023", "code": "HD-NHABE"}, "post"),
    "commendation:proposals": ({"slug": "cao-diem-2023"}, "get"),
    "commendation:proposals_draft": ({"slug": "cao-diem-2023"}, "post"),
    "commendation:proposals_submit": ({"slug": "cao-diem-2023"}, "post"),
    "commendation:proposal_decide": ({"slug": "cao-diem-2023"}, "post"),
    "commendation:proposal_withdraw": ({"slug": "cao-diem-2023"}, "post"),
    "commendation:decision_record": ({"slug": "cao-diem-2023"}, "post"),
    "commendation:propose": ({"slug": "cao-diem-2023", "code": "HD-NHABE"}, "get"),
    "documents:download": ({"slug": "cao-diem-2023", "kind": "final-report"}, "get"),
    "planimport:upload": ({}, "get"),
    "planimport:review": ({"pk": "DRAFT"}, "get"),
    "planimport:set_unit": ({"pk": "DRAFT"}, "post"),
    "planimport:publish": ({"pk": "DRAFT"}, "post"),
    "api:tokens": ({}, "get"),
    "api:revoke": ({}, "post"),
    "mailgateway:triage": ({}, "get"),
    "mailgateway:detail": ({"pk": "MAIL"}, "get"),
    "mailgateway:attachment": ({"pk": "MAIL", "index": 0}, "get"),
    "mailgateway:file": ({"pk": "MAIL"}, "post"),
    "mailgateway:reject": ({"pk": "MAIL"}, "post"),
}
# Open to everyone, signed in or not: the initiatives gallery, submitting, and the author's signed links;
# the library of effective models (published ones, their photos and documents).
PUBLIC = {
    "initiatives:gallery", "initiatives:public_detail", "initiatives:submit", "initiatives:sent",
    "initiatives:confirm", "initiatives:track", "initiatives:track_download",
    "practices:gallery", "practices:public_detail", "practices:photo", "practices:public_download",
}  # fmt: skip
# Pages about one unit or campaign (the rest are lists that every signed-in user may open).
OBJECT_ROUTES = {
    "units:roles",
    "planimport:review", "planimport:set_unit", "planimport:publish",
    "units:detail", "units:export", "units:import", "units:edit", "units:history", "submissions:unit_tasks",
    "submissions:registration", "submissions:milestone", "submissions:exception", "submissions:review",
    "submissions:receipt", "submissions:download",
    "progress:entry", "progress:template", "progress:upload", "progress:signoff_submit", "progress:events",
    "progress:signoff_decide",
    "initiatives:detail", "initiatives:download", "initiatives:answer", "initiatives:ask", "initiatives:assign",
    "initiatives:score", "initiatives:decide", "initiatives:merge", "initiatives:forward", "initiatives:respond",
    "initiatives:result", "initiatives:screen",
    "practices:create", "practices:detail", "practices:edit", "practices:download", "practices:submit",
    "practices:publish", "practices:return", "practices:unpublish", "practices:feature",
    "commendation:assessment", "commendation:adjustment_add", "commendation:adjustment_withdraw",
    "commendation:propose",
    "mailgateway:detail", "mailgateway:attachment", "mailgateway:file", "mailgateway:reject",
}  # fmt: skip
CAMPAIGN_ROUTES = {
    "campaigns:detail", "campaigns:definition", "campaigns:status", "campaigns:my_unit", "campaigns:copy",
    "campaigns:edit", "campaigns:edit_section", "campaigns:edit_activity", "campaigns:history",
    "submissions:registration_board", "submissions:board", "submissions:board_export", "submissions:milestone_zip",
    "submissions:message_new", "submissions:message_list", "submissions:message",
    "progress:dashboard", "progress:indicator", "progress:signoffs", "progress:rules", "progress:matrix",
    "commendation:ranking", "commendation:unit", "commendation:proposals", "commendation:proposals_draft",
    "commendation:proposals_submit", "commendation:proposal_decide", "commendation:proposal_withdraw",
    "commendation:decision_record",
    "documents:download",
}  # fmt: skip
CHANGE_ROUTES = {
    "units:roles",
    "planimport:upload", "planimport:review", "planimport:set_unit", "planimport:publish",
    "units:import", "units:edit", "units:history", "campaigns:status", "campaigns:upload", "campaigns:copy",
    "campaigns:edit", "campaigns:edit_section", "campaigns:edit_activity", "campaigns:history",
    "submissions:message_new", "submissions:message_list", "submissions:message",
    "submissions:exception", "submissions:review",
    "progress:template", "progress:upload", "progress:signoff_submit", "progress:signoff_decide",
    "initiatives:publish", "initiatives:answer", "initiatives:ask", "initiatives:assign", "initiatives:score",
    "initiatives:decide", "initiatives:merge", "initiatives:forward", "initiatives:respond", "initiatives:result",
    "initiatives:screen",
    "practices:create", "practices:edit", "practices:submit", "practices:publish", "practices:return",
    "practices:unpublish", "practices:feature",
    "commendation:assessment", "commendation:adjustment_add", "commendation:adjustment_withdraw",
    "commendation:proposals_draft", "commendation:proposals_submit", "commendation:proposal_withdraw",
    "commendation:decision_record", "commendation:propose",
}  # fmt: skip
# The steering committee's own step: the campaign's coordinators propose, they do not approve.
STEERING_ONLY = {"commendation:proposal_decide"}


def _names(patterns, namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace in OUR_NAMESPACES:
                yield from _names(p.url_patterns, p.namespace)
        elif isinstance(p, URLPattern) and p.name:
            if namespace or p.name in TOP_LEVEL:
                yield f"{namespace}:{p.name}" if namespace else p.name


def test_every_url_pattern_is_walked():
    assert set(_names(get_resolver().url_patterns)) == set(ROUTES)


def _user(username, role=None, unit=None):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-1")
    if role:
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture(scope="module")
def walk(module_transaction, django_db_blocker):
    """Built once for the module (each test rolls back to it): the demo directory, the seed campaign
    with every deadline on 06/5/2023, Nhà Bè's plan and sign-off, a forwarded initiative, a plan
    draft imported by Nhà Bè, one user per role, and the ids the routes need."""
    from thidua.campaigns import definition as defn
    from thidua.campaigns.services import campaign_load
    from thidua.demo.directory import build_directory
    from thidua.demo.submissions import pdf_bytes
    from thidua.planimport.services import draft_create
    from thidua.progress.services import signoff_submit
    from thidua.submissions.services import submission_create

    from .conftest import SEED_PATH
    from .test_initiatives_services import route_ids
    from .test_practices import route_ids as practice_route_ids

    with django_db_blocker.unblock():
        build_directory(actor=None, branches=60)
        demo_tree = {u.code: u for u in Unit.objects.filter(depth__lte=2)}
        seed_campaign = campaign_load(
            actor=None, definition=defn.parse_text(SEED_PATH.read_text(encoding="utf-8"))
        ).campaign
        seed_campaign.milestones.update(deadline=seed_campaign.milestones.first().deadline)  # all due 06/5/2023
        submission = submission_create(
            actor=None, milestone=seed_campaign.milestones.get(code="KH"), unit=demo_tree["HD-NHABE"],
            uploads=[("ke-hoach.pdf", pdf_bytes("Ke hoach Nha Be"))], notify=False,
        )  # fmt: skip
        signoff = signoff_submit(
            actor=None, milestone=seed_campaign.milestones.get(code="SK"), unit=demo_tree["HD-NHABE"]
        ).signoff
        ids = {
            "SUBMISSION": submission.pk,
            "RECEIPT": submission.receipt_number,
            "FILE": submission.files.get().pk,
            "SIGNOFF": signoff.pk,
        }
        ids.update(route_ids(seed_campaign, Unit.objects.get(code="HD-NHABE-01")))
        ids.update(practice_route_ids(seed_campaign, Unit.objects.get(code="HD-NHABE-01")))
        ids["MESSAGE"] = message_id(seed_campaign)
        ids["MAIL"] = mail_id()
        # A plan imported by Nhà Bè's coordinator, for its own wards.
        plan = (Path(__file__).resolve().parent / "seed" / "ke-hoach-2023.txt").read_bytes()
        ids["DRAFT"] = draft_create(
            actor=_user("cnb", Role.COORDINATOR, demo_tree["HD-NHABE"]),
            unit=demo_tree["HD-NHABE"],
            filename="kh.txt",
            data=plan,
        ).pk
        people = {
            "coordinator": _user("c", Role.COORDINATOR, demo_tree["TD"]),
            "steering": _user("s", Role.STEERING, demo_tree["TD"]),
            "officer_q1": _user("o1", Role.OFFICER, demo_tree["QD1"]),
            "viewer_nhabe": _user("vn", Role.VIEWER, demo_tree["HD-NHABE"]),
            "outsider": _user("x"),
        }
        return {"ids": ids, "people": {who: user.pk for who, user in people.items()}}


# The module's data, read afresh for each test: what one test changed in memory never reaches the next.
@pytest.fixture
def demo_tree(walk, db):
    return {u.code: u for u in Unit.objects.filter(depth__lte=2)}


@pytest.fixture
def seed_campaign(walk, db):
    from thidua.campaigns.models import Campaign

    return Campaign.objects.get(slug="cao-diem-2023")


@pytest.fixture
def people(walk, db):
    users = get_user_model().objects.in_bulk(walk["people"].values())
    return {who: users[pk] for who, pk in walk["people"].items()}


@pytest.fixture
def route_ids(walk):
    return walk["ids"]


def _call(client, name, route_ids):
    kwargs, method = ROUTES[name]
    kwargs = {k: route_ids.get(v, v) for k, v in kwargs.items()}
    url = reverse(name, kwargs=kwargs)
    return getattr(client, method)(url, {"status": "closed"} if method == "post" else {})


@pytest.mark.parametrize("name", sorted(set(ROUTES) - PUBLIC))
def test_anonymous_is_sent_to_sign_in(client, people, route_ids, name):
    response = _call(client, name, route_ids)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_open_without_sign_in(client, people, route_ids, name):
    response = _call(client, name, route_ids)
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # the confirmation link leads to the private tracking page
        assert response["Location"].startswith("/sang-kien/theo-doi/")


@pytest.mark.parametrize("name", sorted(OBJECT_ROUTES | CAMPAIGN_ROUTES))
def test_outsider_gets_404(client, people, route_ids, name):
    client.force_login(people["outsider"])
    assert _call(client, name, route_ids).status_code == 404


@pytest.mark.parametrize("name", sorted(OBJECT_ROUTES))
def test_officer_of_another_district_gets_404(client, people, route_ids, name):
    client.force_login(people["officer_q1"])
    assert _call(client, name, route_ids).status_code == 404


@pytest.mark.parametrize("name", sorted(CHANGE_ROUTES))
@pytest.mark.parametrize("who", ["steering", "viewer_nhabe"])
def test_read_only_roles_get_403_on_changes(client, people, route_ids, name, who):
    client.force_login(people[who])
    assert _call(client, name, route_ids).status_code == 403


@pytest.mark.parametrize("name", sorted(set(ROUTES) - STEERING_ONLY))
def test_coordinator_reaches_everything(client, people, route_ids, name):
    client.force_login(people["coordinator"])
    assert _call(client, name, route_ids).status_code in (200, 302)


@pytest.mark.parametrize("name", sorted(STEERING_ONLY))
def test_only_the_steering_committee_approves(client, people, route_ids, name):
    for who, status in (("coordinator", 403), ("viewer_nhabe", 403), ("officer_q1", 403), ("steering", 302)):
        client.force_login(people[who])
        assert _call(client, name, route_ids).status_code == status, who


def test_officer_cannot_change_the_campaign_or_read_other_units_data(client, people, seed_campaign):
    client.force_login(people["officer_q1"])
    assert client.get(reverse("campaigns:detail", args=["cao-diem-2023"])).status_code == 200
    assert client.post(reverse("campaigns:status", args=["cao-diem-2023"]), {"status": "closed"}).status_code == 403
    seed_campaign.refresh_from_db()
    assert seed_campaign.status == "published"
    # Guessing codes of other districts' grassroots units and branches.
    for code in ["HD-NHABE-01", "HD-NHABE-01-001", "QD3", "TD", "BCNLD"]:
        assert client.get(reverse("units:detail", args=[code])).status_code == 404
    assert client.get(reverse("units:detail", args=["QD1-01"])).status_code == 200


def message_id(campaign) -> int:
    """For the walk: a message the coordinator sent to Nhà Bè."""
    from thidua.submissions import messages

    sender = get_user_model().objects.create_user(username="msg", password="pw-for-tests-1")
    return messages.unit_message_send(
        actor=sender,
        campaign=campaign,
        milestone=None,
        recipients=[messages.Recipient(Unit.objects.get(code="HD-NHABE"))],
        subject="Nhắc việc",
        body="Kính gửi {don_vi}",
        audience_label="Huyện Đoàn Nhà Bè",
    ).pk


def mail_id() -> int:
    """For the walk: an e-mail from an address no unit has, waiting in the mail triage."""
    from thidua.core import timeutils
    from thidua.mailgateway import services as mail_services

    from .mailfixtures import mime

    message, _created = mail_services.inbound_receive(
        raw=mime(sender="nguoila@example.vn"), received_at=timeutils.now(), source="smtp"
    )
    mail_services.inbound_process(message=message)
    return message.pk
