"""Demo e-mail for the mail gateway: a few believable messages, sent through the real pipeline
(stored, read, matched, filed or put in triage, answered), so that `make run` shows the triage
page with work in it: one late plan filed by itself, and messages waiting for the coordinator — an
unknown sender, a report without its attachment, a document that names no milestone, a report
with a second file that is not what its name says (the coordinator files the good one)."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from thidua.core import timeutils
from thidua.demo.directory import DEMO_DOMAIN
from thidua.demo.submissions import pdf_bytes
from thidua.mailgateway import services
from thidua.mailgateway.models import InboundMessage

GATEWAY = "bcnld.thanhdoan@tphcm.gov.vn"

# (hours ago, sender, subject, body, files)
MESSAGES = [
    (
        26,
        f"Văn phòng Quận Đoàn 8 <qd8@{DEMO_DOMAIN}>",
        "Kế hoạch tổ chức đợt thi đua cao điểm - Quận Đoàn 8",
        "Kính gửi Ban Công nhân lao động Thành Đoàn,\n\nQuận Đoàn 8 xin gửi kế hoạch tổ chức đợt thi đua "
        "(đính kèm). Đơn vị xin lỗi vì gửi trễ hạn.\n\nTrân trọng,\nVăn phòng Quận Đoàn 8",
        [("Kế hoạch thi đua Quận Đoàn 8.pdf", "Ke hoach thi dua Quan Doan 8")],
    ),
    (
        20,
        "Nguyễn Văn An <nguyenvanan.doanphuong@gmail.com>",
        "Fwd: Kế hoạch tổ chức đợt thi đua của Đoàn phường",
        "Dạ em gửi kế hoạch của Đoàn phường ạ. Em dùng mail cá nhân vì mail đơn vị bị lỗi.\n\nNguyễn Văn An",
        [("KH thi dua Doan phuong.pdf", "Ke hoach Doan phuong")],
    ),
    (
        9,
        f"Quận Đoàn 4 <qd4@{DEMO_DOMAIN}>",
        "Báo cáo sơ kết - Quận Đoàn 4",
        "Kính gửi Ban Công nhân lao động,\n\nQuận Đoàn 4 xin gửi báo cáo sơ kết đợt thi đua.\n\nTrân trọng.",
        [],
    ),
    (
        5,
        f"Quận Đoàn 5 <qd5@{DEMO_DOMAIN}>",
        "Gửi văn bản",
        "Kính gửi Ban Công nhân lao động,\n\nQuận Đoàn 5 gửi văn bản đính kèm.\n\nTrân trọng.",
        [("Văn bản QĐ5.pdf", "Van ban Quan Doan 5")],
    ),
    (
        2,
        f"Quận Đoàn 6 <qd6@{DEMO_DOMAIN}>",
        "Báo cáo sơ kết Quận Đoàn 6",
        "Kính gửi Ban Công nhân lao động,\n\nĐính kèm báo cáo sơ kết của Quận Đoàn 6 (bản PDF và bản Word).",
        # The PDF, and the same PDF saved under a .docx name: the coordinator files the first only.
        [("Báo cáo sơ kết QĐ6.pdf", "Bao cao so ket QD6"), ("Báo cáo sơ kết QĐ6.docx", None)],
    ),
]


def message_bytes(*, sender: str, subject: str, body: str, files, at: dt.datetime) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = GATEWAY
    message["Subject"] = subject
    message["Date"] = format_datetime(timeutils.local(at))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">"))
    message.set_content(body)
    for name, text in files:
        data = pdf_bytes(text or name)
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return message.as_bytes()


def build(now: dt.datetime | None = None) -> dict[str, int]:
    """Receive and read the demo messages; counts by outcome."""
    now = now or timeutils.now()
    for hours, sender, subject, body, files in MESSAGES:
        at = now - dt.timedelta(hours=hours)
        raw = message_bytes(sender=sender, subject=subject, body=body, files=files, at=at)
        message, _created = services.inbound_receive(raw=raw, received_at=at, source=InboundMessage.Source.DEMO)
        services.inbound_process(message=message)
    counts: dict[str, int] = {}
    for status in InboundMessage.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts
