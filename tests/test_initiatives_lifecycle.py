"""An initiative's whole life through the portal's pages: an anonymous author submits it and
confirms the e-mail address, sees similar ideas, the coordinator assigns reviewers (a reviewer of
the author's own unit is refused), reviewers score, the council decides (not feasible without a
reason is refused), decisions are published in a batch, the authors are told, the initiative is
forwarded to city departments, one adopts it, results are recorded — and the campaign's
initiative indicators count it all."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from thidua.core.models import Notification
from thidua.demo.submissions import pdf_bytes
from thidua.initiatives.models import Agency, ApplicationResult, Forwarding, Initiative, ReviewAssignment

from .test_initiatives_services import at, make_portal, publish_feasible, submit, value, vn


@pytest.fixture(name="portal")
def portal_fixture(seed_campaign, demo_tree, settings, tmp_path):
    return make_portal(seed_campaign, demo_tree, settings, tmp_path)


FORM = {
    "title": "Hẹn giờ nộp hồ sơ qua Zalo để không phải xếp hàng ở Bộ phận một cửa",
    "field": "admin_reform",
    "problem": "Người dân xếp hàng lâu tại Bộ phận một cửa phường vào đầu tuần; nhiều người phải về vì hết số.",
    "solution": "Đặt lịch hẹn nộp hồ sơ qua Zalo OA của phường theo khung giờ 30 phút, nhắc lịch trước một ngày.",
    "benefit": "Thời gian chờ giảm từ khoảng 90 phút xuống dưới 20 phút.",
    "tried_at": "Khu phố 1, phường Bến Nghé, 3 tháng đầu năm 2023.",
    "authors": "Lê Minh Trí – chuyên viên Văn phòng UBND phường\nPhạm Ngọc Hân – công chức Tư pháp - Hộ tịch",
    "contact_email": "le.minh.tri@example.vn",
    "contact_phone": "0909 123 456",
    "show_authors": "on",
    "consent": "on",
}


def _link(body: str, kind: str) -> str:
    return re.search(rf"https?://[^/\s]+(/sang-kien/{kind}/[^\s]+/)", body).group(1)


def test_the_life_of_an_initiative_from_submission_to_adoption(client, portal):
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    Agency.objects.filter(name="Sở Nội vụ").update(email="snv@example.vn")
    snv = Agency.objects.get(name="Sở Nội vụ")
    tttt = Agency.objects.get(name="Sở Thông tin và Truyền thông")

    with at(vn(2023, 5, 8, 9), tick=True):
        # An earlier initiative on the same problem, already in the public gallery.
        earlier = publish_feasible(submit(campaign, u["QD1-02"], email="som@example.vn"), p["coordinator"])
        # Another author with an account, whose initiative will be published in the same batch.
        other = submit(campaign, u["HD-NHABE-01"], actor=p["author"], email="acc@example.vn",
                       title="Sổ tay điện tử cho tổ trưởng tổ dân phố", problem="Thông báo đến dân chậm.",
                       solution="Ứng dụng gửi thông báo và nhận phản ánh.")  # fmt: skip

    # 1. An anonymous author submits (files come after the address is confirmed).
    with at(vn(2023, 5, 10, 9), tick=True):
        page = client.get(reverse("initiatives:submit"))
        assert page.status_code == 200 and 'name="files"' not in page.content.decode()
        data = FORM | {"unit": u["QD1-01"].pk}
        mail.outbox.clear()
        response = client.post(reverse("initiatives:submit"), data)
        assert response.status_code == 302 and response["Location"] == reverse("initiatives:sent")
        initiative = Initiative.objects.get(contact_email="le.minh.tri@example.vn")
        assert initiative.status == "pending" and initiative.code is None and initiative.files.count() == 0
        assert value(campaign, "initiatives_submitted", u["QD1"]) == 1  # only the earlier one so far
        assert "le.minh.tri@example.vn" in client.get(reverse("initiatives:sent")).content.decode()

        # 2. … and confirms the e-mail address through the signed link.
        (message,) = mail.outbox
        assert message.to == ["le.minh.tri@example.vn"]
        response = client.get(_link(message.body, "xac-nhan"))
        assert response.status_code == 302
        initiative.refresh_from_db()
        assert initiative.status == "submitted" and initiative.code == "SK-2023-0003"
        # Sent without an account: not in the official figures until a coordinator has screened it.
        assert value(campaign, "initiatives_submitted", u["QD1"]) == 1
        track_url = _link(mail.outbox[-1].body, "theo-doi")
        assert response["Location"] == track_url

        # … and adds the attachment from the tracking page.
        upload = SimpleUploadedFile("thuyet-minh.pdf", pdf_bytes("Thuyet minh"))
        response = client.post(track_url, {"add_files": "1", "files": upload})
        assert response.status_code == 302 and initiative.files.count() == 1

        # 3. The tracking page shows the code and the similar initiative already in the gallery.
        page = client.get(track_url).content.decode()
        assert "SK-2023-0003" in page and earlier.title in page
        assert other.title not in page  # not public: never suggested to another author

    # 4. The coordinator screens it (now it counts), sees similar ideas and assigns reviewers; one of
    # the author's own unit is refused.
    client.force_login(p["coordinator"])
    detail = reverse("initiatives:detail", args=[initiative.code])
    listing = client.get(reverse("initiatives:list") + "?sang-loc=1").content.decode()
    assert initiative.code in listing and earlier.code not in listing
    assert client.post(reverse("initiatives:screen", args=[initiative.code])).status_code == 302
    assert value(campaign, "initiatives_submitted", u["QD1"]) == 2
    page = client.get(detail)
    assert page.status_code == 200 and earlier in [s.initiative for s in page.context["similar"]]
    assert "le.minh.tri@example.vn" in page.content.decode()  # contact data: for the coordinator
    assign = reverse("initiatives:assign", args=[initiative.code])
    response = client.post(assign, {"reviewers": [p["reviewer_qd1"].pk, p["reviewer_bcnld"].pk]}, follow=True)
    assert "Phan Văn Đức" in response.content.decode() and not ReviewAssignment.objects.filter(initiative=initiative)
    client.post(assign, {"reviewers": [p["reviewer_bcnld"].pk, p["reviewer_qd3"].pk]})
    assert set(initiative.reviews.values_list("reviewer__username", flat=True)) == {"tdinh1", "tdinh2"}
    assert Notification.objects.filter(user=p["reviewer_qd3"], text__contains=initiative.code).exists()

    # … asks the author a question, which the author answers through the tracking link.
    mail.outbox.clear()
    client.post(
        reverse("initiatives:ask", args=[initiative.code]), {"text": "Có số liệu thời gian chờ trước và sau không?"}
    )
    (message,) = mail.outbox
    assert message.to == ["le.minh.tri@example.vn"] and "Có số liệu thời gian chờ" in message.body
    assert _link(message.body, "theo-doi") == track_url
    question = initiative.questions.get()
    client.logout()
    client.post(track_url, {"question": question.pk, "answer": "Trước 85 phút, sau 18 phút."})
    question.refresh_from_db()
    assert question.answer == "Trước 85 phút, sau 18 phút." and question.answered_by is None
    assert Notification.objects.filter(user=p["coordinator"], url=detail, text__contains=initiative.code).exists()
    client.force_login(p["coordinator"])
    assert "Trước 85 phút, sau 18 phút." in client.get(detail).content.decode()

    # 5. The reviewers score the rubric; a reviewer of the author's unit is refused the page.
    score = reverse("initiatives:score", args=[initiative.code])
    for reviewer, base in ((p["reviewer_bcnld"], 8), (p["reviewer_qd3"], 6)):
        client.force_login(reviewer)
        assert client.get(score).status_code == 200
        bad = client.post(score, {"novelty": 11, "feasibility": base, "effectiveness": base, "scope": base,
                                  "cost": base, "comment": "Tốt"})  # fmt: skip
        assert bad.status_code == 200 and bad.context["form"].errors
        ok = client.post(score, {"novelty": base, "feasibility": base - 1, "effectiveness": base + 1,
                                 "scope": base, "cost": base, "comment": "Thiết thực, dễ nhân rộng."})  # fmt: skip
        assert ok.status_code == 302
    client.force_login(p["reviewer_qd1"])
    assert client.get(score).status_code == 403

    # 6. The coordinator sees the combined scores and decides.
    client.force_login(p["coordinator"])
    summary = client.get(detail).context["summary"]
    assert summary.scored == 2 and summary.mean == 7.0 and summary.spread == 2.0
    assert [c.mean for c in summary.criteria] == [7.0, 6.0, 8.0, 7.0, 7.0]
    decide = reverse("initiatives:decide", args=[initiative.code])
    response = client.post(decide, {"decision": "not_feasible", "reason": ""}, follow=True)
    initiative.refresh_from_db()
    assert initiative.decision == "" and response.status_code == 200
    client.post(decide, {"decision": "feasible", "reason": "Thiết thực, chi phí thấp."})
    client.post(reverse("initiatives:decide", args=[other.code]),
                {"decision": "not_feasible", "reason": "Trùng với ứng dụng của thành phố."})  # fmt: skip
    initiative.refresh_from_db()
    assert initiative.decision == "feasible" and initiative.status == "under_review"
    # Recorded, not published: the author does not see it yet.
    assert "Thiết thực, chi phí thấp." not in client.get(track_url).content.decode()
    listing = client.get(reverse("initiatives:list"), {"cho-cong-bo": "1"}).content.decode()
    assert initiative.code in listing and other.code in listing

    # 7. Both decisions are published in one batch; the authors are told.
    mail.outbox.clear()
    client.post(reverse("initiatives:publish"), {"code": [initiative.code, other.code]})
    initiative.refresh_from_db(), other.refresh_from_db()
    assert (initiative.status, other.status) == ("feasible", "not_feasible")
    assert {m.to[0] for m in mail.outbox} == {"le.minh.tri@example.vn", "acc@example.vn"}
    assert "Trùng với ứng dụng của thành phố." in next(m.body for m in mail.outbox if m.to == ["acc@example.vn"])
    assert Notification.objects.filter(user=p["author"], text__contains=other.code).exists()
    assert "Thiết thực, chi phí thấp." in client.get(track_url).content.decode()
    gallery = client.get(reverse("initiatives:gallery")).content.decode()
    assert initiative.title in gallery and other.title not in gallery
    assert value(campaign, "initiatives_feasible", u["QD1"]) == 2

    # 8. Forwarded to two departments, with a date to answer by.
    with at(vn(2023, 6, 12, 9), tick=True):
        mail.outbox.clear()
        client.post(reverse("initiatives:forward", args=[initiative.code]),
                    {"agencies": [snv.pk, tttt.pk], "respond_by": "2023-07-14", "note": "Kính đề nghị xem xét."})  # fmt: skip
    initiative.refresh_from_db()
    assert initiative.status == "forwarded" and initiative.forwardings.count() == 2
    assert any(m.to == ["snv@example.vn"] and initiative.title in m.body for m in mail.outbox)
    assert value(campaign, "initiatives_forwarded", u["QD1"]) == 1

    # 9. Sở Nội vụ adopts it; Sở TT&TT's decline needs its reason.
    fw_snv = Forwarding.objects.get(initiative=initiative, agency=snv)
    fw_tttt = Forwarding.objects.get(initiative=initiative, agency=tttt)
    with at(vn(2023, 7, 10, 9), tick=True):
        client.post(
            reverse("initiatives:respond", args=[fw_tttt.pk]), {"response": "decline", "response_date": "2023-07-08"}
        )
        fw_tttt.refresh_from_db()
        assert fw_tttt.response == ""
        client.post(reverse("initiatives:respond", args=[fw_snv.pk]),
                    {"response": "adopt", "response_date": "2023-07-08", "reason": "Áp dụng toàn thành phố."})  # fmt: skip
    initiative.refresh_from_db()
    assert initiative.status == "adopted"

    # 10. Later, the results of applying it.
    with at(vn(2023, 10, 16, 9), tick=True):
        client.post(reverse("initiatives:result", args=[fw_snv.pk]),
                    {"date": "2023-10-15", "text": "Áp dụng tại 12 phường; thời gian chờ còn 20 phút."})  # fmt: skip
    assert ApplicationResult.objects.get(forwarding=fw_snv).date == dt.date(2023, 10, 15)
    public = client.get(reverse("initiatives:public_detail", args=[initiative.code])).content.decode()
    assert "Áp dụng tại 12 phường" in public and "Sở Nội vụ" in public
    assert "Lê Minh Trí" in public  # the authors agreed to be named …
    assert "le.minh.tri@example.vn" not in public and "0909 123 456" not in public  # … never their contact

    # 11. The campaign counts it: Quận Đoàn 1 has two initiatives submitted, two feasible, one forwarded.
    assert value(campaign, "initiatives_submitted", u["QD1"]) == 2
    assert value(campaign, "initiatives_feasible", u["QD1"]) == 2
    assert value(campaign, "initiatives_forwarded", u["QD1"]) == 1
    assert value(campaign, "initiatives_submitted", u["HD-NHABE"]) == 1
    assert value(campaign, "initiatives_feasible", u["HD-NHABE"]) == 0
    dashboard = client.get(reverse("progress:indicator", args=[campaign.slug, "initiatives_submitted"]))
    assert dashboard.status_code == 200 and "Quận Đoàn 1" in dashboard.content.decode()

    # 12. The export lists it with the departments' answers.
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(client.get(reverse("initiatives:export")).content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[initiative.code][3] == initiative.get_status_display()
    assert "Sở Nội vụ" in rows[initiative.code][13]
