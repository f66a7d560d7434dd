"""The outline of a plan's body: numbered paragraphs nested by their markers, and what each section is about.

Numbering nests by order of first appearance ("I." above "1." above "a)" above "-"), whatever the style; a
heading (roman numeral, capitals, Markdown "#") closes every list below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from thidua.core.text import fold
from thidua.planimport.parser.paragraphs import Para, split_marker
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.text import is_caps

# Section headings by their words, accent-folded, tried in this order (the first that matches wins).
# "1. Mục tiêu", "II. CHỈ TIÊU" …
GOALS_HEADING_RE = re.compile(r"\b(muc tieu|chi tieu)\b")
# "I. THỜI GIAN, ĐỐI TƯỢNG" — one section for both.
TIME_AUDIENCE_HEADING_RE = re.compile(r"\bthoi gian\b.*\bdoi tuong\b|\bdoi tuong\b.*\bthoi gian\b")
# "IV. TỔ CHỨC THỰC HIỆN", "Phân công nhiệm vụ", "Chế độ báo cáo", "Khen thưởng" …
ORGANISATION_HEADING_RE = re.compile(
    r"\b(phan cong|to chuc thuc hien|trach nhiem|nhiem vu cua|ban chi dao|khen thuong|che do bao cao|"
    r"thoi gian gui|thoi han gui|tien do|bao cao|don vi (to chuc|thuc hien|chu tri))\b"
)
# "II. THỜI GIAN", "Thời gian: từ … đến …", "Các mốc thời gian".
PERIOD_HEADING_RE = re.compile(r"^(cac moc )?(thoi gian|thoi han)\b")
# "Đối tượng: đoàn viên, thanh niên …".
AUDIENCE_HEADING_RE = re.compile(r"\bdoi tuong\b")
# "I. MỤC ĐÍCH, YÊU CẦU", "Ý nghĩa".
PURPOSE_HEADING_RE = re.compile(r"\b(muc dich|yeu cau|y nghia)\b")
# "III. NỘI DUNG", "Các hoạt động cụ thể", "Công trình, phần việc", "Các bước triển khai" …
ACTIVITIES_HEADING_RE = re.compile(
    r"\b(cong viec|hoat dong|noi dung|chuong trinh|cong trinh|phan viec|nhiem vu|giai phap|cac buoc|"
    r"ke hoach cu the|trien khai)\b"
)
# "V. KINH PHÍ".
FUNDING_HEADING_RE = re.compile(r"\bkinh phi\b")
# "Thời gian đăng ký tham gia: …", "Đăng ký: ngày 1-11-2009", "Hạn đăng kí: …" (the registration deadline).
REGISTRATION_HEADING_RE = re.compile(r"^((thoi gian|thoi han|han)( nhan| cuoi)? )?dang k[yi]\b")
# "II. Quy định về bài dự thi", "Thể lệ": the rules of a contest, not its activities.
RULES_HEADING_RE = re.compile(r"^(quy dinh|the le)\b")
SECTIONS = (
    ("registration", REGISTRATION_HEADING_RE),
    ("rules", RULES_HEADING_RE),
    ("goals", GOALS_HEADING_RE),
    ("time_audience", TIME_AUDIENCE_HEADING_RE),
    ("organisation", ORGANISATION_HEADING_RE),
    ("period", PERIOD_HEADING_RE),
    ("audience", AUDIENCE_HEADING_RE),
    ("purpose", PURPOSE_HEADING_RE),
    ("activities", ACTIVITIES_HEADING_RE),
    ("funding", FUNDING_HEADING_RE),
)
# A colon that belongs to an address, not to a label: "https://…", "E-mail: …".
ADDRESS_LABEL_RE = re.compile(r"https?$|mail$", re.I)
# A heading about assignments, not an assignment: "Phân công thực hiện:", "PHÂN CÔNG NHIỆM VỤ" (folded).
ASSIGNMENT_HEADING_FOLDED_RE = re.compile(r"phan cong( thuc hien| nhiem vu)?\s*:?$")
# An assignment line, folded: "Phân công Ban Tổ chức …", "Phân công: …".
ASSIGNMENT_START_FOLDED_RE = re.compile(r"phan cong\b")
# A unit label, folded: "Đơn vị thực hiện: …", "(Đơn vị chủ trì: …".
UNIT_LABEL_FOLDED_RE = re.compile(r"\(?don vi (thuc hien|chu tri|phoi hop|phu trach|to chuc)\s*:")
# A role label, folded: "Chủ trì: …", "(Phối hợp: …".
ROLE_LABEL_FOLDED_RE = re.compile(r"\(?(chu tri|phoi hop)\s*:")


def is_heading_type(mtype: str) -> bool:
    """True for the marker types of headings: roman numerals, capitals, Markdown headings ("h1" …)."""
    return mtype in ("roman", "caps") or (mtype.startswith("h") and mtype[1:].isdigit())


def heading_rank(mtype: str) -> float:
    """How high a heading is: Markdown levels 1–6; roman numerals and capitals rank between "#" and "##"."""
    return float(mtype[1:]) if mtype.startswith("h") and mtype[1:].isdigit() else 1.5


def is_assignment_line(p: Para) -> bool:
    """True for a line assigning units: "(Phân công …)", "Đơn vị chủ trì: …", "Phối hợp: …" — not a heading."""
    f = fold(p.body[:60])
    if is_heading_type(p.mtype) or is_caps(p.body) or ASSIGNMENT_HEADING_FOLDED_RE.match(f):
        return False
    return bool(
        f.startswith("(phan cong")
        or ASSIGNMENT_START_FOLDED_RE.match(f)
        or UNIT_LABEL_FOLDED_RE.match(f)
        or ROLE_LABEL_FOLDED_RE.match(f)
    )


def heading_like(p: Para) -> bool:
    """True when the paragraph heads what follows: a heading, a short line ending with ":", a short title."""
    body = p.body.strip()
    if is_heading_type(p.mtype):
        return True
    words = len(body.split())
    if body.endswith(":") and words <= 14:
        return True
    return words <= 10 and not body.endswith(".") and bool(p.children) and ":" not in body


def label_value(p: Para) -> tuple[str, int | None]:
    """'Thời gian: từ …' → ("Thời gian", offset of the value); a body without a short label → (body, None)."""
    body = p.body
    idx = body.find(":")
    if 0 < idx <= 80 and not ADDRESS_LABEL_RE.search(body[:idx].strip()):
        label = body[:idx].strip()
        rest = body[idx + 1 :]
        if rest.strip():
            return label, p.bstart + idx + 1
        return label, None
    return body, None


def section_of(p: Para, allow_label: bool) -> str | None:
    """The section a heading (or, if allowed, a short "Label: value" line) opens, by its words; else None."""
    label, value = label_value(p)
    if not (heading_like(p) or (allow_label and value is not None and len(label.split()) <= 6)):
        return None
    lab = fold(label).strip(" :.")
    for kind, rx in SECTIONS:
        if rx.search(lab):
            return kind
    return None


def mark_section(node: Para, section: str) -> None:
    """Put the paragraph, its unnumbered followers and everything below it in `section`."""
    node.section = section
    for e in node.extras:
        e.section = section
    for c in node.children:
        mark_section(c, section)


def descendants(node: Para) -> list[Para]:
    """Everything below a paragraph (its followers, its children and theirs), in text order."""
    out = []
    for e in node.extras:
        out.append(e)
    for c in node.children:
        out.append(c)
        out.extend(descendants(c))
    return sorted(out, key=lambda p: p.start)


@dataclass
class Outline:
    """The body as read: the preamble, the numbered tree, and the closing lines after it."""

    context: list[Para]  # "Căn cứ …" and the other unnumbered paragraphs before the first numbered one
    roots: list[Para]
    closing: list[Para]  # up to two unnumbered paragraphs at the very end ("Trên đây là kế hoạch …")


def _set_marker(p: Para) -> None:
    mtype, length = split_marker(p.text)
    if p.md:
        p.mtype, p.bstart = (mtype, p.start + length) if mtype else (f"h{p.md}", p.start)
    elif mtype:
        p.mtype, p.bstart = mtype, p.start + length
    elif is_caps(p.text) and len(p.text.split()) <= 20:
        p.mtype = "caps"  # "TỔ CHỨC THỰC HIỆN" without a number is a heading too


def _promote_numbered_headings(body: list[Para]) -> None:
    """A plan whose roman numerals a copy lost, restarting every list ("I. MỤC ĐÍCH" → "1. MỤC ĐÍCH", "II. NỘI DUNG"
    → "1. NỘI DUNG"), has no heading left: its numbered lines in capitals that name a section, when their numbers
    repeat, are headings again, so the items in small letters after them ("2. Tổ chức Cuộc thi: …") are below
    them, not beside them."""
    if any(is_heading_type(p.mtype) for p in body):
        return
    headings = [
        p for p in body if p.mtype == "num" and is_caps(p.body) and any(rx.search(fold(p.body)) for _k, rx in SECTIONS)
    ]
    numbers = [p.text[: p.bstart - p.start].strip() for p in headings]
    if len(set(numbers)) < len(numbers):  # the copy restarted its lists: "1. MỤC ĐÍCH" … "1. NỘI DUNG"
        for p in headings:
            p.mtype = "caps"


def _split_closing(rest: list[Para]) -> tuple[list[Para], list[Para]]:
    """(the numbered part, the closing lines): up to two unnumbered lines at the end that are not assignments."""
    closing: list[Para] = []
    j = len(rest)
    while j > 0 and not rest[j - 1].mtype and not is_assignment_line(rest[j - 1]) and len(closing) < 2:
        j -= 1
        closing.insert(0, rest[j])
    structural_before = [p for p in rest[:j] if p.mtype]
    # After a heading the last lines are that heading's content, not a closing.
    if closing and (not structural_before or heading_like(structural_before[-1])):
        return rest, []
    return rest[:j], closing


def _nest(rest: list[Para], context: list[Para]) -> list[Para]:
    """Nest the numbered paragraphs; an unnumbered one (or an assignment line) follows the last numbered one."""
    roots: list[Para] = []
    types: list[str] = []  # the marker types open, outermost first
    nodes: list[Para] = []  # the paragraph open at each of those levels
    last: Para | None = None
    for p in rest:
        if not p.mtype or (is_assignment_line(p) and last is not None):
            if last is not None:
                last.extras.append(p)
            else:
                context.append(p)
            continue
        t = p.mtype
        if is_heading_type(t):
            rank = heading_rank(t)
            cut = next(
                (k for k, s in enumerate(types) if not is_heading_type(s) or heading_rank(s) >= rank),
                len(types),
            )
            del types[cut:], nodes[cut:]
        elif t in types:
            cut = types.index(t)
            del types[cut:], nodes[cut:]
        p.parent = nodes[-1] if nodes else None
        (p.parent.children if p.parent else roots).append(p)
        types.append(t)
        nodes.append(p)
        last = p
    return roots


def build_outline(state: ParseState) -> Outline:
    """Read the markers of the body's paragraphs and nest them; sets mtype, bstart, parent, children, extras."""
    body = state.region("body")
    for p in body:
        _set_marker(p)
    _promote_numbered_headings(body)
    context: list[Para] = []
    i = 0
    while i < len(body) and (not body[i].mtype or fold(body[i].body).startswith("can cu")):
        context.append(body[i])
        i += 1
    rest, closing = _split_closing(body[i:])
    roots = _nest(rest, context)
    return Outline(context, roots, closing)
