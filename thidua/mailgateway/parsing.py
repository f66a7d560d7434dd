"""Reading an e-mail, with bounds: the stdlib `email` package (policy=default), never more than
MAIL_MAX_BYTES, MAX_PARTS parts, MAX_DEPTH levels of nesting or MAIL_MAX_ATTACHMENTS files.

What a message yields: the sender, the subject, the text (plain, or HTML turned to text), the
attached files (with Vietnamese names decoded from RFC 2047 or RFC 2231), the files inside a
forwarded message (message/rfc822) and inside Outlook's winmail.dat (TNEF), the senders of
forwarded messages, and the problems that stop it from being filed without a person looking.
Nothing here raises on bad input: a problem is a sentence for the sender and the coordinator.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from django.conf import settings
from django.utils.translation import gettext as _

try:  # pinned in requirements.txt; the gateway still explains winmail.dat without it
    from tnefparse import TNEF
except ImportError:  # pragma: no cover
    TNEF = None

MAX_PARTS = 200
MAX_DEPTH = 8
MAX_TEXT = 20_000  # characters of body text kept for matching and for the triage page
MAX_HEADER = 500
TNEF_NAMES = {"winmail.dat", "win.dat"}
TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
_FORWARD_PREFIX = re.compile(r"^\s*((fwd?|tr|re|aw|sv|vs|chuyen tiep|tra loi)\s*:\s*)+", re.IGNORECASE)
_BODY_FROM = re.compile(r"^\s*(?:from|t[uừ]|người gửi)\s*:\s*(.{3,300})$", re.IGNORECASE | re.MULTILINE)


@dataclass
class Attachment:
    name: str
    data: bytes
    content_type: str = "application/octet-stream"
    from_tnef: bool = False


@dataclass
class ParsedMail:
    from_address: str = ""
    from_name: str = ""
    subject: str = ""
    message_id: str = ""
    return_path: str = ""  # the envelope sender, as the receiving server recorded it (IMAP)
    body: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    forwarded_from: list[str] = field(default_factory=list)  # addresses of forwarded messages' senders
    problems: list[str] = field(default_factory=list)
    automatic: bool = False  # an auto-reply, a bounce, a list: never answered (no mail loops)
    unverified: bool = False  # our mail server says the sender's domain did not vouch for it

    @property
    def clean_subject(self) -> str:
        """The subject without "Fwd:", "Re:", "TR:" … prefixes."""
        return _FORWARD_PREFIX.sub("", self.subject).strip()


def header_text(message, name: str) -> str:
    """A header as text, whatever it holds: the structured parser first, then a plain decoding
    of the raw value (a malformed header never raises)."""
    try:
        value = message.get(name)
        text = "" if value is None else str(value)
    except Exception:  # the header parser chokes on some crafted values: decode the raw text
        raw = next((v for k, v in message.raw_items() if k.lower() == name.lower()), "")
        try:
            text = str(make_header(decode_header(raw)))
        except Exception:
            text = str(raw)
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    return text[:MAX_HEADER]


def _address(message, name: str) -> tuple[str, str]:
    text = header_text(message, name)
    addresses = [(n, a) for n, a in getaddresses([text]) if "@" in a]
    if not addresses:
        display, address = parseaddr(text)
        return (display, address) if "@" in address else ("", "")
    display, address = addresses[0]
    return display.strip()[:200], address.strip().lower()[:300]


def read_headers(raw: bytes) -> ParsedMail:
    """Only the header (what a message too large to read still tells)."""
    message = BytesHeaderParser(policy=policy.default).parsebytes(raw[:262_144])
    return _headers(message)


def _headers(message) -> ParsedMail:
    parsed = ParsedMail()
    parsed.from_name, parsed.from_address = _address(message, "From")
    parsed.subject = header_text(message, "Subject")
    parsed.message_id = header_text(message, "Message-ID")[:300]
    parsed.return_path = parseaddr(header_text(message, "Return-Path"))[1][:300]
    auto = header_text(message, "Auto-Submitted").lower()
    precedence = header_text(message, "Precedence").lower()
    local = parsed.from_address.partition("@")[0]
    parsed.automatic = (
        (auto not in ("", "no"))
        or precedence in ("bulk", "list", "junk")
        or bool(header_text(message, "List-Id"))
        or local in ("mailer-daemon", "postmaster", "no-reply", "noreply", "do-not-reply")
        or not parsed.from_address
    )
    results = header_text(message, "Authentication-Results").lower()
    parsed.unverified = "dmarc=fail" in results
    return parsed


def parse(raw: bytes) -> ParsedMail:
    """Read a whole message (the caller has checked its size against MAIL_MAX_BYTES)."""
    if raw.lower().count(b"content-type:") > MAX_PARTS * 2:
        parsed = read_headers(raw)
        parsed.problems.append(_("The message has too many parts to be read."))
        return parsed
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except (RecursionError, MemoryError, ValueError, IndexError, TypeError, LookupError) as exc:
        parsed = read_headers(raw)
        parsed.problems.append(
            _("The message is malformed and cannot be read (%(error)s).") % {"error": type(exc).__name__}
        )
        return parsed
    parsed = _headers(message)
    _walk(message, parsed)
    parsed.body = parsed.body[:MAX_TEXT]
    parsed.forwarded_from.extend(
        a for a in (parseaddr(m)[1].lower() for m in _BODY_FROM.findall(parsed.body[:MAX_TEXT])) if "@" in a
    )
    parsed.forwarded_from = list(dict.fromkeys(a for a in parsed.forwarded_from if a != parsed.from_address))
    if len(parsed.attachments) > settings.MAIL_MAX_ATTACHMENTS:
        parsed.problems.append(
            _("The message has %(n)s attachments; at most %(limit)s are read.")
            % {"n": len(parsed.attachments), "limit": settings.MAIL_MAX_ATTACHMENTS}
        )
        parsed.attachments = parsed.attachments[: settings.MAIL_MAX_ATTACHMENTS]
    return parsed


def _walk(message: EmailMessage, parsed: ParsedMail) -> None:
    """Every part, depth first, without recursion: text for the body, files for the attachments."""
    stack = [(message, 0)]
    count = 0
    texts: list[str] = []
    while stack:
        part, depth = stack.pop()
        count += 1
        if count > MAX_PARTS or depth > MAX_DEPTH:
            parsed.problems.append(_("The message has too many parts, or parts nested too deep, to be read."))
            return
        ctype = part.get_content_type()
        if ctype == "message/rfc822" or part.is_multipart():
            children = part.get_payload()
            if ctype == "message/rfc822" and not isinstance(children, list):
                # Some clients encode the forwarded message in base64: read it as a message.
                data = _bytes(part)
                children = [BytesParser(policy=policy.default).parsebytes(data)] if data else []
            if not isinstance(children, list):
                continue
            if ctype == "message/rfc822":
                for inner in children:
                    name, address = _address(inner, "From")
                    if address:
                        parsed.forwarded_from.append(address)
            stack.extend((child, depth + 1) for child in reversed(children))
            continue
        _leaf(part, parsed, texts)
    parsed.body = "\n\n".join(t for t in texts if t.strip())


def _leaf(part: EmailMessage, parsed: ParsedMail, texts: list[str]) -> None:
    ctype = part.get_content_type()
    try:
        name = part.get_filename()
    except Exception:
        name = None
    disposition = part.get_content_disposition()
    if name is None and disposition != "attachment" and ctype in ("text/plain", "text/html"):
        if sum(len(t) for t in texts) < MAX_TEXT:
            text = _text(part)
            texts.append(html_to_text(text) if ctype == "text/html" else text)
        return
    if disposition == "inline" and part.get("Content-ID") and ctype.startswith("image/"):
        return  # a picture embedded in the text (a signature, a logo), not a document
    data = _bytes(part)
    if data is None:
        return
    name = unicodedata.normalize("NFC", (name or "").strip()) or _("attachment")
    if name.lower() in TNEF_NAMES or ctype in TNEF_TYPES:
        _tnef(name, data, parsed)
        return
    parsed.attachments.append(Attachment(name=name, data=data, content_type=ctype))


def _text(part: EmailMessage) -> str:
    try:
        content = part.get_content()
        return content if isinstance(content, str) else ""
    except (LookupError, UnicodeError, ValueError, AssertionError):  # an unknown or lying charset
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace")


def _bytes(part: EmailMessage) -> bytes | None:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        return None
    return payload if isinstance(payload, bytes) else None


def _tnef(name: str, data: bytes, parsed: ParsedMail) -> None:
    """Outlook's winmail.dat: the files inside it, or a problem that says what to do."""
    explain = _(
        "The files came inside “%(name)s” (winmail.dat), Outlook's own format, which could not be opened. "
        "In Outlook choose the HTML or plain-text message format and send the files again."
    ) % {"name": name}
    if TNEF is None:
        parsed.problems.append(explain)
        return
    try:
        tnef = TNEF(data)
        found = [
            Attachment(
                name=unicodedata.normalize("NFC", (a.long_filename() or a.name or "").strip()) or _("attachment"),
                data=bytes(a.data),
                from_tnef=True,
            )
            for a in tnef.attachments
        ]
    except Exception:  # a damaged or hostile TNEF stream: any error of the decoder means "unreadable"
        parsed.problems.append(explain)
        return
    if not found:
        parsed.problems.append(explain)
    parsed.attachments.extend(found)


class _TextOf(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in ("br", "p", "div", "tr", "li", "h1", "h2", "h3"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    reader = _TextOf()
    try:
        reader.feed(html[: MAX_TEXT * 5])
        reader.close()
    except Exception:  # HTMLParser is lenient; this is only a safety net
        return ""
    text = "".join(reader.parts)
    return re.sub(r"\n\s*\n+", "\n\n", re.sub(r"[ \t\xa0]+", " ", text)).strip()
