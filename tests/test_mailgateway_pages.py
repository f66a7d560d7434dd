"""The mail triage pages: who sees which messages, the message's text shown escaped, one-click
filing with a unit picker and rejecting with a reason (the sender answered, the decision audited),
attachments as downloads only, and the coordinator's links to the page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from thidua.core.models import AuditEntry
from thidua.demo.submissions import pdf_bytes
from thidua.mailgateway.models import InboundMessage
from thidua.units.models import Role, RoleAssignment

from .mailfixtures import UNIT_ADDRESS, mime
from .test_mailgateway import receive
from .test_submissions_services import LOCMEM, make_campaign, vn

Status = InboundMessage.Status


@pytest.fixture
def gw(tree, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = LOCMEM
    campaign = make_campaign(tree)
    tree["QD1"].emails = UNIT_ADDRESS
    tree["QD1"].save()
    tree["HD-NHABE"].emails = "huyendoan.nhabe@tphcm.gov.vn"
    tree["HD-NHABE"].save()
    return campaign


@pytest.fixture
def messages(gw):
    return {
        "stranger": receive(
            mime(
                sender="Người lạ <nguoila@gmail.com>",
                subject="Gửi kế hoạch",
                body="<script>alert(1)</script> Kính gửi",
            )
        ),
        "q1_unclear": receive(mime(subject="Gửi hồ sơ", body="Kính gửi", files=[("vb.pdf", pdf_bytes("vb"))])),
        "nhabe_empty": receive(mime(sender="huyendoan.nhabe@tphcm.gov.vn", subject="Kế hoạch", files=[])),
        "filed": receive(mime(subject="Kế hoạch", files=[("kh.pdf", pdf_bytes("kh"))])),
    }


def coordinator_of(unit, username):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-1")
    RoleAssignment.objects.create(user=user, unit=unit, role=Role.COORDINATOR)
    return user


def test_the_city_coordinator_sees_every_waiting_message(client, personas, messages):
    client.force_login(personas["coordinator"])
    page = client.get(reverse("mailgateway:triage")).content.decode()
    assert "nguoila@gmail.com" in page and "Gửi hồ sơ" in page and "huyendoan.nhabe" in page
    assert "kh.pdf" not in page  # filed messages are under their own tab
    filed = client.get(reverse("mailgateway:triage"), {"status": "filed"}).content.decode()
    assert messages["filed"].submission.receipt_number in filed
    found = client.get(reverse("mailgateway:triage"), {"status": "", "q": "nha be"}).content.decode()
    assert "huyendoan.nhabe" in found and "nguoila" not in found


def test_a_district_coordinator_sees_only_its_units_messages(client, tree, messages):
    client.force_login(coordinator_of(tree["HD-NHABE"], "cnb"))
    page = client.get(reverse("mailgateway:triage")).content.decode()
    assert "huyendoan.nhabe" in page and "nguoila" not in page and "Gửi hồ sơ" not in page
    assert client.get(reverse("mailgateway:detail", args=[messages["q1_unclear"].pk])).status_code == 404
    assert client.get(reverse("mailgateway:detail", args=[messages["stranger"].pk])).status_code == 404


def test_officers_have_no_triage_page(client, personas, messages):
    client.force_login(personas["officer_q1"])
    assert client.get(reverse("mailgateway:triage")).status_code == 403
    assert client.get(reverse("mailgateway:detail", args=[messages["q1_unclear"].pk])).status_code == 404
    assert "Inbound e-mail" not in client.get(reverse("home")).content.decode()


def test_the_detail_shows_the_text_escaped_and_offers_the_unit(client, personas, messages):
    client.force_login(personas["coordinator"])
    page = client.get(reverse("mailgateway:detail", args=[messages["stranger"].pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    unclear = client.get(reverse("mailgateway:detail", args=[messages["q1_unclear"].pk])).content.decode()
    assert 'value="QD1 — Quận Đoàn 1"' in unclear and "vb.pdf" in unclear


def test_an_attachment_is_only_ever_a_download(client, personas, messages):
    client.force_login(personas["coordinator"])
    response = client.get(reverse("mailgateway:attachment", args=[messages["q1_unclear"].pk, 0]))
    assert response.status_code == 200 and response.content == pdf_bytes("vb")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("mailgateway:attachment", args=[messages["q1_unclear"].pk, 5])).status_code == 404


def test_one_click_filing_answers_the_sender_and_is_audited(client, personas, gw, messages):
    client.force_login(personas["coordinator"])
    message = messages["q1_unclear"]
    mail.outbox.clear()
    response = client.post(
        reverse("mailgateway:file", args=[message.pk]),
        {"unit": "QD1 — Quận Đoàn 1", "milestone": gw.milestones.get(code="SK").pk, "files": ["0"]},
        follow=True,
    )
    message.refresh_from_db()
    assert message.status == Status.FILED and message.submission.milestone.code == "SK"
    assert message.submission.received_at == message.received_at == vn(2023, 5, 2, 9, 0)
    assert message.submission.receipt_number in response.content.decode()
    assert UNIT_ADDRESS in mail.outbox[-1].to
    assert AuditEntry.objects.filter(action="mail.file", actor=personas["coordinator"]).exists()


def test_filing_refusals_are_messages_not_errors(client, personas, gw, messages, tree):
    client.force_login(personas["coordinator"])
    empty = messages["nhabe_empty"]
    url = reverse("mailgateway:file", args=[empty.pk])
    kh = gw.milestones.get(code="KH").pk
    page = client.post(url, {"unit": "HD-NHABE", "milestone": kh, "files": ["0"]}, follow=True).content.decode()
    with translation.override("vi"):
        refusal = gettext("The message has no attached file to file.")
    assert f'<p class="flash flash-error" role="status">{refusal}</p>' in page
    assert client.post(url, {"unit": "HD-NHABE", "milestone": "abc"}, follow=True).status_code == 200
    # A district coordinator may not file for a unit of another district.
    client.force_login(coordinator_of(tree["HD-NHABE"], "cnb"))
    other = client.post(url, {"unit": "QD1", "milestone": kh, "files": ["0"]})
    assert other.status_code == 403


def test_rejecting_needs_a_reason_and_tells_the_sender(client, personas, messages):
    client.force_login(personas["coordinator"])
    message = messages["stranger"]
    url = reverse("mailgateway:reject", args=[message.pk])
    client.post(url, {"reason": ""})
    message.refresh_from_db()
    assert message.status == Status.TRIAGE
    client.post(url, {"reason": "Địa chỉ không thuộc đơn vị nào."})
    message.refresh_from_db()
    assert message.status == Status.REJECTED and message.decided_by == personas["coordinator"]
    assert mail.outbox[-1].to == ["nguoila@gmail.com"] and "Địa chỉ không thuộc" in mail.outbox[-1].body


def test_the_coordinator_is_led_to_the_triage(client, personas, messages):
    client.force_login(personas["coordinator"])
    home = client.get(reverse("home")).content.decode()
    assert reverse("mailgateway:triage") in home
    assert '<span class="count">3</span>' in home


MIXED = [
    ("Báo cáo Quận 1.pdf", pdf_bytes("Bao cao Quan 1")),
    ("Báo cáo Quận 1.docx", pdf_bytes("Bao cao Quan 1, ban Word")),  # a PDF under a .docx name
    ("Phụ lục.pdf", pdf_bytes("Phu luc")),
]


def test_the_coordinator_ticks_the_attachments_to_file(client, personas, gw):
    """The files the checks accept are ticked; the one they refuse is shown disabled with the reason;
    only the ticked ones are filed, and the audit entry names them."""
    message = receive(mime(subject="Kế hoạch", files=MIXED))
    assert message.status == Status.TRIAGE
    client.force_login(personas["coordinator"])
    page = client.get(reverse("mailgateway:detail", args=[message.pk])).content.decode()
    assert "Tệp được tiếp nhận" in page
    assert '<input type="checkbox" name="files" value="0" checked>' in page
    assert '<input type="checkbox" name="files" value="2" checked>' in page
    assert '<input type="checkbox" name="files" value="1" disabled aria-describedby="file-why-1">' in page
    why = page.split('id="file-why-1"', 1)[1].split("</small>", 1)[0]
    assert "Không tiếp nhận được:" in why and "không thực sự là tệp .docx" in why
    url = reverse("mailgateway:file", args=[message.pk])
    response = client.post(url, {"unit": "QD1", "milestone": gw.milestones.get(code="KH").pk, "files": ["2"]})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Status.FILED
    assert [f.name for f in message.submission.files.all()] == ["Phụ lục.pdf"]
    entry = AuditEntry.objects.get(action="mail.file", actor=personas["coordinator"])
    assert entry.changes["files"] == [None, ["Phụ lục.pdf"]]
    assert entry.changes["files_not_filed"] == [None, ["Báo cáo Quận 1.pdf", "Báo cáo Quận 1.docx"]]


@pytest.mark.parametrize(
    ("files", "flash"),
    [
        ([], "Hãy đánh dấu ít nhất một tệp đính kèm để tiếp nhận."),
        (["7"], "Thư không có tệp đính kèm này."),
        (["abc"], "Thư không có tệp đính kèm này."),
        (["0", "1"], "không thực sự là tệp .docx"),
    ],
    ids=["none ticked", "not in the message", "not a number", "a refused file forced"],
)
def test_a_wrong_choice_of_attachments_is_a_message_and_files_nothing(client, personas, gw, files, flash):
    message = receive(mime(subject="Kế hoạch", files=MIXED))
    client.force_login(personas["coordinator"])
    url = reverse("mailgateway:file", args=[message.pk])
    data = {"unit": "QD1", "milestone": gw.milestones.get(code="KH").pk, "files": files}
    page = client.post(url, data, follow=True)
    assert page.status_code == 200 and flash in page.content.decode()
    message.refresh_from_db()
    assert message.status == Status.TRIAGE and not AuditEntry.objects.filter(action="mail.file").exists()


def test_a_message_whose_files_all_fail_the_checks_says_so(client, personas, gw):
    message = receive(mime(subject="Kế hoạch", files=[("virus.exe", b"MZ...")]))
    client.force_login(personas["coordinator"])
    page = client.get(reverse("mailgateway:detail", args=[message.pk])).content.decode()
    assert 'value="0" disabled' in page and "checked" not in page.split("mail-file-choice", 1)[1]
    assert "Không tệp đính kèm nào đạt yêu cầu kiểm tra tệp" in page
