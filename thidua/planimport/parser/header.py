"""The header block: issuing body, "Số: …" number, place and date — and who issued the plan when it has none."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from thidua.campaigns.checks import Finding
from thidua.core.text import fold
from thidua.planimport.parser.directory import CITY_KEYS, unit_key
from thidua.planimport.parser.layout import DOCUMENT_NUMBER_FOLDED_RE
from thidua.planimport.parser.paragraphs import ON_BEHALF_RE, Para
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.text import RULE_LINE_RE, SPACES_RE, is_caps, strip_span

# "Số" and what follows it before the number: "Số: ", "Số ", "SỐ. ".
NUMBER_PREFIX_RE = re.compile(r"(?i:(?:kh\s+)?số)\s*[:.]?\s*")
# Place and date: "TP. Hồ Chí Minh, ngày 20 tháng 4 năm 2023", "Quận 1, ngày 05/5/2023", "…, ngày   tháng 5
# năm 2023" (the day left blank until it is signed).
PLACE_DATE_RE = re.compile(
    r"(?P<place>[^,\d][^,]{1,60}?),\s*(?i:ngày)\s*(?P<d>\d{1,2})?\s*(?:/|(?i:tháng))\s*(?P<m>\d{1,2})\s*"
    r"(?:/|(?i:năm))\s*(?P<y>\d{4})"
)
# Header lines in capitals that are not the issuing body (folded): "ĐOÀN TNCS HỒ CHÍ MINH" (the organisation),
# "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc".
NOT_ISSUER_FOLDED_RE = re.compile(
    r"(doan tncs ho chi minh|cong hoa xa hoi chu nghia viet nam|doc lap\W+tu do\W+hanh phuc|"
    r"doi (tntp|thieu nien tien phong) ho chi minh|doan thanh nien cong san ho chi minh)(\s+tp\.?\s?hcm)?"
)
# A header line that names a body in small letters, folded: "Liên đội trường THCS Đông Hưng A", "Đoàn trường …".
# A copy that lost the letter "ư" writes "đoàn trờng" for "đoàn trường": both are read.
BODY_NAME_FOLDED_RE = re.compile(
    r"(lien doi|lien chi doan|chi doan|doan tru?ong|doan (phuong|xa|thi tran)|ban chap hanh|ban thuong vu|"
    r"huyen doan|quan doan|thanh doan|tinh doan|hoi dong doi)\b"
)
# A header line that is not a name although in capitals: "(DỰ THẢO)", a number with the "Số" lost.
NOT_A_NAME_RE = re.compile(r"^\(.*\)$|/|\d+\s*[-–]\s*KH")
# The committee in front of the body's name, in a key: "ban chap hanh …", "bch …", "btv …", "thuong truc …".
COMMITTEE_PREFIX_KEY_RE = re.compile(r"^(ban chap hanh|bch|ban thuong vu|btv|thuong truc)\s+")
# The city union under its full name, as a key: "Đoàn TNCS Hồ Chí Minh Thành phố Hồ Chí Minh".
CITY_FULL_KEY = "doan thanh nien cong san ho chi minh thanh pho ho chi minh"
# The body named in the text as the one acting: "Ban Thường vụ Thành Đoàn phát động …", "Ban Chấp hành Quận
# Đoàn 1 ban hành …" (group 1: the body's name, in capitals word by word).
ISSUER_IN_TEXT_RE = re.compile(
    r"Ban (?:Thường vụ|Chấp hành|Thường trực)((?:\s+(?:[^\W\d_][\w.]*|\d+))+?)\s+"
    r"(?:phát động|ban hành|xây dựng|triển khai|tổ chức|đề ra|hướng dẫn|thông báo)"
)
# A header line that goes on the body line above it, a joint issuer broken before its last body: "BCH CÔNG ĐOÀN –
# BCH ĐOÀN TNCS HCM" / "& BVĐ HỘI SINH VIÊN", "… / VÀ BAN CHẤP HÀNH …", "… / – HỘI SINH VIÊN".
JOINT_REST_RE = re.compile(r"(?:&|[-–+]\s|(?i:và)\s)")
# The words of bodies without a name of their own, folded: "công đoàn", "đoàn thanh niên", "BCH", "BVĐ hội sinh
# viên", joined by "–", "&", "và" (a line of only these names bodies of whoever the next line names).
ORGAN_WORDS_FOLDED_RE = re.compile(
    r"(ban chap hanh|bch|ban thuong vu|btv|ban van dong|bvd|ban chi huy|cong doan|doan thanh nien|doan tncs|hcm|"
    r"ho chi minh|hoi sinh vien|hoi lhtn|hoi cuu chien binh|hoi phu nu|chi doan|lien chi doan|doan|hoi|va|"
    r"[-–&,+])(?=\s|$)"
)
# The first word of a signature line ("TM.", "T/M") and the spaces after it.
FIRST_WORD_RE = re.compile(r"^\S+\s*")
# "TM." / "T/M" in front of the body signing: "TM. BAN THƯỜNG VỤ THÀNH ĐOÀN".
ON_BEHALF_PREFIX_RE = re.compile(r"(?:TM|T/M)\.?\s*")


def _document_number(state: ParseState, p: Para, issuer: dict) -> bool:
    """Read "Số: 123-KH/TĐTN-BCNLĐ" into the issuer; True if `p` is the number line."""
    m = NUMBER_PREFIX_RE.match(p.text)
    if not (m and DOCUMENT_NUMBER_FOLDED_RE.match(fold(p.text))):
        return False
    start, end = strip_span(state.text, p.start + m.end(), p.end, " ")
    if end > start:
        issuer["document_number"] = SPACES_RE.sub(" ", state.slice(start, end))
        state.span("issuer.document_number", start, end)
    return True


def _place_and_date(state: ParseState, p: Para, issuer: dict) -> bool:
    """Read "TP. Hồ Chí Minh, ngày 20 tháng 4 năm 2023" into the issuer; True if `p` is that line."""
    m = PLACE_DATE_RE.match(p.text)
    if not m:
        return False
    issuer["place"] = m["place"].strip()
    state.span("issuer.place", p.start + m.start("place"), p.start + m.end("place"))
    if m["d"]:  # a blank day ("ngày   tháng 5") leaves the date to the coordinator
        try:
            issuer["date"] = dt.date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
            state.span("issuer.date", p.start + m.start("d"), p.start + m.end("y"))
        except ValueError:
            state.late.append(Finding("date_invalid", "issuer", _("The issue date does not exist."), _("Header")))
    return True


def _organs_only(text: str) -> bool:
    """True for a body line that names bodies without saying whose: "CÔNG ĐOÀN – ĐOÀN THANH NIÊN"."""
    return not ORGAN_WORDS_FOLDED_RE.sub(" ", fold(text)).strip()


def _joined(first: Para, nxt: Para) -> Para:
    """One header line made of two (the span covers both and what lies between)."""
    return Para(first.start, nxt.end, f"{first.text} {nxt.text}", "header", bstart=first.start)


def _join_body_lines(lines: list[Para]) -> tuple[list[Para], set[str]]:
    """The body lines with a name broken over several lines or cells put back together — a joint issuer's last
    body ("& BVĐ HỘI SINH VIÊN") goes on the line above; a line of bodies without a name ("CÔNG ĐOÀN – ĐOÀN
    THANH NIÊN") goes on with the next line, which says whose they are ("CÔNG TY TNHH …"); and the names so
    joined (to be checked)."""
    out: list[Para] = []
    joined: set[str] = set()
    for p in lines:
        if out and (JOINT_REST_RE.match(p.text) or _organs_only(out[-1].text)):
            out[-1] = _joined(out[-1], p)
            joined.add(out[-1].text)
        else:
            out.append(p)
    return out, joined


def _issuing_body(state: ParseState, lines: list[Para], issuer: dict) -> None:
    """The lowest body line in capitals that names a directory unit ("BAN THƯỜNG VỤ THÀNH ĐOÀN" under "BCH ĐOÀN
    TP. HỒ CHÍ MINH"), else the lowest body line as a name only."""
    for p in reversed(lines):
        code = match_issuer(state, p.text)
        if code:
            issuer["unit"], issuer["name"] = code, p.text
            state.span("issuer.unit", p.start, p.end)
            state.span("issuer.name", p.start, p.end)
            break
    if issuer["name"] is None and lines:
        p = lines[-1]
        issuer["name"] = p.text
        state.span("issuer.name", p.start, p.end)


def _warn_name_joined(state: ParseState, name: str) -> None:
    """The issuer's name was put together from several header lines: say so, it may be wrong."""
    state.early.append(
        Finding(
            "issuer_name_joined",
            "issuer.name",
            _("The issuer's name “%(name)s” was put together from several lines of the header: check it.")
            % {"name": name},
            _("Header"),
        )
    )


def read_header(state: ParseState) -> dict:
    """The issuer block from the header region: unit and name (when the header names them), number, place,
    date; null for what is not written. Warns ``no_header`` when there is no header at all."""
    issuer = {"unit": None, "name": None, "document_number": None, "place": None, "date": None}
    body_lines: list[Para] = []
    header = state.region("header")
    for p in header:
        if _document_number(state, p, issuer) or _place_and_date(state, p, issuer):
            continue
        if RULE_LINE_RE.fullmatch(p.text) or NOT_ISSUER_FOLDED_RE.fullmatch(fold(p.text)):
            continue
        if not (is_caps(p.text) or BODY_NAME_FOLDED_RE.match(fold(p.text))) or NOT_A_NAME_RE.search(p.text):
            continue
        body_lines.append(p)
    body_lines, joined = _join_body_lines(body_lines)
    _issuing_body(state, body_lines, issuer)
    if issuer["name"] in joined:
        _warn_name_joined(state, issuer["name"])
    if not header:
        state.early.append(
            Finding(
                "no_header",
                "issuer",
                _("The plan has no header (issuing body, number, place and date): check the issuer."),
                _("Header"),
            )
        )
    return issuer


def match_issuer(state: ParseState, text: str) -> str | None:
    """The directory code of the body a header or signature line names ("BAN THƯỜNG VỤ THÀNH ĐOÀN" → the
    root), or None."""
    key = COMMITTEE_PREFIX_KEY_RE.sub("", unit_key(text))
    if key in CITY_KEYS or key == CITY_FULL_KEY:
        return state.directory.root["code"] if state.directory.root else None
    return state.directory.match(key) if key else None


def issuer_from_text(state: ParseState) -> tuple[str | None, tuple[int, int] | None]:
    """'Ban Thường vụ Thành Đoàn phát động …' → the body's name and where it is; (None, None) if not written."""
    for p in state.paras:
        if p.region not in ("body", "title"):
            continue
        for m in ISSUER_IN_TEXT_RE.finditer(p.text):
            words = m.group(1).split()
            if words and all(w[0].isupper() or w[0].isdigit() for w in words):
                start = p.start + m.start()
                return state.slice(start, p.start + m.end(1)), (start, p.start + m.end(1))
    return None, None


def _fallback_unit(state: ParseState, issuer_code: str | None, text_name: str | None) -> tuple[str, bool]:
    """The issuer's unit when the header names none the directory knows, and whether it was read from the plan:
    the uploader's unit when given (assumed: a neighbour's plan is imported as one's own); else the body signing
    ("TM. …") or the body named in the text (read); else the directory's root (assumed)."""
    if issuer_code:
        return issuer_code, False
    for p in state.region("footer"):
        if ON_BEHALF_RE.match(fold(p.text)):
            code = match_issuer(state, FIRST_WORD_RE.sub("", p.text))
            if code:
                return code, True
            break
    if text_name:
        code = match_issuer(state, text_name)
        if code:
            return code, True
    return (state.directory.root["code"] if state.directory.root else "TD"), False


def _warn_issuer_assumed(state: ParseState, name: str | None, code: str) -> None:
    """The issuer could not be read: say which unit was put instead, and the name the header gave."""
    if name:
        message = _(
            "The header names “%(name)s”, which is not in the unit directory: the issuer is set to %(code)s. "
            "Check it before publishing."
        ) % {"name": name, "code": code}
    else:
        message = _("The plan does not name its issuer: it is set to %(code)s. Check it before publishing.") % {
            "code": code
        }
    state.early.append(Finding("issuer_assumed", "issuer.unit", message, _("Header")))


def settle_issuer(state: ParseState, issuer: dict, on_behalf: str | None, issuer_code: str | None) -> None:
    """Fill in the issuer's unit (never null) and, when the header has none, its name from the text or the
    signature; records the unit in the state and loads its own units into the directory."""
    text_name, text_name_span = issuer_from_text(state)
    if issuer["unit"] is None:
        header_name = issuer["name"]
        if issuer["name"] is None and text_name:
            issuer["name"] = text_name
            state.span("issuer.name", *text_name_span)
        issuer["unit"], read = _fallback_unit(state, issuer_code, text_name)
        if not read:  # never silently the uploader's unit or the city union
            _warn_issuer_assumed(state, header_name, issuer["unit"])
    if issuer["name"] is None and text_name:
        issuer["name"] = text_name
        state.span("issuer.name", *text_name_span)
    if issuer["name"] is None and on_behalf:
        # "TM. BAN THƯỜNG VỤ THÀNH ĐOÀN" → "BAN THƯỜNG VỤ THÀNH ĐOÀN"
        sp = state.spans["signature.on_behalf"]
        m = ON_BEHALF_PREFIX_RE.match(on_behalf)
        issuer["name"] = on_behalf[m.end() if m else 0 :] or None
        state.span("issuer.name", sp.start + (m.end() if m else 0), sp.end)
    state.issuer_unit = issuer["unit"]
    state.directory.add_subtree(issuer["unit"])
