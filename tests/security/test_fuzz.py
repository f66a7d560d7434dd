"""No input is a 500: generated values (NUL bytes, 20-digit numbers, negative ids, dates out of range,
Vietnamese and odd Unicode, SQL- and HTML-shaped text) posted to every form field and sent in every
query parameter of every URL of the access walk, as each persona. The test client re-raises any
exception a view lets escape, so an example fails on the first 500. Each request runs in a savepoint
that is rolled back: one example's changes never reach the next.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thidua.units.models import Role, RoleAssignment, Unit

from ..conftest import coverage_paused
from ..test_access import PUBLIC, ROUTES, mail_id, message_id

# The query parameters the views read (grep request.GET), and form fields posted by buttons.
QUERY = ["q", "don-vi", "trang", "nam", "linh-vuc", "trang-thai", "loai", "sap-xep", "xuat", "duyet", "muc-tieu",
         "tat-ca", "sang-loc", "qua-han", "cho-cong-bo", "tinh-trang", "next"]  # fmt: skip
BUTTONS = ["action", "code", "milestone", "next", "publish", "reason", "remove", "revoke", "withdraw", "status",
           "decision", "into", "path", "kind", "new_deadline", "respond_by", "response", "response_date", "date",
           "text", "comment", "question", "answer", "reviewers", "agencies", "add_files", "token"]  # fmt: skip
NASTY = [
    "", " ", "0", "-1", "1.5", "1e309", "NaN", "12345678901234567890", "99999999999999999999999999", "a\x00b",
    "\x00", "31/12/9999", "0000-00-00", "2023-02-30", "9999-12-31", "<script>alert(1)</script>", "' OR 1=1 --",
    "../../etc/passwd", "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "\u202e\u200b\ufeff", "🙂" * 50, "x" * 5000,
]  # fmt: skip
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.integers(-(10**20), 10**20).map(str))
PEOPLE = ["anonymous", "outsider", "officer_q1", "viewer_nhabe", "coordinator"]
NAME = re.compile(r'name="([A-Za-z0-9_\-]+)"')


@pytest.fixture(scope="module")
def walk(module_transaction, django_db_blocker):
    """The access walk's data, built once for this module and rolled back at its end."""
    with django_db_blocker.unblock():
        return _build()


def _build() -> dict:
    from thidua.campaigns import definition as defn
    from thidua.campaigns.services import campaign_load
    from thidua.demo.directory import build_directory
    from thidua.demo.submissions import pdf_bytes
    from thidua.planimport.services import draft_create
    from thidua.progress.services import signoff_submit
    from thidua.submissions.services import submission_create

    from ..conftest import SEED_PATH
    from ..test_initiatives_services import route_ids
    from ..test_practices import route_ids as practice_route_ids

    build_directory(actor=None, branches=60)
    tree = {u.code: u for u in Unit.objects.filter(depth__lte=2)}
    campaign = campaign_load(actor=None, definition=defn.parse_text(SEED_PATH.read_text(encoding="utf-8"))).campaign
    nhabe = tree["HD-NHABE"]
    submission = submission_create(
        actor=None, milestone=campaign.milestones.get(code="KH"), unit=nhabe,
        uploads=[("ke-hoach.pdf", pdf_bytes("Ke hoach"))], notify=False,
    )  # fmt: skip
    signoff = signoff_submit(actor=None, milestone=campaign.milestones.get(code="SK"), unit=nhabe).signoff
    ids = {"SUBMISSION": submission.pk, "RECEIPT": submission.receipt_number, "FILE": submission.files.get().pk,
           "SIGNOFF": signoff.pk}  # fmt: skip
    ids.update(route_ids(campaign, Unit.objects.get(code="HD-NHABE-01")))
    ids.update(practice_route_ids(campaign, Unit.objects.get(code="HD-NHABE-01")))
    ids["MESSAGE"] = message_id(campaign)
    ids["MAIL"] = mail_id()
    plan = (Path(__file__).resolve().parent.parent / "seed" / "ke-hoach-2023.txt").read_bytes()
    ids["DRAFT"] = draft_create(
        actor=_user("cnb", Role.COORDINATOR, nhabe), unit=nhabe, filename="kh.txt", data=plan
    ).pk
    people = {
        "outsider": _user("x"),
        "officer_q1": _user("o1", Role.OFFICER, tree["QD1"]),
        "viewer_nhabe": _user("vn", Role.VIEWER, nhabe),
        "coordinator": _user("c", Role.COORDINATOR, tree["TD"]),
    }
    return {"ids": ids, "people": people}


def _user(username, role=None, unit=None):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-1")
    if role:
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


def _url(name: str, ids: dict) -> str:
    kwargs, _method = ROUTES[name]
    return reverse(name, kwargs={k: ids.get(v, v) for k, v in kwargs.items()})


FIELDS: dict[tuple[str, str], list[str]] = {}


def _fields(client: Client, url: str, key: tuple[str, str]) -> list[str]:
    """The names of the page's form fields (what a browser would post back), and the buttons', read
    once per page and persona."""
    if key not in FIELDS:
        with transaction.atomic():
            response = client.get(url)
            transaction.set_rollback(True)
        page = ""
        if response.status_code == 200 and not getattr(response, "streaming", False):
            page = response.content.decode("utf-8", "replace")
        FIELDS[key] = sorted({*NAME.findall(page), *BUTTONS} - {"csrfmiddlewaretoken"})
    return FIELDS[key]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTES))
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
def test_no_generated_input_is_a_500(walk, name, data):
    who = data.draw(st.sampled_from(PEOPLE if name not in PUBLIC else ["anonymous", "coordinator"]), label="who")
    client = Client()
    if who != "anonymous":
        client.force_login(walk["people"][who])
    url = _url(name, walk["ids"])
    query = data.draw(st.dictionaries(st.sampled_from(QUERY), values, max_size=4), label="query")
    post = ROUTES[name][1] == "post" or data.draw(st.booleans(), label="post")
    with coverage_paused(), transaction.atomic():
        if post:
            fields = _fields(client, url, (name, who))
            form = data.draw(st.dictionaries(st.sampled_from(fields), values, min_size=1, max_size=8), label="form")
            response = client.post(f"{url}?{urlencode(query)}", form)
        else:
            response = client.get(url, query)
        assert response.status_code < 500
        transaction.set_rollback(True)


# The values that broke something once, or would: a number too large, a non-number, a NUL, an
# impossible or far-away date, markup, a long text.
SWEEP = ["-1", "1.5", "12345678901234567890", "a\x00b", "31/12/9999", "2023-02-30", "<script>x</script>", "x" * 5000]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_every_parameter_and_field_takes_each_hostile_value(walk, name):
    """Deterministic sweep: every query parameter at once, then every form field at once, set to each
    hostile value, as the coordinator (who reaches every page) or a visitor on public pages."""
    who = "anonymous" if name in PUBLIC else "coordinator"
    client = Client()
    if who != "anonymous":
        client.force_login(walk["people"][who])
    url = _url(name, walk["ids"])
    fields = _fields(client, url, (name, who))
    for value in SWEEP:
        with coverage_paused(), transaction.atomic():
            if ROUTES[name][1] == "get":
                assert client.get(url, dict.fromkeys(QUERY, value)).status_code < 500, value
            assert client.post(url, dict.fromkeys(fields, value)).status_code < 500, value
            transaction.set_rollback(True)
