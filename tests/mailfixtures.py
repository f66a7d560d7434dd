"""Real MIME messages for the mail gateway's tests: Vietnamese names (RFC 2047 and RFC 2231),
forwarded messages, Outlook's winmail.dat, and the like."""

from __future__ import annotations

import base64
import datetime as dt
import struct
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from thidua.demo.submissions import pdf_bytes

UNIT_ADDRESS = "quandoan1@tphcm.gov.vn"
GATEWAY = "bcnld.thanhdoan@tphcm.gov.vn"


def mime(
    *,
    sender: str = f"Quận Đoàn 1 <{UNIT_ADDRESS}>",
    subject: str = "Kế hoạch tổ chức đợt thi đua",
    body: str = "Kính gửi Ban Công nhân lao động,\nQuận Đoàn 1 gửi văn bản đính kèm.",
    files: list[tuple[str, bytes]] | None = None,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A multipart message with attachments; non-ASCII file names are encoded by RFC 2231."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = GATEWAY
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="tphcm.gov.vn")
    message["Date"] = format_datetime(dt.datetime(2023, 5, 1, 2, 0, tzinfo=dt.UTC))
    for key, value in (headers or {}).items():
        message[key] = value
    message.set_content(body)
    for name, data in [("Kế hoạch Quận 1.pdf", pdf_bytes("Ke hoach Quan 1"))] if files is None else files:
        maintype, subtype = ("application", "pdf") if name.lower().endswith(".pdf") else ("application", "octet-stream")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes(policy=policy.SMTP)


def rfc2047_attachment(*, sender: str, subject: str, name: str, data: bytes) -> bytes:
    """An attachment named the way many webmail clients still do: an RFC 2047 encoded word inside
    the (quoted) filename parameter."""
    encoded = "=?utf-8?b?" + base64.b64encode(name.encode()).decode() + "?="
    display = "=?utf-8?b?" + base64.b64encode("Đoàn Phường Bến Nghé".encode()).decode() + "?="
    payload = base64.encodebytes(data).decode()
    return (
        f"From: {display} <{sender}>\r\n"
        f"To: {GATEWAY}\r\n"
        f"Subject: =?utf-8?q?{_q(subject)}?=\r\n"
        "Message-ID: <rfc2047@example.vn>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Gửi báo cáo.\r\n"
        f'--b1\r\nContent-Type: application/pdf; name="{encoded}"\r\n'
        f'Content-Disposition: attachment; filename="{encoded}"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{payload}\r\n--b1--\r\n"
    ).encode()


def _q(text: str) -> str:
    return "".join(chr(b) if chr(b).isalnum() and b < 128 else f"={b:02X}" for b in text.encode())


def forwarded(*, forwarder: str, inner: bytes, subject: str = "Fwd: Báo cáo sơ kết") -> bytes:
    """A message forwarded as an attachment (message/rfc822), as Thunderbird and Outlook do."""
    message = EmailMessage()
    message["From"] = forwarder
    message["To"] = GATEWAY
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="gmail.com")
    message.set_content("Chuyển tiếp thư của đơn vị.")
    message.add_attachment(message_from_bytes(inner, policy=policy.default))
    return message.as_bytes(policy=policy.SMTP)


def _tnef_object(level: int, name: int, kind: int, data: bytes) -> bytes:
    return struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def winmail(files: list[tuple[str, bytes]]) -> bytes:
    """A TNEF stream (Outlook's winmail.dat) carrying these files."""
    out = struct.pack("<IH", 0x223E9F78, 1)
    for name, data in files:
        out += _tnef_object(2, 0x9002, 6, b"\x01\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00")
        out += _tnef_object(2, 0x8010, 1, name.encode() + b"\x00")
        out += _tnef_object(2, 0x800F, 6, data)
    return out


def with_winmail(*, sender: str, subject: str, tnef: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = GATEWAY
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="tphcm.gov.vn")
    message.set_content("Gửi kèm báo cáo.")
    message.add_attachment(tnef, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return message.as_bytes(policy=policy.SMTP)
