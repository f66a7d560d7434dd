"""Finding 7 — 500s, some anonymous: `/sang-kien/?nam=10000`; a newline in an initiative title
(the row and files were already saved); `withdraw=abc`, `revoke=abc`; a 20-digit participant
count; on PostgreSQL, NUL bytes in `q`, `don-vi` and the URL path. Each is now a message or a
400, and nothing is half-saved. (tests/security/test_fuzz.py throws generated values at every
form and URL.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from thidua.initiatives.models import Initiative
from thidua.progress.models import ActivityEvent
from thidua.units.models import RoleAssignment

from ..test_initiatives_lifecycle import FORM
from ..test_initiatives_services import make_portal

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", ["10000", "0", "-1", "99999999999999999999", "２０２３", "abc"])
def test_the_gallery_takes_any_year(client, year):
    assert client.get("/sang-kien/", {"nam": year}).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/sang-kien/?q=a%00b", "/sang-kien/quan-ly/?don-vi=QD1%00", "/don-vi/QD1%00/", "/sang-kien/thu-vien/SK%00/"],
)
def test_nul_bytes_are_a_400_page(client, personas, url):
    client.force_login(personas["coordinator"])
    response = client.get(url)
    assert response.status_code == 400 and "Yêu cầu bị từ chối" in response.content.decode()


def test_a_nul_byte_in_a_form_is_refused_before_anything_is_saved(client, seed_campaign, demo_tree, settings, tmp_path):
    portal = make_portal(seed_campaign, demo_tree, settings, tmp_path)
    response = client.post(
        reverse("initiatives:submit"), FORM | {"unit": portal["units"]["QD1-01"].pk, "title": "a\x00b"}
    )
    assert response.status_code == 400 and not Initiative.objects.exists()


def test_a_newline_in_a_title_is_one_line_and_the_mail_goes_out(client, seed_campaign, demo_tree, settings, tmp_path):
    portal = make_portal(seed_campaign, demo_tree, settings, tmp_path)
    title = "Đặt lịch hẹn\r\nBcc: ai.do@example.vn\nqua Zalo"
    client.force_login(portal["p"]["author"])
    response = client.post(reverse("initiatives:submit"), FORM | {"unit": portal["units"]["QD1-01"].pk, "title": title})
    assert response.status_code == 302
    assert Initiative.objects.get().title == "Đặt lịch hẹn Bcc: ai.do@example.vn qua Zalo"


@pytest.mark.parametrize("bad", ["abc", "12345678901234567890", "1.5", "-3"])
def test_malformed_ids_in_buttons_are_messages(client, personas, bad):
    client.force_login(personas["coordinator"])
    response = client.post(reverse("units:roles", args=["QD1"]), {"revoke": bad})
    assert response.status_code == 302
    assert RoleAssignment.objects.count() == 5


def test_a_twenty_digit_participant_count_is_a_message(client, seed_campaign, demo_tree):
    from thidua.units.models import Role

    from ..test_initiatives_services import make_user

    client.force_login(make_user("cb", Role.OFFICER, demo_tree["QD1"]))
    activity = seed_campaign.activities.first()
    url = reverse("progress:events", args=[seed_campaign.slug, "QD1"])
    response = client.post(
        url, {"activity": activity.code, "date": "2023-05-20", "participants": "12345678901234567890"}
    )
    assert response.status_code in (200, 403)  # the form again with its message (or a closed campaign)
    assert not ActivityEvent.objects.exists()
    response = client.post(url, {"withdraw": "abc"})
    assert response.status_code in (302, 403) and not ActivityEvent.objects.exists()
