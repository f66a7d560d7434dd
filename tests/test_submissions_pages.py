"""The unit portal through its pages: sending documents and receipts, refusals, who may see and do
what (guessing ids included), reviews, extensions, registrations, the board and its downloads."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from thidua.campaigns.models import Campaign
from thidua.core import files
from thidua.core.models import AuditEntry, Notification, StoredFile
from thidua.demo.submissions import pdf_bytes
from thidua.submissions import services
from thidua.submissions.models import (
    DeadlineException,
    Registration,
    RegistrationRevision,
    Review,
    Submission,
    SubmissionFile,
)
from thidua.units.models import Role, RoleAssignment, Unit

from .conftest import verified_login
from .test_submissions_files import docx_bytes, files_under, png_bytes, xlsx_bytes
from .test_submissions_services import LOCMEM, make_campaign, submit, vn

SLUG = "thu-nghiem"


def url(name, *args):
    return reverse(f"submissions:{name}", args=[SLUG, *args])


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def at(instant):
    """Travel the server's clock to an instant (frozen)."""
    return time_machine.travel(instant.astimezone(dt.UTC), tick=False)


@pytest.fixture
def site(tree, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = LOCMEM
    campaign = make_campaign(tree)
    Unit.objects.filter(code="QD1").update(emails="quandoan1@example.vn")
    tree["QD1"].refresh_from_db()
    return {"tree": tree, "p": personas, "campaign": campaign, "kh": campaign.milestones.get(code="KH"),
            "sk": campaign.milestones.get(code="SK"), "root": tmp_path}  # fmt: skip


@pytest.fixture
def nhabe_sent(site):
    """HD-NHABE's plan, version 1, on time."""
    return submit(site["kh"], site["tree"]["HD-NHABE"], site["p"]["officer_nhabe"], vn(2023, 5, 5, 9),
                  [("Kế hoạch Nhà Bè.pdf", pdf_bytes("Ke hoach Nha Be"))], notify=False)  # fmt: skip


def _state():
    """Everything a version, a review or an exception could change."""
    return (
        list(Submission.objects.order_by("pk").values()),
        list(SubmissionFile.objects.order_by("pk").values()),
        list(StoredFile.objects.order_by("pk").values_list("sha256", "size")),
        list(Review.objects.order_by("pk").values()),
        list(DeadlineException.objects.order_by("pk").values()),
        list(RegistrationRevision.objects.order_by("pk").values()),
    )


# --- sending a document ---------------------------------------------------------------------------


def test_an_officer_sends_files_and_gets_a_receipt_to_the_second(site, client_for):
    client = client_for(site["p"]["officer_q1"])
    page = client.get(url("milestone", "SK", "QD1"))
    assert page.status_code == 200 and "Gửi văn bản" in page.content.decode()
    docs = [
        upload("Báo cáo sơ kết.docx", docx_bytes()),
        upload("Phụ lục.xlsx", xlsx_bytes()),
        upload("scan.png", png_bytes()),
    ]
    with at(vn(2023, 5, 31, 10, 59, 59, 999000)):
        response = client.post(url("milestone", "SK", "QD1"), {"files": docs, "note": "Bản chính thức"})
    s = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == url("receipt", s.receipt_number)
    assert [f.name for f in s.files.all()] == ["Báo cáo sơ kết.docx", "Phụ lục.xlsx", "scan.png"]
    assert s.created_by == site["p"]["officer_q1"] and s.on_time

    receipt = client.get(response["Location"]).content.decode()
    assert "BIÊN NHẬN VĂN BẢN" in receipt and s.receipt_number in receipt
    assert "10:59:59 thứ Tư 31/05/2023" in receipt and "Đúng hạn." in receipt
    assert hashlib.sha256(docx_bytes()).hexdigest() in receipt
    assert f"Đã nhận văn bản. Số biên nhận {s.receipt_number}." in receipt
    # E-mailed to the unit and in the officer's notifications.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["quandoan1@example.vn"]
    assert s.receipt_number in mail.outbox[0].subject and "10:59:59" in mail.outbox[0].body
    assert Notification.objects.get(user=site["p"]["officer_q1"]).url == url("receipt", s.receipt_number)


def test_eleven_sharp_through_the_page_is_late_and_the_receipt_says_so(site, client_for):
    client = client_for(site["p"]["officer_q1"])
    with at(vn(2023, 5, 31, 11, 0, 0, 0)):
        response = client.post(url("milestone", "SK", "QD1"), {"files": [upload("a.pdf", pdf_bytes("a"))]})
    receipt = client.get(response["Location"]).content.decode()
    assert "11:00:00 thứ Tư 31/05/2023" in receipt and "Trễ hạn" in receipt and "Đúng hạn." not in receipt
    page = client.get(url("milestone", "SK", "QD1")).content.decode()
    assert "trễ hạn" in page and "Phiên bản 1" in page


BAD_UPLOADS = [
    ([("ke-hoach.pdf", png_bytes())], "ke-hoach.pdf"),
    ([("bao-cao.docx", xlsx_bytes())], "bao-cao.docx"),
    ([("chuong-trinh.exe", b"MZ\x90\x00")], "chuong-trinh.exe"),
    ([("ghi-chu.txt", b"hello")], "ghi-chu.txt"),
    ([("lon.pdf", pdf_bytes("x") + b"0" * 5000)], "lon.pdf"),
    ([("trong.pdf", b"")], "trong.pdf"),
    ([("tot.pdf", pdf_bytes("tot")), ("xau.docx", png_bytes())], "xau.docx"),
]


@pytest.mark.parametrize(("uploads", "named"), BAD_UPLOADS)
def test_a_refused_upload_through_the_page_shows_why_and_stores_nothing(site, client_for, settings, uploads, named):
    settings.SUBMISSION_MAX_FILE_BYTES = 4000
    client = client_for(site["p"]["officer_q1"])
    response = client.post(url("milestone", "SK", "QD1"), {"files": [upload(n, d) for n, d in uploads]})
    assert response.status_code == 200
    assert f"“{named}”" in response.content.decode()
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists() and not StoredFile.objects.exists()
    assert files_under(site["root"]) == []
    assert mail.outbox == []


def test_a_second_sending_through_the_page_adds_a_version(site, client_for):
    client = client_for(site["p"]["officer_q1"])
    with at(vn(2023, 5, 30, 9)):
        client.post(url("milestone", "SK", "QD1"), {"files": [upload("v1.pdf", pdf_bytes("v1"))]})
    v1 = Submission.objects.get()
    before = (Submission.objects.filter(pk=v1.pk).values().get(), list(v1.files.values_list("name", "stored__sha256")))
    with at(vn(2023, 6, 1, 9)):
        response = client.post(url("milestone", "SK", "QD1"), {"files": [upload("v1.pdf", pdf_bytes("v2"))]})
    v2 = Submission.objects.get(version=2)
    assert response["Location"] == url("receipt", v2.receipt_number) != url("receipt", v1.receipt_number)
    assert (
        Submission.objects.filter(pk=v1.pk).values().get(),
        list(v1.files.values_list("name", "stored__sha256")),
    ) == before
    assert files.path_for(before[1][0][1]).read_bytes() == pdf_bytes("v1")
    page = client.get(url("milestone", "SK", "QD1")).content.decode()
    assert "Phiên bản 2" in page and "Phiên bản 1" in page


# --- nothing deletes or edits a version -----------------------------------------------------------


def _all_urls(submission):
    return [
        url("milestone", "KH", "HD-NHABE"), url("exception", "KH", "HD-NHABE"), url("review", submission.pk),
        url("receipt", submission.receipt_number), url("download", submission.files.get().pk), url("board"),
        url("board_export"), url("milestone_zip", "KH"), url("registration", "HD-NHABE"), url("registration_board"),
    ]  # fmt: skip


@pytest.mark.parametrize("method", ["delete", "put", "patch"])
def test_no_url_deletes_or_edits_a_version(site, nhabe_sent, client_for, method):
    before = _state()
    for who in ("officer_nhabe", "coordinator"):
        client = client_for(site["p"][who])
        for address in _all_urls(nhabe_sent):
            response = getattr(client, method)(address)
            assert response.status_code in (403, 404, 405), (who, address, response.status_code)
    assert _state() == before


def test_read_only_urls_refuse_post(site, nhabe_sent, client_for):
    client = client_for(site["p"]["coordinator"])
    before = _state()
    for address in [url("receipt", nhabe_sent.receipt_number), url("download", nhabe_sent.files.get().pk), url("board"),
                    url("board_export"), url("milestone_zip", "KH"), url("registration_board")]:  # fmt: skip
        assert client.post(address).status_code == 405, address
    assert _state() == before


@pytest.fixture
def admin_client_(client, db):
    admin = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "pw-for-tests-1")
    return verified_login(client, admin)


def test_the_admin_refuses_to_change_or_delete_a_version(site, nhabe_sent, admin_client_):
    before = _state()
    base = f"/quan-tri/submissions/submission/{nhabe_sent.pk}"
    assert admin_client_.get("/quan-tri/submissions/submission/").status_code == 200
    assert admin_client_.get(f"{base}/delete/").status_code == 403
    assert admin_client_.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client_.post(f"{base}/change/", {"status": "accepted", "version": 9}).status_code == 403
    assert admin_client_.get("/quan-tri/submissions/submission/add/").status_code == 403
    response = admin_client_.post(
        "/quan-tri/submissions/submission/",
        {"action": "delete_selected", "_selected_action": [nhabe_sent.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    # The files and their storage are not in the admin at all.
    assert admin_client_.get("/quan-tri/submissions/submissionfile/").status_code == 404
    assert admin_client_.get("/quan-tri/submissions/storedfile/").status_code == 404
    assert _state() == before


def test_the_admin_cannot_grant_or_withdraw_exceptions_behind_the_audit_trail(site, nhabe_sent, admin_client_):
    """Extensions and exemptions go through the campaign pages, which audit and notify."""
    exception = services.deadline_exception_set(
        actor=site["p"]["coordinator"], milestone=site["kh"], unit=site["tree"]["QD1"], kind="exemption", reason="Lý do"
    )
    before = _state()
    base = "/quan-tri/submissions/deadlineexception"
    assert admin_client_.get(f"{base}/add/").status_code == 403
    assert admin_client_.post(f"{base}/{exception.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client_.post(f"{base}/{exception.pk}/change/", {"kind": "extension"}).status_code == 403
    assert _state() == before


# --- access ---------------------------------------------------------------------------------------


def test_an_officer_cannot_read_or_send_for_another_district_even_guessing_ids(site, nhabe_sent, client_for):
    client = client_for(site["p"]["officer_q1"])
    before = _state()
    file_id = nhabe_sent.files.get().pk
    guesses = [
        url("milestone", "KH", "HD-NHABE"), url("milestone", "SK", "HD-NHABE"), url("milestone", "TK", "HD-NHABE"),
        url("milestone", "kh", "QD1"), url("milestone", "KH", "HD-NHABE-01"),
        url("receipt", nhabe_sent.receipt_number), url("receipt", f"20230505-{nhabe_sent.pk + 1:06d}"),
        url("download", file_id), url("download", file_id + 1), url("download", 999999),
        url("registration", "HD-NHABE"), url("board") + "?don-vi=HD-NHABE", url("board_export") + "?don-vi=HD-NHABE",
        url("milestone_zip", "KH") + "?don-vi=HD-NHABE", url("registration_board") + "?don-vi=HD-NHABE",
        reverse("submissions:receipt", args=["khong-co", nhabe_sent.receipt_number]),
    ]  # fmt: skip
    for address in guesses:
        assert client.get(address).status_code == 404, address
    posts = [
        (url("milestone", "KH", "HD-NHABE"), {"files": [upload("gia.pdf", pdf_bytes("gia mao"))]}),
        (url("review", nhabe_sent.pk), {"decision": "accepted"}),
        (url("review", nhabe_sent.pk + 1000), {"decision": "accepted"}),
        (url("exception", "KH", "HD-NHABE"), {"kind": "exemption", "reason": "x"}),
        (url("registration", "HD-NHABE"), {"note": "gia mao"}),
    ]
    for address, data in posts:
        assert client.post(address, data).status_code == 404, address
    assert _state() == before
    assert files_under(site["root"]) == [
        str(files.path_for(nhabe_sent.files.get().stored.sha256).relative_to(site["root"]))
    ]


def test_units_own_officer_cannot_review_or_grant_and_steering_only_reads(site, nhabe_sent, client_for):
    before = _state()
    client = client_for(site["p"]["officer_nhabe"])
    assert client.get(url("milestone", "KH", "HD-NHABE")).status_code == 200
    assert client.post(url("review", nhabe_sent.pk), {"decision": "accepted"}).status_code == 403
    assert (
        client.post(
            url("exception", "KH", "HD-NHABE"),
            {"kind": "extension", "new_deadline": "2023-06-30T11:00", "reason": "Tự gia hạn"},
        ).status_code
        == 403
    )
    client = client_for(site["p"]["steering"])
    assert client.get(url("board")).status_code == 200
    page = client.get(url("milestone", "KH", "HD-NHABE"))
    assert page.status_code == 200 and "Xét duyệt phiên bản này" not in page.content.decode()
    assert "Gửi văn bản" not in page.content.decode() and "Gia hạn hoặc miễn nộp" not in page.content.decode()
    assert client.post(url("review", nhabe_sent.pk), {"decision": "accepted"}).status_code == 403
    assert client.post(url("exception", "KH", "HD-NHABE"), {"kind": "exemption", "reason": "x"}).status_code == 403
    assert (
        client.post(url("milestone", "KH", "HD-NHABE"), {"files": [upload("x.pdf", pdf_bytes("x"))]}).status_code == 403
    )
    client = client_for(site["p"]["viewer_q1"])
    assert client.post(url("milestone", "KH", "QD1"), {"files": [upload("x.pdf", pdf_bytes("x"))]}).status_code == 403
    assert _state() == before


def test_files_download_only_to_those_who_see_the_unit_as_attachments(site, nhabe_sent, client_for, client):
    item = nhabe_sent.files.get()
    address = url("download", item.pk)
    assert client.get(address).status_code == 302  # anonymous: sign in first
    for who in ("officer_nhabe", "coordinator", "steering"):
        response = client_for(site["p"][who]).get(address)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == pdf_bytes("Ke hoach Nha Be")
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20Nh%C3%A0%20B%C3%A8.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
    for who in ("officer_q1", "viewer_q1", "outsider"):
        assert client_for(site["p"][who]).get(address).status_code == 404, who
    assert client_for(site["p"]["coordinator"]).head(address).status_code == 200  # no bytes handed out
    # Each download is in the audit trail, with the file's hash; the refusals and the HEAD are not.
    entries = AuditEntry.objects.filter(action=services.FILE_DOWNLOAD).order_by("id")
    assert [e.actor for e in entries] == [site["p"][who] for who in ("officer_nhabe", "coordinator", "steering")]
    assert {(e.object_type, e.object_id) for e in entries} == {("submissions.submission", str(nhabe_sent.pk))}
    assert entries[0].changes == {
        "campaign": [None, SLUG],
        "milestone": [None, "KH"],
        "unit": [None, "HD-NHABE"],
        "receipt": [None, nhabe_sent.receipt_number],
        "version": [None, 1],
        "file": [None, "Kế hoạch Nhà Bè.pdf"],
        "size": [None, len(pdf_bytes("Ke hoach Nha Be"))],
        "sha256": [None, hashlib.sha256(pdf_bytes("Ke hoach Nha Be")).hexdigest()],
    }
    # Nothing under MEDIA_ROOT is reachable by a public URL.
    assert (
        client_for(site["p"]["coordinator"]).get(f"/_private-files/sha256/{item.stored.sha256[:2]}/").status_code == 404
    )


# --- review loop through the pages ------------------------------------------------------------------


def test_review_loop_through_the_pages(site, client_for):
    unit = site["tree"]["QD1"]
    officer, coordinator = site["p"]["officer_q1"], site["p"]["coordinator"]
    v1 = submit(site["sk"], unit, officer, vn(2023, 5, 30, 9), notify=False)
    client = client_for(coordinator)
    page = url("milestone", "SK", "QD1")

    response = client.post(url("review", v1.pk), {"decision": "supplement", "comment": "  "}, follow=True)
    assert "Vui lòng ghi rõ nội dung cần bổ sung." in response.content.decode()
    v1.refresh_from_db()
    assert v1.status == "received" and not Review.objects.exists()

    comment = "Văn bản chưa có chữ ký và dấu của đơn vị."
    response = client.post(url("review", v1.pk), {"decision": "supplement", "comment": comment}, follow=True)
    text = response.content.decode()
    assert "Đã ghi nhận kết quả xét duyệt" in text and "Yêu cầu bổ sung" in text and comment in text
    board = client.get(url("board")).content.decode()
    assert 'title="Yêu cầu bổ sung"' in board
    assert Notification.objects.filter(user=officer, text__contains=comment).exists()

    officer_client = client_for(officer)
    officer_page = officer_client.get(page).content.decode()
    assert "Đơn vị điều phối yêu cầu bổ sung:" in officer_page and comment in officer_page
    with at(vn(2023, 6, 1, 9)):
        officer_client.post(page, {"files": [upload("da-ky.pdf", pdf_bytes("da ky"))], "note": "Đã bổ sung chữ ký"})
    v2 = Submission.objects.get(version=2)
    assert v2.answers.comment == comment
    assert "trả lời yêu cầu" in officer_client.get(page).content.decode()

    client = client_for(coordinator)
    response = client.post(url("review", v1.pk), {"decision": "accepted"}, follow=True)
    assert "phiên bản mới hơn" in response.content.decode()
    v1.refresh_from_db()
    assert v1.status == "supplement"
    client.post(url("review", v2.pk), {"decision": "accepted"})
    v2.refresh_from_db()
    assert v2.status == "accepted"
    assert "Đã duyệt" in client.get(page).content.decode()
    assert 'title="Đã duyệt"' in client.get(url("board")).content.decode()
    assert AuditEntry.objects.filter(action="submission.review", actor=coordinator).count() == 2


def test_the_coordinator_grants_an_extension_in_ho_chi_minh_city_time(site, client_for):
    import os
    import time

    client = client_for(site["p"]["coordinator"])
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        response = client.post(
            url("exception", "SK", "QD1"),
            {"kind": "extension", "new_deadline": "2023-06-02T11:00", "reason": ""},
            follow=True,
        )
        assert not DeadlineException.objects.exists()
        response = client.post(
            url("exception", "SK", "QD1"), {"kind": "extension", "new_deadline": "2023-06-02T11:00", "reason": "Lãnh đạo đi công tác"},
            follow=True,
        )  # fmt: skip
    finally:
        if previous is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous
        time.tzset()
    assert "Đã lưu và thông báo cho đơn vị." in response.content.decode()
    exception = DeadlineException.objects.get()
    assert exception.new_deadline == vn(2023, 6, 2, 11, 0) and exception.granted_by == site["p"]["coordinator"]
    page = response.content.decode()
    assert "11:00 thứ Sáu 02/06/2023" in page and "đã gia hạn" in page and "Lãnh đạo đi công tác" in page
    assert "⏱ 02/06/2023" in client.get(url("board")).content.decode()
    client.post(url("exception", "SK", "HD-NHABE"), {"kind": "exemption", "reason": "Mới thành lập"})
    board = client.get(url("board")).content.decode()
    assert 'title="Mới thành lập">miễn nộp' in board


# --- registration through the pages ----------------------------------------------------------------


def _commitment_fields(campaign, **values):
    return {f"i_{campaign.indicators.get(code=k).pk}": v for k, v in values.items()}


def test_officer_registers_and_revises_and_every_revision_stays(site, client_for):
    campaign = site["campaign"]
    client = client_for(site["p"]["officer_q1"])
    address = url("registration", "QD1")
    with at(vn(2023, 4, 28, 9)):
        assert (
            client.post(address, {"note": "Đăng ký", **_commitment_fields(campaign, CT1="20", CT2="85.5")}).status_code
            == 302
        )
    with at(vn(2023, 5, 2, 9)):
        client.post(address, {"note": "Điều chỉnh", **_commitment_fields(campaign, CT1="30", CT2="90")})
        page = client.get(address).content.decode()
    assert "lần điều chỉnh 2" in page and "Lần điều chỉnh 1" in page
    first = RegistrationRevision.objects.get(number=1)
    assert {c.indicator.code: str(c.value) for c in first.commitments.all()} == {"CT1": "20.00", "CT2": "85.50"}
    assert "85,5" in page and "30" in page
    with at(vn(2023, 5, 3, 9)):
        response = client.post(address, {"note": "", **_commitment_fields(campaign, CT1="5", CT2="120")})
    assert response.status_code == 200 and RegistrationRevision.objects.count() == 2


def test_after_the_registration_deadline_the_officer_is_refused_and_the_coordinator_registers_on_behalf(
    site, client_for
):
    campaign = site["campaign"]
    Campaign.objects.filter(pk=campaign.pk).update(registration_deadline=vn(2023, 5, 5, 17))
    address = url("registration", "QD1")
    officer = client_for(site["p"]["officer_q1"])
    with at(vn(2023, 5, 6, 9)):
        page = officer.get(address).content.decode()
        assert "Đã hết hạn đăng ký; chỉ đơn vị điều phối còn có thể đăng ký thay cho đơn vị." in page
        assert '<form method="post" novalidate>' not in page
        assert officer.post(address, _commitment_fields(campaign, CT1="10")).status_code == 403
        assert not Registration.objects.exists()
        coordinator = client_for(site["p"]["coordinator"])
        assert (
            coordinator.post(address, {"note": "Nhập thay", **_commitment_fields(campaign, CT1="10")}).status_code
            == 302
        )
        page = coordinator.get(address).content.decode()
    revision = RegistrationRevision.objects.get()
    assert revision.on_behalf and revision.created_by == site["p"]["coordinator"]
    assert "do đơn vị điều phối nhập" in page


def test_registration_board_counts_by_subtree(site, client_for):
    campaign = site["campaign"]
    services.registration_save(
        actor=site["p"]["officer_q1"], campaign=campaign, unit=site["tree"]["QD1"],
        commitments={campaign.indicators.get(code="CT1"): 5}, now=vn(2023, 5, 1),
    )  # fmt: skip
    client = client_for(site["p"]["coordinator"])
    page = client.get(url("registration_board")).content.decode()
    assert "1/3 đơn vị đã đăng ký" in page
    not_yet = client.get(url("registration_board") + "?trang-thai=chua-dang-ky").content.decode()
    assert "Huyện Đoàn Nhà Bè" in not_yet and "Quận Đoàn 1" not in not_yet.split("<tbody>")[1]
    assert "0/1 đơn vị đã đăng ký" in client.get(url("registration_board") + "?don-vi=HD-NHABE").content.decode()
    officer_view = client_for(site["p"]["officer_q1"]).get(url("registration_board")).content.decode()
    assert "1/1 đơn vị đã đăng ký" in officer_view and "Nhà Bè" not in officer_view


# --- the board and its downloads ---------------------------------------------------------------------


@pytest.fixture
def mixed(site):
    """SK: QD1 on time (two versions), HD-NHABE late, BCNLD exempted. KH: nothing, all missing."""
    tree, p, sk = site["tree"], site["p"], site["sk"]
    q1_v1 = submit(sk, tree["QD1"], p["officer_q1"], vn(2023, 5, 30, 9),
                   [("bao-cao.pdf", pdf_bytes("q1 v1")), ("bao-cao.pdf", pdf_bytes("q1 phu luc"))], notify=False)  # fmt: skip
    q1_v2 = submit(
        sk, tree["QD1"], p["officer_q1"], vn(2023, 6, 1, 9), [("bao-cao.pdf", pdf_bytes("q1 v2"))], notify=False
    )
    nhabe = submit(
        sk,
        tree["HD-NHABE"],
        p["officer_nhabe"],
        vn(2023, 5, 31, 11, 0, 5),
        [("nb.docx", docx_bytes("nb"))],
        notify=False,
    )
    services.deadline_exception_set(
        actor=p["coordinator"], milestone=sk, unit=tree["BCNLD"], kind="exemption", reason="Mới thành lập", notify=False
    )
    return {"q1_v1": q1_v1, "q1_v2": q1_v2, "nhabe": nhabe}


def test_board_page_shows_counts_rates_and_filters(site, mixed, client_for):
    client = client_for(site["p"]["steering"])
    page = client.get(url("board")).content.decode()
    sk_card = page.split("Báo cáo sơ kết</strong>")[1].split("</article>")[0]
    assert "100 %" in sk_card and "50 %" in sk_card  # received 2/2, on time 1/2 (BCNLD exempted)
    assert '<dt>phải nộp</dt><dd class="num">2</dd>' in sk_card
    assert '<dt>miễn nộp</dt><dd class="num">1</dd>' in sk_card
    table = page.split("<tbody>")[1]
    assert all(name in table for name in ("Quận Đoàn 1", "Huyện Đoàn Nhà Bè", "Ban Công nhân lao động Thành Đoàn"))
    districts = client.get(url("board") + "?loai=quan-huyen").content.decode().split("<tbody>")[1]
    assert "Quận Đoàn 1" in districts and "Ban Công nhân lao động" not in districts
    one = client.get(url("board") + "?don-vi=QD1").content.decode().split("<tbody>")[1]
    assert "Quận Đoàn 1" in one and "Nhà Bè" not in one
    late_only = client.get(url("board") + "?tinh-trang=late").content.decode().split("<tbody>")[1]
    assert "Huyện Đoàn Nhà Bè" in late_only and "Quận Đoàn 1" not in late_only


def test_board_export_has_one_row_per_unit_with_statuses(site, mixed, client_for):
    Unit.objects.filter(code="HD-NHABE").update(emails="nhabe@example.vn, vanphong.nhabe@example.vn")
    response = client_for(site["p"]["coordinator"]).get(url("board_export"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:4] == ["Mã đơn vị", "Đơn vị", "Loại", "E-mail"]
    units = {}
    for row in rows[1:]:
        if not row[0]:
            break
        units[row[0]] = row
    assert set(units) == {"BCNLD", "QD1", "HD-NHABE"}
    sk = header.index("Báo cáo sơ kết: tình trạng")
    kh = header.index("Kế hoạch tổ chức: tình trạng")
    assert {code: row[sk] for code, row in units.items()} == {
        "QD1": "Đúng hạn",
        "HD-NHABE": "Trễ hạn",
        "BCNLD": "Miễn nộp",
    }
    assert {row[kh] for row in units.values()} == {"Chưa nộp (quá hạn)"}
    assert units["QD1"][sk + 1] == dt.datetime(2023, 5, 30, 9, 0) and units["QD1"][sk + 2] == 2
    # The e-mail column, to write to the units that are behind from one's own mail client.
    assert units["HD-NHABE"][3] == "nhabe@example.vn, vanphong.nhabe@example.vn"
    assert any("phải nộp 2, đã nộp 2" in str(cell) for row in rows for cell in row)
    filtered = client_for(site["p"]["coordinator"]).get(url("board_export") + "?loai=quan-huyen")
    codes = [
        r[0] for r in load_workbook(io.BytesIO(filtered.content)).active.iter_rows(min_row=2, values_only=True) if r[0]
    ]
    assert sorted(codes) == ["HD-NHABE", "QD1"]


def test_milestone_zip_has_every_file_and_a_manifest(site, mixed, client_for):
    response = client_for(site["p"]["coordinator"]).get(url("milestone_zip", "SK"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len(names) == len(set(names)), "two files of one version must not share a name in the ZIP"
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert {"unit_code", "version", "received_at", "sha256", "on_time"} <= set(manifest[0])
    assert len(manifest) == 4  # QD1 v1 (2 files), QD1 v2, HD-NHABE v1
    for row in manifest:
        data = archive.read(row["file"])
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
    by = {(r["unit_code"], r["version"], r["sha256"]): r for r in manifest}
    q1 = by[("QD1", "1", hashlib.sha256(pdf_bytes("q1 v1")).hexdigest())]
    assert q1["on_time"] == "yes" and q1["received_at"] == "2023-05-30T09:00:00+07:00"
    assert q1["receipt"] == mixed["q1_v1"].receipt_number
    assert by[("HD-NHABE", "1", hashlib.sha256(docx_bytes("nb")).hexdigest())]["on_time"] == "no"
    assert {r["unit_code"] for r in manifest} == {"QD1", "HD-NHABE"}
    # The download is in the audit trail: who, which deadline and subtree, and what the archive held
    # (the SHA-256 of its "name sha256" lines, which the manifest lets anyone recompute).
    [entry] = AuditEntry.objects.filter(action=services.ZIP_DOWNLOAD)
    listing = "".join(f"{r['file']} {r['sha256']}\n" for r in manifest).encode()
    assert (entry.actor, entry.object_type, entry.object_id) == (
        site["p"]["coordinator"],
        "campaigns.milestone",
        str(site["sk"].pk),
    )
    assert entry.changes == {
        "campaign": [None, SLUG],
        "milestone": [None, "SK"],
        "unit": [None, "TD"],
        "file": [None, f"{SLUG}-SK-TD.zip"],
        "files": [None, 4],
        "listing_sha256": [None, hashlib.sha256(listing).hexdigest()],
    }
    # An officer gets the files of its own subtree only.
    own = client_for(site["p"]["officer_q1"]).get(url("milestone_zip", "SK"))
    rows = list(
        csv.DictReader(
            io.StringIO(
                zipfile.ZipFile(io.BytesIO(b"".join(own.streaming_content))).read("manifest.csv").decode("utf-8-sig")
            )
        )
    )
    assert {r["unit_code"] for r in rows} == {"QD1"}
    latest = AuditEntry.objects.filter(action=services.ZIP_DOWNLOAD).latest("id")
    assert (latest.actor, latest.changes["unit"], latest.changes["files"]) == (
        site["p"]["officer_q1"],
        [None, "QD1"],
        [None, 3],
    )


def test_seed_campaign_board_filters_by_kind_group(seed_campaign, demo_tree, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = get_user_model().objects.create_user(username="bcd", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=user, unit=demo_tree["TD"], role=Role.STEERING)
    client = client_for(user)
    address = reverse("submissions:board", args=[seed_campaign.slug])
    departments = client.get(address + "?loai=ban").content.decode().split("<tbody>")[1]
    assert "Ban Công nhân lao động" in departments and "Quận Đoàn 1" not in departments
    direct = client.get(address + "?loai=truc-thuoc").content.decode().split("<tbody>")[1]
    assert "Quận Đoàn 1" in direct and "Ban Công nhân lao động" not in direct


# --- messages to the units that are behind ----------------------------------------------------------


def test_the_coordinator_writes_to_the_units_missing_a_report(site, nhabe_sent, client):
    from thidua.core import outbox
    from thidua.core.models import Notification
    from thidua.submissions.models import UnitMessage

    client.force_login(site["p"]["coordinator"])
    filters = {"moc": "KH", "tinh-trang": "missing"}
    with at(vn(2023, 5, 8, 9)):  # after the plan's deadline: Nhà Bè sent it, the others did not
        board = client.get(url("board"), filters)
        assert url("message_new") + "?moc=KH" in board.content.decode()  # from the board, with its filters
        page = client.get(url("message_new"), filters)
        names = [r.unit.code for r in page.context["recipients"]]
        assert "HD-NHABE" not in names and "QD1" in names
        form = page.context["form"]
        data = {"subject": form.initial["subject"], "body": form.initial["body"]}
        preview = client.post(url("message_new") + "?moc=KH&tinh-trang=missing", data | {"preview": "1"})
        assert preview.context["preview"][0].startswith("Nhắc nộp Kế hoạch")
        bad = client.post(url("message_new") + "?moc=KH&tinh-trang=missing", {"subject": "x", "body": "{han_np}"})
        assert "{han_np}" in bad.content.decode() and not UnitMessage.objects.exists()
        mail.outbox.clear()
        response = client.post(url("message_new") + "?moc=KH&tinh-trang=missing", data | {"send": "1"})
    assert response.status_code == 302
    message = UnitMessage.objects.get()
    assert message.recipients.count() == len(names)
    outbox.outbox_deliver()
    outbox.outbox_deliver()  # run twice (a second worker, a retry): nothing goes out twice
    to_qd1 = [m for m in mail.outbox if "quandoan1@example.vn" in m.to]
    assert len(to_qd1) == 1 and "Quận Đoàn 1" in to_qd1[0].body and "/nop/KH/QD1/" in to_qd1[0].body
    assert Notification.objects.filter(user=site["p"]["officer_q1"], text__startswith="Nhắc nộp").count() == 1
    log = client.get(url("message", message.pk)).content.decode()
    assert "Quận Đoàn 1" in log and "đã gửi" in log
    client.force_login(site["p"]["steering"])
    assert client.get(url("message_new"), filters).status_code == 403


def test_the_board_and_a_message_can_be_limited_to_an_emulation_cluster(site, nhabe_sent, client):
    """A cluster (cụm thi đua) filters the board, its totals, and the units a message goes to."""
    from thidua.campaigns.models import Cluster

    campaign = site["campaign"]
    Cluster.objects.create(campaign=campaign, code="C1", name="Cụm quận trung tâm", unit_codes=["QD1", "HD-NHABE"])
    client.force_login(site["p"]["coordinator"])
    with at(vn(2023, 5, 8, 9)):
        page = client.get(url("board"), {"cum": "C1"})
        assert "Cụm quận trung tâm" in page.content.decode()
        board = page.context["board"]
        assert {u.code for u, _cells in board.rows} == {"QD1", "HD-NHABE"}
        assert board.summaries[0].listed == 2  # the totals are the cluster's
        message = client.get(url("message_new"), {"cum": "C1", "moc": "KH", "tinh-trang": "missing"})
    assert [r.unit.code for r in message.context["recipients"]] == ["QD1"]
    assert "Cụm quận trung tâm" in message.context["label"]


def test_a_message_can_go_to_a_pasted_list_of_unit_codes(site, nhabe_sent, client):
    """Codes pasted from a spreadsheet (any separator, any case); unknown ones are named."""
    client.force_login(site["p"]["coordinator"])
    assert 'name="ma"' in client.get(url("board")).content.decode()  # the list's box, on the board
    with at(vn(2023, 5, 8, 9)):
        page = client.get(url("message_new"), {"ma": "qd1;\nHD-NHABE  XYZ-9"})
    assert {r.unit.code for r in page.context["recipients"]} == {"QD1", "HD-NHABE"}
    assert "XYZ-9" in page.context["label"]


def test_a_coordinator_sending_too_many_messages_is_refused_and_nothing_more_goes_out(site, client, settings):
    """The hourly limit per coordinator: past it, a clear message and no record, e-mail or notice;
    a preview still works, and another coordinator is not held back."""
    from thidua.core.models import OutboundEmail
    from thidua.submissions.models import UnitMessage

    settings.RATE_LIMITS = settings.RATE_LIMITS | {"unit-message-user": "2/3600"}
    address = url("message_new") + "?moc=KH&tinh-trang=missing"
    data = {"subject": "Nhắc nộp {bao_cao}", "body": "Kính gửi {don_vi}, đề nghị gửi trước {han_nop}."}
    client.force_login(site["p"]["coordinator"])
    with at(vn(2023, 5, 8, 9, 30)):
        counts = []
        for _n in range(2):
            assert client.post(address, data | {"send": "1"}).status_code == 302
            counts.append((UnitMessage.objects.count(), OutboundEmail.objects.count(), Notification.objects.count()))
        first, sent = counts
        assert first[1] >= 1 and first[2] >= 1  # Quận Đoàn 1's address and its officer
        assert sent == (2, 2 * first[1], 2 * first[2])
        refused = client.post(address, data | {"send": "1"})
        assert refused.status_code == 200
        assert "Anh/chị đã gửi nhiều tin trong một giờ qua" in refused.content.decode()
        assert (UnitMessage.objects.count(), OutboundEmail.objects.count(), Notification.objects.count()) == sent
        preview = client.post(address, data | {"preview": "1"})
        assert preview.status_code == 200 and preview.context["preview"][0] == "Nhắc nộp Kế hoạch tổ chức"
        other = get_user_model().objects.create_user(username="coordinator2", password="pw-for-tests-1")
        RoleAssignment.objects.create(user=other, unit=site["tree"]["TD"], role=Role.COORDINATOR)
        client.force_login(other)
        assert client.post(address, data | {"send": "1"}).status_code == 302
    assert UnitMessage.objects.count() == 3 and UnitMessage.objects.filter(sent_by=other).count() == 1


def test_the_not_registered_audience_is_the_expected_units_without_a_registration(site, client):
    """?chua-dang-ky=1: every unit some milestone expects (so: that registers) and that has not
    registered for this campaign — not the units no milestone expects, not another campaign's."""
    from thidua.campaigns.models import Milestone
    from thidua.submissions.models import UnitMessage

    tree, campaign = site["tree"], site["campaign"]
    # A third report from the grassroots units and one named branch widens who registers.
    Milestone.objects.create(
        campaign=campaign, code="CS", order=2, kind="other", title="Báo cáo cơ sở", deadline=site["sk"].deadline,
        scope_groups=["grassroots"], scope_unit_codes=["QD1-01-001"],
    )  # fmt: skip
    coordinator = site["p"]["coordinator"]
    for code in ("QD1", "QD1-01", "QD1-01-002"):  # QD1-01-002: registered, though nothing expects it
        Registration.objects.create(campaign=campaign, unit=tree[code])
    other = make_campaign(tree, slug="dot-khac")
    Registration.objects.create(campaign=other, unit=tree["BCNLD"])  # registered elsewhere only
    Unit.objects.filter(code="QD1-02").update(emails="benthanh@example.vn")
    client.force_login(coordinator)
    with at(vn(2023, 5, 8, 9)):
        page = client.get(url("message_new"), {"chua-dang-ky": "1"})
        only_kh = client.get(url("message_new"), {"chua-dang-ky": "1", "moc": "KH"})
    expected = ["BCNLD", "QD1-01-001", "QD1-02", "HD-NHABE", "HD-NHABE-01"]
    assert sorted(r.unit.code for r in page.context["recipients"]) == sorted(expected)
    assert "chưa đăng ký" in page.context["label"]
    assert page.context["chosen"] == "nhac-dang-ky"  # the registration reminder is the template offered
    assert sorted(r.unit.code for r in only_kh.context["recipients"]) == ["BCNLD", "HD-NHABE"]
    form = page.context["form"]
    with at(vn(2023, 5, 8, 9)):
        response = client.post(
            url("message_new") + "?chua-dang-ky=1",
            {"subject": form.initial["subject"], "body": form.initial["body"], "send": "1"},
        )
    assert response.status_code == 302
    message = UnitMessage.objects.get()
    assert sorted(message.recipients.values_list("unit__code", flat=True)) == sorted(expected)
    body = message.recipients.get(unit__code="QD1-02").email.body
    assert "Đoàn Phường Bến Thành" in body and "chưa đăng ký thi đua" in body
