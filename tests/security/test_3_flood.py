"""Finding 3 — anonymous flood: the initiative form took 613 submissions a minute from one client,
each sending a confirmation e-mail with the attacker's title and links from the official sender,
and stored attachments before anyone confirmed. Now: limits per address in the shared cache, at
most a few confirmation e-mails per address a day with nothing the sender typed, and no file from
a stranger until the address is confirmed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from thidua.core.models import OutboundEmail, StoredFile
from thidua.demo.submissions import pdf_bytes
from thidua.initiatives.models import Initiative

from ..test_initiatives_lifecycle import FORM
from ..test_initiatives_services import make_portal

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(seed_campaign, demo_tree, settings, tmp_path):
    return make_portal(seed_campaign, demo_tree, settings, tmp_path)


def _post(client, portal, **changes):
    data = FORM | {"unit": portal["units"]["QD1-01"].pk} | changes
    return client.post(reverse("initiatives:submit"), data)


def test_one_address_is_limited_per_hour(client, portal, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"initiative-ip": "3/3600"}
    statuses = [_post(client, portal, contact_email=f"a{n}@example.vn").status_code for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert Initiative.objects.count() == 3
    other = client.__class__(REMOTE_ADDR="10.9.8.7")
    assert _post(other, portal, contact_email="b@example.vn").status_code == 302  # another address is not


def test_at_most_three_confirmation_emails_to_one_address_a_day(client, portal, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"initiative-ip": "100/3600", "initiative-ip-day": "100/86400"}
    for _n in range(3):
        assert _post(client, portal, contact_email="Nan.Nhan@example.vn").status_code == 302
    refused = _post(client, portal, contact_email="nan.nhan@example.vn")
    assert refused.status_code == 200 and "Hôm nay đã có nhiều thư xác nhận" in refused.content.decode()
    assert len(mail.outbox) == 3 and Initiative.objects.count() == 3


def test_the_confirmation_email_carries_nothing_the_sender_typed(client, portal):
    title = "Nhận quà tại http://lua-dao.example/khuyen-mai ngay"
    assert _post(client, portal, title=title, contact_email="nan.nhan@example.vn").status_code == 302
    (message,) = mail.outbox
    assert "lua-dao" not in message.subject + message.body and title not in message.body
    links = [w for w in message.body.split() if "://" in w]
    assert len(links) == 1 and "/sang-kien/xac-nhan/" in links[0]


def test_a_stranger_s_files_are_refused_and_nothing_is_stored(client, portal, tmp_path):
    upload = SimpleUploadedFile("thuyet-minh.pdf", pdf_bytes("x"))
    response = client.post(
        reverse("initiatives:submit"), FORM | {"unit": portal["units"]["QD1-01"].pk, "files": upload}
    )
    assert response.status_code in (200, 302)
    assert not StoredFile.objects.exists() and not list(tmp_path.rglob("*.pdf"))
    big = SimpleUploadedFile("lon.pdf", pdf_bytes("x") + b"0" * 400_000)
    response = client.post(reverse("initiatives:submit"), FORM | {"unit": portal["units"]["QD1-01"].pk, "files": big})
    assert response.status_code == 413 and "Quá lớn" in response.content.decode()
    assert not StoredFile.objects.filter(size__gt=1000).exists()
    assert OutboundEmail.objects.count() <= 1  # at most the first form's confirmation
