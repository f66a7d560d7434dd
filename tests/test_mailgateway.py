"""The mail gateway's reading and filing: Vietnamese names, forwarded mail, winmail.dat, oversize
and duplicate messages, unknown senders, ambiguous milestones, the 11:00 boundary judged by the
time the message reached our server, and the coordinator's decisions in triage."""

from __future__ import annotations

import datetime as dt
import hashlib
from email.message import EmailMessage

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from thidua.core import files
from thidua.core.errors import Refused
from thidua.core.models import AuditEntry, OutboundEmail
from thidua.demo.submissions import pdf_bytes
from thidua.mailgateway import parsing, services
from thidua.mailgateway.models import InboundMessage
from thidua.submissions.models import Submission

from .mailfixtures import UNIT_ADDRESS, forwarded, mime, rfc2047_attachment, winmail, with_winmail
from .test_submissions_services import LOCMEM, add_officer, make_campaign, vn

Status = InboundMessage.Status


@pytest.fixture
def gw(tree, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = LOCMEM
    campaign = make_campaign(tree)
    tree["QD1"].emails = f"{UNIT_ADDRESS.upper()}, vanphong.q1@tphcm.gov.vn"
    tree["QD1"].save()
    tree["HD-NHABE"].emails = "huyendoan.nhabe@tphcm.gov.vn"
    tree["HD-NHABE"].save()
    return campaign


def receive(raw: bytes, at: dt.datetime | None = None) -> InboundMessage:
    message, created = services.inbound_receive(
        raw=raw, received_at=at or vn(2023, 5, 2, 9, 0), source=InboundMessage.Source.SMTP
    )
    assert created
    services.inbound_process(message=message)
    message.refresh_from_db()
    return message


def test_a_plan_from_a_known_address_is_filed_with_a_receipt_by_reply(gw):
    message = receive(mime())
    assert message.status == Status.FILED, message.reason
    submission = message.submission
    assert (submission.unit.code, submission.milestone.code, submission.version) == ("QD1", "KH", 1)
    assert submission.files.get().name == "Kế hoạch Quận 1.pdf"
    assert submission.received_at == vn(2023, 5, 2, 9, 0) and submission.on_time
    # The raw message is kept under its hash, outside any public path.
    assert files.path_for(message.sha256).read_bytes() == services.raw_bytes(message)
    assert str(files.path_for(message.sha256)).startswith(str(files.root()))
    reply = mail.outbox[-1]
    assert UNIT_ADDRESS in reply.to and submission.receipt_number in reply.subject
    # Threaded under the unit's own mail in its mail program.
    assert message.message_id.startswith("<")
    assert reply.extra_headers["In-Reply-To"] == reply.extra_headers["References"] == message.message_id
    sha = hashlib.sha256(pdf_bytes("Ke hoach Quan 1")).hexdigest()
    assert sha in reply.body
    assert "On time." in reply.body or "Đúng hạn." in reply.body
    assert OutboundEmail.objects.filter(key=f"mailgateway:{message.pk}:filed", sent_at__isnull=False).exists()
    actions = set(AuditEntry.objects.filter(object_id=str(message.pk)).values_list("action", flat=True))
    assert {"mail.receive", "mail.file"} <= actions


def test_the_11_00_deadline_is_judged_by_the_arrival_at_our_server(gw):
    early = receive(mime(subject="Kế hoạch", files=[("a.pdf", pdf_bytes("a"))]), at=vn(2023, 5, 6, 10, 59, 59, 999999))
    late = receive(mime(subject="Kế hoạch", files=[("b.pdf", pdf_bytes("b"))]), at=vn(2023, 5, 6, 11, 0, 0))
    assert early.submission.on_time
    assert not late.submission.on_time and late.submission.version == 2
    assert "Late by" in mail.outbox[-1].body or "Trễ" in mail.outbox[-1].body


def test_the_same_bytes_twice_are_one_message_and_a_resend_is_a_duplicate(gw):
    raw = mime(message_id="<same@tphcm.gov.vn>")
    first = receive(raw)
    again, created = services.inbound_receive(raw=raw, received_at=vn(2023, 5, 3), source="imap")
    assert not created and again.pk == first.pk
    # The same message through another route (one more Received: header): same Message-ID.
    copy = receive(b"Received: from relay.example.vn\r\n" + raw)
    assert copy.status == Status.DUPLICATE and copy.submission_id == first.submission_id
    # A new e-mail with the very same files: nothing new filed, the sender told so.
    resent = receive(mime(subject="Gửi lại kế hoạch"))
    assert resent.status == Status.DUPLICATE and first.submission.receipt_number in resent.reason
    assert Submission.objects.filter(unit__code="QD1").count() == 1


def test_vietnamese_names_in_rfc2047_and_rfc2231(gw):
    raw = rfc2047_attachment(
        sender="VANPHONG.Q1@tphcm.gov.vn", subject="Báo cáo sơ kết", name="Báo cáo sơ kết Q1.pdf", data=pdf_bytes("sk")
    )
    message = receive(raw)
    assert message.status == Status.FILED, message.reason
    assert message.from_name == "Đoàn Phường Bến Nghé" and message.subject == "Báo cáo sơ kết"
    assert message.submission.milestone.code == "SK"
    assert message.submission.files.get().name == "Báo cáo sơ kết Q1.pdf"
    rfc2231 = parsing.parse(mime(files=[("Tổng kết – đợt 1.pdf", pdf_bytes("x"))]))
    assert rfc2231.attachments[0].name == "Tổng kết – đợt 1.pdf"


def test_a_forwarded_message_files_its_attachments_when_the_forwarder_is_known(gw):
    inner = mime(sender="Bí thư <bithu.q1@gmail.com>", subject="Báo cáo sơ kết", files=[("sk.pdf", pdf_bytes("sk"))])
    message = receive(forwarded(forwarder=f"Văn phòng <{UNIT_ADDRESS}>", inner=inner))
    assert message.status == Status.FILED, message.reason
    assert message.submission.milestone.code == "SK"


def test_a_message_forwarded_from_an_unknown_address_goes_to_triage_with_the_unit_suggested(gw):
    inner = mime(subject="Báo cáo sơ kết", files=[("sk.pdf", pdf_bytes("sk"))])
    message = receive(forwarded(forwarder="someone@gmail.com", inner=inner))
    assert message.status == Status.TRIAGE and "forwarded" in message.reason.lower() or "chuyển tiếp" in message.reason
    assert [u.code for u in message.candidate_units.all()] == ["QD1"]
    assert mail.outbox[-1].to == ["someone@gmail.com"]


def test_winmail_dat_is_opened(gw):
    tnef = winmail([("bao-cao-so-ket.pdf", pdf_bytes("tnef"))])
    message = receive(with_winmail(sender=UNIT_ADDRESS, subject="Báo cáo sơ kết", tnef=tnef))
    assert message.status == Status.FILED, message.reason
    assert message.submission.files.get().name == "bao-cao-so-ket.pdf"
    assert message.attachments[0]["tnef"] is True


def test_an_unreadable_winmail_dat_goes_to_triage_with_an_explanation(gw):
    message = receive(with_winmail(sender=UNIT_ADDRESS, subject="Báo cáo sơ kết", tnef=b"\x78\x9f\x3e\x22garbage"))
    assert message.status == Status.TRIAGE
    assert "winmail.dat" in message.reason
    assert "winmail.dat" in mail.outbox[-1].body


def test_an_oversize_message_is_kept_and_goes_to_triage(gw, settings):
    settings.MAIL_MAX_BYTES = 50_000
    message = receive(mime(files=[("lon.pdf", pdf_bytes("x") + b"%" * 60_000)]))
    assert message.status == Status.TRIAGE and "MB" in message.reason
    assert message.size > 50_000 and services.raw_bytes(message) is not None
    with pytest.raises(Refused):
        services.inbound_file(
            actor=None, message=message, unit=message.unit or gw.issuer_unit, milestone=gw.milestones.first()
        )


def vi(msgid: str) -> str:
    """The start of a message as the sender reads it (in Vietnamese), up to its first placeholder."""
    with translation.override("vi"):
        return gettext(msgid).split("%(")[0].split("“")[0][:40]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (mime(sender="la@gmail.com"), "The sender's address %(address)s is not in the unit directory."),
        (mime(files=[]), "The message has no attached file."),
        (
            mime(subject="Gửi văn bản", body="Kính gửi", files=[("van-ban.pdf", pdf_bytes("v"))]),
            "It is not clear which document this is (%(titles)s): write its name (plan, mid-term report, final "
            "report) in the subject.",
        ),
        (
            mime(files=[("virus.exe", b"MZ...")]),
            "“%(name)s”: only PDF, DOC/DOCX, XLS/XLSX, ODT/ODS, JPEG and PNG files are accepted.",
        ),
        (
            mime(files=[("gia.pdf", b"not a pdf")]),
            "“%(name)s” is not a real .%(ext)s file (its content does not match its name). Save it again as "
            ".%(ext)s and resend it.",
        ),
    ],
    ids=["unknown sender", "no attachment", "two milestones", "refused type", "mislabelled"],
)
def test_anything_unsure_goes_to_triage_and_the_sender_is_told(gw, raw, reason):
    message = receive(raw)
    assert message.status == Status.TRIAGE
    assert vi(reason) in message.reason or vi(reason.split("”", 1)[-1]) in message.reason
    assert Submission.objects.count() == 0
    reply = mail.outbox[-1]
    assert reply.to == [message.from_address]
    assert message.reason in reply.body


def test_two_units_with_one_address_go_to_triage(gw, tree):
    tree["HD-NHABE"].emails = UNIT_ADDRESS
    tree["HD-NHABE"].save()
    message = receive(mime())
    assert message.status == Status.TRIAGE
    assert {u.code for u in message.candidate_units.all()} == {"QD1", "HD-NHABE"}


def test_the_nearest_open_milestone_decides_only_when_it_is_the_only_one_open(gw):
    after_plan = receive(
        mime(subject="Gửi văn bản", body="Kính gửi", files=[("v.pdf", pdf_bytes("1"))]), at=vn(2023, 5, 10)
    )
    assert after_plan.status == Status.FILED and after_plan.submission.milestone.code == "SK"


def test_a_campaign_not_under_way_is_not_a_candidate(gw, tree):
    later = make_campaign(tree, slug="nam-sau")
    year = dt.timedelta(days=364)
    later.period_start, later.period_end = later.period_start + year, later.period_end + year
    later.save()
    for milestone in later.milestones.all():
        milestone.deadline += year
        milestone.save()
    # The same "Kế hoạch" exists in both; in 2024 only the second campaign is under way.
    message = receive(mime(subject="Kế hoạch tổ chức"), at=vn(2024, 5, 1, 9, 0))
    assert message.status == Status.FILED and message.submission.milestone.campaign == later


def test_automatic_messages_are_never_answered(gw):
    message = receive(mime(sender="MAILER-DAEMON@tphcm.gov.vn", headers={"Auto-Submitted": "auto-replied"}))
    assert message.status == Status.TRIAGE and mail.outbox == []


def test_the_coordinator_files_a_message_from_triage_judged_by_its_arrival(gw, personas, tree):
    message = receive(mime(sender="la@gmail.com", subject="Kế hoạch"), at=vn(2023, 5, 6, 10, 30))
    mail.outbox.clear()
    submission = services.inbound_file(
        actor=personas["coordinator"], message=message, unit=tree["QD1"], milestone=gw.milestones.get(code="KH")
    )
    message.refresh_from_db()
    assert message.status == Status.FILED and message.decided_by == personas["coordinator"]
    assert submission.on_time and submission.received_at == vn(2023, 5, 6, 10, 30)
    assert "la@gmail.com" in mail.outbox[-1].to and submission.receipt_number in mail.outbox[-1].subject
    assert AuditEntry.objects.filter(action="mail.file", actor=personas["coordinator"]).exists()
    with pytest.raises(Refused):
        services.inbound_file(
            actor=personas["coordinator"], message=message, unit=tree["QD1"], milestone=gw.milestones.get(code="KH")
        )


MIXED = [
    ("Kế hoạch Quận 1.pdf", pdf_bytes("Ke hoach Quan 1")),
    ("Kế hoạch Quận 1.docx", pdf_bytes("Ke hoach Quan 1, ban Word")),  # a PDF under a .docx name
    ("Phụ lục.pdf", pdf_bytes("Phu luc")),
]


def _filed_state():
    return (Submission.objects.count(), AuditEntry.objects.filter(action="mail.file").count(), len(mail.outbox))


def test_each_attachment_comes_with_the_file_checks_verdict(gw):
    message = receive(mime(subject="Kế hoạch", files=MIXED))
    assert message.status == Status.TRIAGE  # one file refused: nothing filed by itself
    choices = services.attachment_choices(services.attachments_of(message))
    assert [(c.index, c.name, bool(c.refusal)) for c in choices] == [
        (0, "Kế hoạch Quận 1.pdf", False),
        (1, "Kế hoạch Quận 1.docx", True),
        (2, "Phụ lục.pdf", False),
    ]
    with translation.override("vi"):
        choices = services.attachment_choices(services.attachments_of(message))
    assert choices[1].refusal.startswith("Tệp “Kế hoạch Quận 1.docx” không thực sự là tệp .docx")


def test_the_coordinator_files_only_the_attachments_ticked(gw, personas, tree):
    message = receive(mime(sender="la@gmail.com", subject="Kế hoạch", files=MIXED), at=vn(2023, 5, 6, 10, 30))
    mail.outbox.clear()
    coordinator, kh = personas["coordinator"], gw.milestones.get(code="KH")
    submission = services.inbound_file(
        actor=coordinator, message=message, unit=tree["QD1"], milestone=kh, chosen=[2, 0, 2]
    )
    assert [f.name for f in submission.files.all()] == ["Kế hoạch Quận 1.pdf", "Phụ lục.pdf"]
    assert submission.on_time and submission.received_at == vn(2023, 5, 6, 10, 30)
    message.refresh_from_db()
    assert message.status == Status.FILED and message.submission == submission
    entry = AuditEntry.objects.get(action="mail.file", actor=coordinator)
    assert entry.changes["files"] == [None, ["Kế hoạch Quận 1.pdf", "Phụ lục.pdf"]]
    assert entry.changes["files_not_filed"] == [None, ["Kế hoạch Quận 1.docx"]]
    reply = mail.outbox[-1]
    assert (
        "la@gmail.com" in reply.to
        and "Kế hoạch Quận 1.docx" in reply.body
        and "cán bộ điều phối đã bỏ ra" in reply.body
    )


@pytest.mark.parametrize(
    ("chosen", "refusal"),
    [
        ([], "Hãy đánh dấu ít nhất một tệp đính kèm"),
        ([3], "Thư không có tệp đính kèm này"),
        ([-1, 0], "Thư không có tệp đính kèm này"),
        ([0, 1], "không thực sự là tệp .docx"),  # a file the checks refuse is refused when ticked anyway
    ],
    ids=["none", "beyond the last", "negative", "a refused file"],
)
def test_a_wrong_choice_of_attachments_files_nothing(gw, personas, tree, chosen, refusal):
    message = receive(mime(sender="la@gmail.com", subject="Kế hoạch", files=MIXED))
    before = _filed_state()
    with translation.override("vi"), pytest.raises(Refused, match=refusal):
        services.inbound_file(
            actor=personas["coordinator"], message=message, unit=tree["QD1"], milestone=gw.milestones.get(code="KH"),
            chosen=chosen,
        )  # fmt: skip
    message.refresh_from_db()
    assert message.status == Status.TRIAGE and _filed_state() == before


def test_filing_every_attachment_lists_them_all_in_the_audit(gw, personas, tree):
    files = [("a.pdf", pdf_bytes("a")), ("b.pdf", pdf_bytes("b"))]
    message = receive(mime(sender="la@gmail.com", subject="Kế hoạch", files=files))
    services.inbound_file(
        actor=personas["coordinator"], message=message, unit=tree["QD1"], milestone=gw.milestones.get(code="KH")
    )
    entry = AuditEntry.objects.get(action="mail.file")
    assert entry.changes["files"] == [None, ["a.pdf", "b.pdf"]] and "files_not_filed" not in entry.changes
    assert "bỏ ra" not in mail.outbox[-1].body


def test_the_coordinator_rejects_with_a_reason_the_sender_receives(gw, personas):
    message = receive(mime(sender="la@gmail.com"))
    with pytest.raises(Refused):
        services.inbound_reject(actor=personas["coordinator"], message=message, reason="  ")
    services.inbound_reject(
        actor=personas["coordinator"], message=message, reason="Không phải văn bản của đợt thi đua."
    )
    message.refresh_from_db()
    assert message.status == Status.REJECTED
    assert "Không phải văn bản" in mail.outbox[-1].body
    assert AuditEntry.objects.filter(action="mail.reject", reason__startswith="Không phải").exists()


def test_a_message_that_cannot_be_read_never_crashes_the_run(gw, monkeypatch):
    message, _ = services.inbound_receive(raw=mime(), received_at=vn(2023, 5, 2), source="smtp")

    def broken(raw):
        raise RuntimeError("bug")

    monkeypatch.setattr(parsing, "parse", broken)
    for _attempt in range(services.MAX_ATTEMPTS):
        assert services.inbound_process_pending() == 0
    message.refresh_from_db()
    assert message.status == Status.TRIAGE and message.attempts >= services.MAX_ATTEMPTS


def test_parsing_is_bounded(settings):
    settings.MAIL_MAX_ATTACHMENTS = 3
    many = parsing.parse(mime(files=[(f"{i}.pdf", pdf_bytes(str(i))) for i in range(5)]))
    assert len(many.attachments) == 3 and many.problems
    boundary = b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
    deep = b"From: a@b.vn\r\nSubject: s\r\n" + boundary * 500 + b"text\r\n"
    assert parsing.parse(deep).problems
    assert parsing.parse(b"\x00\xff garbage").problems == [] or True  # never raises
    html = parsing.html_to_text("<p>Báo cáo <b>sơ kết</b></p><script>x()</script>")
    assert html == "Báo cáo sơ kết"


def test_an_officers_own_address_names_the_unit(gw, tree):
    add_officer(tree["HD-NHABE"], "bithu_nhabe", email="BiThu.NhaBe@gmail.com")
    message = receive(mime(sender="Bí thư <bithu.nhabe@gmail.com>", subject="Kế hoạch"))
    assert message.status == Status.FILED and message.submission.unit.code == "HD-NHABE"


def test_a_deadline_date_in_the_subject_names_the_milestone(gw):
    message = receive(mime(subject="Văn bản nộp hạn 31/5", files=[("vb.pdf", pdf_bytes("31"))]))
    assert message.status == Status.FILED and message.submission.milestone.code == "SK"


def test_a_picture_inside_the_text_is_not_a_document():
    message = EmailMessage()
    message["From"] = UNIT_ADDRESS
    message["Subject"] = "Kế hoạch"
    message.set_content("Kính gửi")
    message.add_alternative('<p>Kính gửi</p><img src="cid:logo">', subtype="html")
    message.get_payload()[1].add_related(b"\x89PNG\r\n\x1a\nlogo", "image", "png", cid="<logo>", disposition="inline")
    message.add_attachment(pdf_bytes("kh"), maintype="application", subtype="pdf", filename="kh.pdf")
    parsed = parsing.parse(message.as_bytes())
    assert [a.name for a in parsed.attachments] == ["kh.pdf"]
    assert "Kính gửi" in parsed.body
