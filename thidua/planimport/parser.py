"""Plan importer: the text of a Kế hoạch (Youth Union plan) → a draft campaign definition.

`import_text(text)` returns an ImportResult: the normalised text, a `thidua.campaign/1` definition that
passes `definition.validate()`, where each field came from (character spans into the normalised text),
the warnings a coordinator must see before publishing, and the closest directory units for every
name that is not in the directory. Parsing is deterministic: regular expressions, `difflib` and the
unit directory in the database; no network, no model weights.

What it reads
-------------
- **Markup**: Markdown bold/italic, headings, tables, autolinks and escapes are stripped; a bold numbered
  heading glued to the previous one (``II. NỘI DUNG:**1. Mục tiêu:**``) is split. Hard-wrapped lines
  and paragraphs broken mid-sentence are joined.
- **Header** (before the line ``KẾ HOẠCH``): issuing bodies (``BCH ĐOÀN TP. HỒ CHÍ MINH``, ``BAN THƯỜNG
  VỤ THÀNH ĐOÀN``, ``BCH QUẬN ĐOÀN 1`` …), ``Số: 123-KH/TĐTN-BCNLĐ``, ``TP. Hồ Chí Minh, ngày 20 tháng 4
  năm 2023``. A plan without a header gets the warning ``no_header``.
- **Outline**: numbering ``I.``, ``1.``, ``1.1``, ``a)``, ``-``, ``+``, ``•`` … nests by order of first
  appearance; sections are recognised by their words, not their position (goals: "mục tiêu / chỉ tiêu";
  activities: "công việc cụ thể / hoạt động / nội dung …"; organisation: "phân công / tổ chức thực
  hiện"; period: "thời gian"; audience: "đối tượng").
- **Activities**: description, a short title, quoted programme name, URL, date ("dự kiến ngày 04/5/2023
  (thứ Năm)", ranges, "Thời gian:" lines), venue ("tại …", "Địa điểm:"), a counted target (20.000 lượt
  …), and assignments from every "(Phân công …)" / "Đơn vị chủ trì: …" line.
- **Milestones**: every line outside goals and activities with a deadline ("trước 11g00 ngày 06/5/2023",
  "chậm nhất ngày 15/7/2023", "hạn chót …", "trước 16 giờ 30 ngày …"); kind from the document named
  (kế hoạch → plan ``KH``, sơ kết → midterm ``SK``, tổng kết → final ``TK``, others ``M1`` …). A deadline
  for "đăng ký thi đua" becomes ``registration_deadline``.

Rules a coordinator should know
-------------------------------
- **Time of day**: a deadline date without a time ("chậm nhất ngày 15/7/2023") is due at **17:00**
  (end of office hours) that day, Asia/Ho_Chi_Minh; deadlines are written with ``+07:00``.
- **Year**: a date written without a year takes the other end of its range, else the plan's year (issue
  date, else the title's or the text's most frequent year), with the warning ``year_assumed``.
- **Lead and co-lead**: where a "Phân công" line tells roles apart ("chủ trì" → lead; "phối hợp",
  "phối hợp với", "tham mưu" → co-lead; "X phối hợp với Y" → X leads), roles follow the text, leads
  first. Otherwise the first unit named is the lead and the others co-leads (docs/campaign-definition.md).
- **Units**: names are matched to the directory accent- and case-insensitively, with abbreviations
  ("Ban CNLĐ" ↔ "Ban Công nhân lao động", "TP." ↔ "Thành phố", "Q.1" ↔ "Quận 1", "QĐ/HĐ/TĐ"), and
  dropping "Thành Đoàn" / "Thành phố" / "Đoàn" around a name when that leaves a single unit. Group phrases
  become groups ("các cơ sở Đoàn trực thuộc Thành Đoàn" → ``direct_units``; "các Ban - Văn phòng" →
  ``departments`` …). A name not found keeps a placeholder code made from the name (``BAN-XYZ``) and the
  warning ``unit_not_in_directory`` naming the three closest units (difflib ratios).
- **Nothing invented**: what the text does not state stays null (issue date, number, venue …); the
  issuer unit falls back to `issuer_code`, then to the unit named by the signature or the text, then to
  the directory's root. Indicators are left to the coordinator (``indicators: []``); target-like numbers
  that were not attached to a goal or an activity get the warning ``number_not_attached``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from thidua.campaigns.checks import Finding, check_definition
from thidua.campaigns.definition import FORMAT, validate
from thidua.core.text import fold
from thidua.core.timeutils import parse_weekday_vi, vn_datetime
from thidua.units.models import Unit, UnitGroup, UnitKind

DEFAULT_DEADLINE_TIME = (17, 0)  # a deadline date without a time of day: end of office hours


@dataclass(frozen=True)
class Span:
    start: int  # offsets into ImportResult.text
    end: int


@dataclass
class ImportResult:
    text: str  # the normalised plain text (markup stripped) all spans refer to
    definition: dict  # a thidua.campaign/1 definition that passes definition.validate()
    spans: dict[str, Span]  # definition path ("goals[1].text", 1-based) -> where it came from
    warnings: list  # checks.Finding items: check_definition() plus the importer's own
    suggestions: dict[str, list[tuple[str, str, float]]] = field(default_factory=dict)


# --- small text helpers ---------------------------------------------------------------------------

_TERMINAL = ".;:!?…"


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _strip_span(text: str, start: int, end: int, chars: str = " \t\n.;,:") -> tuple[int, int]:
    """Shrink [start, end) so the slice has no leading/trailing `chars`."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def _trim_value(text: str, start: int, end: int) -> tuple[int, int]:
    """A value as written: spaces and a final '.', ';' or ',' dropped (not a final '…' or ')')."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ";,"):
        end -= 1
    if end > start and text[end - 1] == "." and not text[start:end].endswith("..."):
        end -= 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _unbalanced(text: str) -> bool:
    return text.count("“") > text.count("”") or text.count("(") > text.count(")") or text.count('"') % 2 == 1


def _mask(text: str, pattern: re.Pattern) -> str:
    """Blank out matches (same length) so later scans skip them."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>()“”\"]+[^\s<>()“”\".,;:!?]")
_EMAIL_RE = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b")
_QUOTE_RE = re.compile(r"“([^”\n]{2,300})”|\"([^\"\n]{2,300})\"|«([^»\n]{2,300})»")


# --- 1. normalisation -----------------------------------------------------------------------------

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2007\u2009\u202f\u3000"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)
_HEADING_SENTINEL = "\x01"


def _strip_markup(s: str) -> str:
    s = re.sub(r"<(https?://[^>\s]+)>", r"\1", s)
    s = re.sub(r"<(?:mailto:)?([^>\s@]+@[^>\s]+)>", r"\1", s)
    s = re.sub(
        r"!?\[([^\]\n]*)\]\(([^)\s]+)\)",
        lambda m: m[2] if m[1].strip() in ("", m[2]) else f"{m[1]} ({m[2]})",
        s,
    )
    s = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|>~\"'])", r"\1", s)  # pandoc escapes: 1\. → 1.
    s = re.sub(r"<br\s*/?>", "\n", s, flags=re.I)
    # A bold numbered heading glued to the heading before it: "NỘI DUNG:**1. Mục tiêu:**".
    s = re.sub(
        r"([:.])[ \t]*(\*\*|__)(?=[ \t]*(?:[IVXLC]+\.|\d{1,2}(?:\.\d{1,2})*\.?|[a-zđ]\))[ \t])",
        r"\1\n\2",
        s,
    )
    lines = []
    for line in s.split("\n"):
        stripped = line.strip()
        if re.fullmatch(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?", stripped):
            continue  # table separator row
        if re.fullmatch(r"([-*_=~])(\s*\1){2,}", stripped):
            lines.append("")  # horizontal rule, "***" under a header
            continue
        m = re.match(r"#{1,6}(?=\s)", stripped)
        if m:
            content = stripped[m.end() :].strip().rstrip("#").strip()
            lines.append(f"{_HEADING_SENTINEL}{len(m.group(0))}{content}")
            continue
        if stripped.startswith(">"):
            line = stripped.lstrip("> ")
        if stripped.startswith("|") and stripped.endswith("|"):
            line = "\t".join(cell.strip() for cell in stripped.strip("|").split("|"))
        lines.append(line)
    s = "\n".join(lines)
    s = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", s)
    s = s.replace("**", "")
    s = re.sub(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])", r"\1", s)
    s = re.sub(r"(?<!\w)_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?!\w)", r"\1", s)
    s = re.sub(r"`([^`\n]+)`", r"\1", s)
    return s


@dataclass(eq=False)
class _Para:
    """One paragraph of the normalised text."""

    start: int
    end: int
    text: str
    region: str  # header, title, subtitle, body, footer
    md: int = 0  # Markdown heading level
    marker: str = ""
    mtype: str = ""  # roman, num, numparen, multi2, alpha, dash, plus, bullet, caps, h1 … or ""
    bstart: int = 0  # where the text after the marker starts
    parent: _Para | None = None
    children: list = field(default_factory=list)
    extras: list = field(default_factory=list)  # unnumbered paragraphs that follow it
    section: str = ""

    @property
    def body(self) -> str:
        return self.text[self.bstart - self.start :]


_MARKER_RE = re.compile(
    r"(?:(?P<roman>[IVXLC]{1,5})\s?[.)/]"
    r"|(?P<multi>\d{1,2}(?:\.\d{1,2}){1,3})\.?\)?"
    r"|(?P<num>\d{1,2})\s?(?P<numclose>[.)])"
    r"|(?P<alpha>[a-zđ])\s?[.)]"
    r"|(?P<sym>[-–—+•●○◦▪■►✓*](?:\s*[-–—+•●○◦▪■►✓*])*))\s*"
)
_SYMBOL_TYPES = {"-": "dash", "–": "dash", "—": "dash", "+": "plus", "•": "bullet", "●": "bullet", "*": "star"}


def _split_marker(text: str) -> tuple[str, int]:
    """(marker type, length of the marker with its spaces), or ("", 0)."""
    m = _MARKER_RE.match(text)
    if not m or m.end() >= len(text):
        return "", 0
    rest = text[m.end() :]
    spaced = m.group(0)[-1:].isspace()
    if m["roman"]:
        return ("roman", m.end()) if rest[0].isupper() else ("", 0)
    if m["multi"]:
        return (f"multi{m['multi'].count('.') + 1}", m.end()) if spaced and not rest[0].isdigit() else ("", 0)
    if m["num"]:
        if rest[0].isdigit() or (not spaced and not rest[0].isupper()):
            return "", 0
        return ("numparen" if m["numclose"] == ")" else "num"), m.end()
    if m["alpha"]:
        return ("alpha", m.end()) if spaced else ("", 0)
    symbol = m["sym"].replace(" ", "")[-1]
    if symbol in "-–—" and rest[0].isdigit() and not spaced:
        return "", 0
    return _SYMBOL_TYPES.get(symbol, "square"), m.end()


def _headerish(line: str) -> bool:
    f = fold(line)
    if re.fullmatch(r"[*\-_=~. ]+", line):
        return True
    if re.match(r"so\s*[:.]", f) or re.search(r",\s*ngay\b.*\bthang\b.*\bnam\b", f):
        return True
    if re.fullmatch(r"doc lap\W+tu do\W+hanh phuc\W*", f):
        return True
    return _is_caps(line) and bool(re.search(r"\b(doan|ban|bch|btv|hoi|uy ban|cong hoa|tncs)\b", f))


def _is_special_start(line: str) -> bool:
    """A line that always starts a paragraph."""
    f = fold(line[:40])
    return (
        bool(_split_marker(line)[0])
        or f.startswith("(phan cong")
        or f.startswith("noi nhan")
        or bool(re.match(r"(tm|t/m|kt|k/t)\.?\s", f))
    )


def _should_join(a: str, b: str, blank: bool) -> bool:
    if _is_special_start(b) or _is_caps(b) or _is_caps(a):
        return False
    if _unbalanced(a) and not blank:
        return True
    if a[-1] in _TERMINAL:
        return False
    starts_low = b[0].islower() or b[0].isdigit() or (b[0] in '(“"' and not fold(b).startswith("(phan cong"))
    if blank:
        return starts_low
    return starts_low or len(a) >= 50


def _normalise(raw: str) -> tuple[str, list[_Para]]:
    s = unicodedata.normalize("NFC", raw or "").translate(_SPACES).translate(_INVISIBLE)
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    s = _strip_markup(s)
    lines: list[tuple[list[str], int]] = []  # (cells, markdown level)
    for line in s.split("\n"):
        md = 0
        if line.startswith(_HEADING_SENTINEL):
            md, line = int(line[1]), line[2:]
        cells: list[str] = []
        for cell in re.split(r"\t+| {3,}", line.strip()):
            cell = re.sub(r"\s+", " ", cell).strip()
            if cells and re.search(r"(?i:ngày)$", cells[-1]) and re.match(r"(?i:tháng)\b", cell):
                cells[-1] += " " + cell  # "ngày    tháng 5 năm 2023": the day is left blank, not a new cell
            elif cell:
                cells.append(cell)
        lines.append((cells, md))

    def joined(i: int) -> str:
        return " ".join(lines[i][0])

    nonempty = [i for i, (cells, _md) in enumerate(lines) if cells]
    # The "KẾ HOẠCH" line ends the header.
    kh = None
    for n, i in enumerate(nonempty[:40]):
        line = joined(i)
        f = fold(line)
        if re.match(r"ke hoach\b", f) and (
            f.strip(" :") == "ke hoach"
            or lines[i][1]
            or _is_caps(line[:30])
            or all(_headerish(joined(j)) for j in nonempty[:n])
        ):
            kh = i
            break
        if _split_marker(line)[0] == "roman":
            break
    if kh is None:
        head = 0
        for i in nonempty:
            if not _headerish(joined(i)):
                break
            head = i + 1
        header_idx = [i for i in nonempty if i < head]
        title_first = next((i for i in nonempty if i >= head), None)
    else:
        header_idx = [i for i in nonempty if i < kh]
        title_first = kh
    # The title: the "KẾ HOẠCH" line's rest, or the next paragraph.
    title_idx: list[int] = []
    kh_only = None
    if title_first is not None:
        first = joined(title_first)
        rest_of_kh = re.sub(r"^(?i:kế hoạch)\s*[:\-–]?\s*", "", first) if kh is not None else first
        if kh is not None and not rest_of_kh:
            kh_only = title_first
            after = [i for i in nonempty if i > title_first]
            title_first = after[0] if after else None
        if title_first is not None:
            title_idx = [title_first]
            for i in nonempty:
                if i <= title_first:
                    continue
                prev, nxt = " ".join(joined(j) for j in title_idx), joined(i)
                contiguous = i == title_idx[-1] + 1
                ends_with_link = re.search(r"(\b(và|của|trong|cho|với|năm|về|tại)|[-–,])$", prev, re.I)
                if _is_special_start(nxt) or re.fullmatch(r"[*\-_=~. ]+", nxt):
                    break
                if (
                    (_unbalanced(prev) and (contiguous or nxt[0].islower()))
                    or (contiguous and (nxt[0].islower() or ends_with_link))
                    or (contiguous and _is_caps(prev) and _is_caps(nxt))
                ):
                    title_idx.append(i)
                else:
                    break
    after_title = (title_idx[-1] if title_idx else (kh_only if kh_only is not None else -1)) + 1
    footer_start = len(lines)
    for i in nonempty:
        if i < after_title:
            continue
        f = fold(lines[i][0][0])
        if f.startswith("noi nhan") or re.match(r"(tm|t/m|kt|k/t)\.?\s", f) and _is_caps(lines[i][0][0]):
            footer_start = i
            break
    # Body paragraphs: join broken lines.
    paragraphs: list[tuple[str, int]] = []
    blank = False
    for i in range(after_title, footer_start):
        cells, md = lines[i]
        if not cells:
            blank = True
            continue
        line = " ".join(cells)
        if i < len(lines) and title_idx and i == after_title and line.startswith("(") and line.endswith(")"):
            paragraphs.append((line, -1))  # a subtitle such as "(Ban hành kèm theo …)"
            blank = False
            continue
        if paragraphs and not md and paragraphs[-1][1] == 0 and _should_join(paragraphs[-1][0], line, blank):
            paragraphs[-1] = (paragraphs[-1][0] + " " + line, 0)
        else:
            paragraphs.append((line, md))
        blank = False

    out: list[str] = []
    paras: list[_Para] = []
    pos = 0

    def emit(text: str, region: str, sep: str, md: int = 0) -> None:
        nonlocal pos
        if out:
            out.append(sep)
            pos += len(sep)
        paras.append(_Para(pos, pos + len(text), text, region, md=md, bstart=pos))
        out.append(text)
        pos += len(text)

    for i in header_idx:
        for cell in lines[i][0]:
            emit(cell, "header", "\n")
    if kh_only is not None:
        emit(joined(kh_only), "kh", "\n\n")
    if title_idx:
        emit(" ".join(joined(i) for i in title_idx), "title", "\n\n" if out else "")
    for text, md in paragraphs:
        emit(text, "subtitle" if md == -1 else "body", "\n\n", md=max(md, 0))
    previous_blank = True
    for i in range(footer_start, len(lines)):
        if not lines[i][0]:
            previous_blank = True
            continue
        for cell in lines[i][0]:
            emit(cell, "footer", "\n\n" if previous_blank else "\n")
            previous_blank = False
    return "".join(out), paras


# --- 2. numbers, dates, times, weekdays -----------------------------------------------------------

_NUMBER_RE = re.compile(
    r"(?<![\w.,/%-])(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![\w/]|[.,]\d)"
    r"(?:\s*(?P<pct>%|phần trăm\b)|\s+(?P<mult>triệu|tỷ|tỉ|nghìn|ngàn|vạn)\b)?",
    re.I,
)
_MULTIPLIERS = {"triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9, "nghìn": 1000, "ngàn": 1000, "vạn": 10**4}
# Words after a number that make it a quantity worth tracking (lower case, with diacritics).
_CLASSIFIERS = (
    "lượt", "suất", "phần quà", "phần", "buổi", "km", "kg", "tấn", "đồng", "cây số", "giờ công", "ngày công",
    "đợt", "lớp", "chuyến",
)  # fmt: skip
_MEASURES = _CLASSIFIERS + (
    "người", "đoàn viên", "thanh niên", "thiếu nhi", "sinh viên", "học sinh", "trẻ em", "chiến sĩ",
    "tình nguyện viên", "hộ", "gia đình", "học bổng", "công trình", "phần việc", "cây", "hoạt động",
    "chương trình", "sáng kiến", "ý tưởng", "đề tài", "mô hình", "điểm", "tuyến", "cuốn", "bộ", "căn",
    "nhà", "chiếc", "xe", "đơn vị", "cơ sở", "chi đoàn", "thành viên", "đội hình", "đội", "câu lạc bộ",
    "clb", "video", "clip", "bài", "tin", "tài khoản", "việc làm", "vị trí", "doanh nghiệp", "gian hàng",
    "ca", "đầu sách", "quyển", "túi", "bạn", "cán bộ", "đại biểu", "hội viên", "tác phẩm", "sản phẩm",
    "giải pháp", "hồ sơ", "thủ tục", "công dân", "lao động", "công nhân", "m2", "mét", "ứng viên",
)  # fmt: skip
_NOT_COUNT_BEFORE = re.compile(
    r"(mức độ|mức|lần thứ|thứ|số|quận|phường|ấp|khu phố|vành đai|giai đoạn|nhiệm kỳ|khóa|khoá|kỳ|đợt|tuyến|"
    r"nghị quyết|chỉ thị|điều|khoản|mục|phụ lục|lớp|năm|tháng|ngày|tuần|giờ|lúc|tầng|phòng|lô|đường|"
    r"hẻm|level|cấp|top|phiên bản|version|chương|trang|tập|lần|vòng)\s*$",
    re.I,
)


@dataclass
class _Number:
    start: int
    end: int
    value: int | float
    percent: bool
    measure_end: int  # end of the number and its multiplier / % sign


def _to_number(num: str, mult: str | None) -> int | float:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", num) and not mult:
        value = float(num.replace(",", ""))  # 20,000 typed the English way
    else:
        value = float(num.replace(".", "").replace(",", "."))
    if mult:
        value *= _MULTIPLIERS[mult.lower()]
    return int(value) if value == int(value) else value


def _numbers(text: str) -> list[_Number]:
    """Target-like numbers (percentages, counted quantities) in `text`, masking URLs, e-mails, dates."""
    masked = _mask(_mask(text, _URL_RE), _EMAIL_RE)
    found = []
    for m in _NUMBER_RE.finditer(masked):
        before = masked[max(0, m.start() - 20) : m.start()]
        if _NOT_COUNT_BEFORE.search(before.lower()):
            continue
        after = masked[m.end() : m.end() + 30].lower().lstrip()
        counted = bool(m["pct"] or m["mult"] or "." in m["num"] or re.fullmatch(r"\d{1,3}(?:,\d{3})+", m["num"]))
        if not counted:
            counted = any(re.match(re.escape(w) + r"(?!\w)", after) for w in _MEASURES)
        if not counted or (not m["pct"] and re.fullmatch(r"(19|20)\d\d", m["num"])):
            continue
        value = _to_number(m["num"], m["mult"])
        found.append(_Number(m.start(), m.end("num"), value, bool(m["pct"]), m.end()))
    return found


_DATE_RE = re.compile(
    r"(?<![\d/.])(?:(?P<d0>\d{1,2})\s*(?:-|–|và)\s*)?(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}))?(?![\d/])"
    r"|(?<![\d/.\-])(?P<d2>\d{1,2})[-.](?P<m2>\d{1,2})[-.](?P<y2>\d{4})(?!\d)"
    r"|(?i:ngày)\s+(?P<d3>\d{1,2})\s+(?i:tháng)\s+(?P<m3>\d{1,2})(?:\s*(?:(?i:năm)|,|/)\s*(?P<y3>\d{4}))?"
    r"|(?i:tháng)\s+(?P<mo>\d{1,2})(?:\s*(?:/|(?i:năm))\s*(?P<yo>\d{4}))?(?![\d/])"
)


@dataclass
class _Date:
    start: int
    end: int
    day: int | None  # None: a whole month
    month: int
    year: int | None
    first_day: int | None = None  # "15 - 16/7/2023": 15

    def resolve(self, year: int) -> tuple[dt.date, dt.date] | None:
        """(first, last) day it names, or None if impossible."""
        try:
            if self.day is None:
                last = calendar.monthrange(year, self.month)[1]
                return dt.date(year, self.month, 1), dt.date(year, self.month, last)
            day = dt.date(year, self.month, self.day)
            first = dt.date(year, self.month, self.first_day) if self.first_day else day
            return (first, day) if first <= day else (day, day)
        except ValueError:
            return None


def _dates(text: str) -> list[_Date]:
    masked = _mask(text, _URL_RE)
    found = []
    for m in _DATE_RE.finditer(masked):
        if m["d"]:
            found.append(
                _Date(m.start(), m.end(), int(m["d"]), int(m["m"]), int(m["y"]) if m["y"] else None,
                      int(m["d0"]) if m["d0"] else None)
            )  # fmt: skip
        elif m["d2"]:
            found.append(_Date(m.start(), m.end(), int(m["d2"]), int(m["m2"]), int(m["y2"])))
        elif m["d3"]:
            found.append(_Date(m.start(), m.end(), int(m["d3"]), int(m["m3"]), int(m["y3"]) if m["y3"] else None))
        else:
            found.append(_Date(m.start(), m.end(), None, int(m["mo"]), int(m["yo"]) if m["yo"] else None))
    return [d for d in found if 1 <= d.month <= 12 and (d.day is None or 1 <= d.day <= 31)]


_TIME_RE = re.compile(
    r"(?<![\d/.,])(?P<h>\d{1,2})\s*(?:(?:g|h)(?:\s*(?P<m1>\d{2})(?:\s*(?:phút|p)\b)?|(?!\w))"
    r"|(?i:giờ)(?:\s*(?P<m2>\d{2})(?:\s*(?i:phút))?)?|:(?P<m3>\d{2}))",
)
_WEEKDAY_RE = re.compile(r"(?<!\w)(?:(?i:thứ)\s*(?:(?i:hai|ba|tư|năm|sáu|bảy)|[2-7])|(?i:chủ)\s*(?i:nhật)|CN)(?!\w)")
_WEEKDAY_AFTER_RE = re.compile(r"\s*[(,]\s*(" + _WEEKDAY_RE.pattern + r")\s*\)?")
_WEEKDAY_BEFORE_RE = re.compile(r"(" + _WEEKDAY_RE.pattern + r")\s*,?\s*(?i:ngày)?\s*$")


def _weekday_near(text: str, date: _Date) -> tuple[int, int] | None:
    m = _WEEKDAY_AFTER_RE.match(text, date.end)
    if m and parse_weekday_vi(m.group(1)) is not None:
        return m.start(1), m.end(1)
    window_start = max(0, date.start - 25)
    m = _WEEKDAY_BEFORE_RE.search(text[window_start : date.start])
    if m and parse_weekday_vi(m.group(1)) is not None:
        return window_start + m.start(1), window_start + m.end(1)
    return None


# --- 3. the unit directory ------------------------------------------------------------------------

_KEY_SUBS = [
    (re.compile(r"\btp\s*\.?\s*hcm\b|\btphcm\b"), " thanh pho ho chi minh "),
    (re.compile(r"\btp\b\.?"), " thanh pho "),
    (re.compile(r"\bhcm\b"), " ho chi minh "),
    (re.compile(r"\bq\s*\.\s*(\d+)\b|\bq(\d+)\b"), lambda m: f" quan {m[1] or m[2]} "),
    (re.compile(r"\bqd\b\.?"), " quan doan "),
    (re.compile(r"\bhd\b\.?"), " huyen doan "),
    (re.compile(r"\btd\b\.?"), " thanh doan "),
    (re.compile(r"\bdhqg\b"), " dai hoc quoc gia "),
    (re.compile(r"\bdh\b"), " dai hoc "),
    (re.compile(r"\btt\b"), " trung tam "),
    (re.compile(r"\bnvh\b"), " nha van hoa "),
    (re.compile(r"\bbv\b"), " benh vien "),
    (re.compile(r"\bh\s*\.\s*(?=[a-z])"), " huyen "),
    (re.compile(r"\bp\s*\.\s*(?=\w)"), " phuong "),
]
_SUFFIXES = ("thanh doan", "thanh pho ho chi minh", "thanh pho", "ho chi minh", "dai hoc quoc gia")
_CITY_KEYS = {
    "thanh doan",
    "doan thanh pho ho chi minh",
    "thanh doan thanh pho ho chi minh",
    "thanh doan ho chi minh",
    "doan tncs ho chi minh thanh pho ho chi minh",
}


def _key(text: str) -> str:
    k = fold(text).replace("&", " va ")
    for rx, rep in _KEY_SUBS:
        k = rx.sub(rep, k)
    return re.sub(r"[^a-z0-9]+", " ", k).strip()


def _variants(key: str) -> set[str]:
    """The key with "Thành Đoàn" / "Thành phố" / "Đoàn" … dropped around the name."""
    out, todo = {key}, [key]
    while todo:
        v = todo.pop()
        new = []
        for suffix in _SUFFIXES:
            if v.endswith(" " + suffix) and len(v) > len(suffix) + 1:
                new.append(v[: -len(suffix) - 1])
        for prefix in ("doan ", "cac ", "truong "):
            if v.startswith(prefix) and len(v.split()) > 2:
                new.append(v[len(prefix) :])
        m = re.match(r"(quan|huyen) doan (.+)", v)
        if m:
            new.append(f"{m[1]} {m[2]}")
        if v.startswith("thanh doan thanh pho "):
            new.append("thanh doan " + v[len("thanh doan thanh pho ") :])
        for n in new:
            if n and n not in out:
                out.add(n)
                todo.append(n)
    return out


def _abbreviations(key: str) -> set[str]:
    words = key.split()
    return {" ".join(words[:i] + ["".join(w[0] for w in words[i:])]) for i in range(len(words) - 1)}


def _placeholder_code(name: str) -> str:
    code = re.sub(r"[^A-Z0-9]+", "-", fold(name).upper()).strip("-")
    return code[:40].rstrip("-") or "UNIT"


class _Directory:
    """The units a plan may name: the root, its children, and the issuer's two levels below."""

    def __init__(self) -> None:
        self.units: dict[str, dict] = {}
        self.exact: dict[str, set[str]] = {}
        self.variant: dict[str, set[str]] = {}
        self.abbrev: dict[str, set[str]] = {}
        self.keys: dict[str, set[str]] = {}
        fields = ("code", "name", "short_name", "kind", "path", "depth")
        rows = list(Unit.objects.filter(depth__lte=2).order_by("path").values(*fields))
        self.root = next((r for r in rows if r["depth"] == 1), None)
        for row in rows:
            self._add(row)

    def add_subtree(self, code: str) -> None:
        unit = self.units.get(code)
        if not unit or unit["depth"] < 2:
            return
        rows = Unit.objects.filter(path__startswith=unit["path"], depth__lte=unit["depth"] + 2)
        for row in rows.values("code", "name", "short_name", "kind", "path", "depth"):
            self._add(row)

    def _add(self, row: dict) -> None:
        code = row["code"]
        if code in self.units:
            return
        self.units[code] = row
        full = [_key(n) for n in (row["name"], row["short_name"]) if n]
        self.keys[code] = set(full) | {min(_variants(k), key=len) for k in full}
        for k in [*full, code.lower()]:
            self.exact.setdefault(k, set()).add(code)
        for k in full:
            for v in _variants(k):
                self.variant.setdefault(v, set()).add(code)
                for a in _abbreviations(v):
                    self.abbrev.setdefault(a, set()).add(code)

    @staticmethod
    def _unique(codes: set[str] | None) -> str | None:
        return next(iter(codes)) if codes and len(codes) == 1 else None

    def match(self, name: str) -> str | None:
        hit = self._match(name)
        if hit is None and "(" in name:
            hit = self._match(re.sub(r"\([^)]*\)?", " ", name))
        return hit

    def _match(self, name: str) -> str | None:
        key = _key(name)
        if not key:
            return None
        if key in _CITY_KEYS and self.root:
            return self.root["code"]
        hit = self._unique(self.exact.get(key))
        if hit:
            return hit
        variants = sorted(_variants(key), key=lambda v: (-len(v), v))
        for v in variants:
            hit = self._unique(self.exact.get(v)) or self._unique(self.variant.get(v))
            if hit:
                return hit
        if re.search(r"(?<!\w)[A-ZĐ]{2,}", name):  # an abbreviation such as "Ban CNLĐ"
            for v in variants:
                words = v.split()
                for i in range(len(words)):
                    hit = self._unique(self.abbrev.get(" ".join(words[:i] + ["".join(words[i:])])))
                    if hit:
                        return hit
        return None

    def closest(self, name: str, n: int = 3) -> list[tuple[str, str, float]]:
        key = _key(name)
        scored = []
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        floor = 0.0
        for code, keys in self.keys.items():
            best = 0.0
            for k in keys:
                matcher.set_seq1(k)
                if matcher.real_quick_ratio() <= max(best, floor) or matcher.quick_ratio() <= max(best, floor):
                    continue
                best = max(best, matcher.ratio())
            if best > floor:
                scored.append((best, code))
                scored.sort(key=lambda x: (-x[0], x[1]))
                del scored[n:]
                if len(scored) == n:
                    floor = scored[-1][0]
        return [(code, self.units[code]["name"], round(score, 3)) for score, code in scored]

    def kind(self, code: str) -> str | None:
        unit = self.units.get(code)
        return unit["kind"] if unit else None


# --- 4. the importer ------------------------------------------------------------------------------

_SECTIONS = [
    ("goals", re.compile(r"\b(muc tieu|chi tieu)\b")),
    ("time_audience", re.compile(r"\bthoi gian\b.*\bdoi tuong\b|\bdoi tuong\b.*\bthoi gian\b")),
    (
        "organisation",
        re.compile(
            r"\b(phan cong|to chuc thuc hien|trach nhiem|nhiem vu cua|ban chi dao|khen thuong|che do bao cao|"
            r"thoi gian gui|thoi han gui|tien do|bao cao)\b"
        ),
    ),
    ("period", re.compile(r"^(cac moc )?(thoi gian|thoi han)\b")),
    ("audience", re.compile(r"\bdoi tuong\b")),
    ("purpose", re.compile(r"\b(muc dich|yeu cau|y nghia)\b")),
    (
        "activities",
        re.compile(
            r"\b(cong viec|hoat dong|noi dung|chuong trinh|cong trinh|phan viec|nhiem vu|giai phap|cac buoc|"
            r"ke hoach cu the|trien khai)\b"
        ),
    ),
    ("funding", re.compile(r"\bkinh phi\b")),
]
_FIELD_LABELS = re.compile(
    r"(thoi gian( du kien| to chuc)?|dia diem|noi dung|chi tieu|so luong|quy mo|hinh thuc|thanh phan|"
    r"doi tuong|phan cong|don vi (thuc hien|chu tri|phoi hop|to chuc|phu trach|thuong truc)|chu tri|phoi hop|"
    r"trach nhiem|dang ky|lien he|ket qua)$"
)
_ASSIGNMENT_LABEL = re.compile(
    r"\(?\s*(?P<label>phân công(?:\s+thực\s+hiện)?|đơn vị\s+(?:thực hiện|chủ trì|phối hợp|tổ chức|phụ trách|thường trực)"
    r"|chủ trì|phối hợp)\s*(?::\s*|\s+)",
    re.I,
)
_ROLE_RE = re.compile(
    r"(?<!\w)(?:(?P<lead>(?:là\s+đơn\s+vị\s+)?(?:đồng\s+)?chủ\s+trì(?:\s+thực\s+hiện)?|là\s+đơn\s+vị\s+(?:thường\s+trực|đầu\s+mối))"
    r"|(?P<with>phối\s+hợp\s+(?:với|cùng)|cùng\s+phối\s+hợp\s+với|phối\s+hợp\s+chặt\s+chẽ\s+với)"
    r"|(?P<co>phối\s+hợp(?:\s+thực\s+hiện)?|tham\s+mưu)"
    r"|(?P<do>(?:triển\s+khai|tổ\s+chức|cùng)?\s*thực\s+hiện|triển\s+khai|tổ\s+chức|hướng\s+dẫn|theo\s+dõi|"
    r"tổng\s+hợp|đảm\s+nhận|phụ\s+trách))(?!\w)",
)  # role words are lower case in running text; "Trung tâm Hỗ trợ …" is a name
_PROTECTED_RE = re.compile(
    r"(?i:quận)\s*[,\-–]\s*(?i:huyện)|(?i:ban)\s*,\s*(?i:văn phòng)|(?i:phường)\s*,\s*(?i:xã)(?:\s*,\s*(?i:thị trấn))?"
)
_SUBJECT_STOPS = (
    "tham mưu", "tham gia", "đẩy nhanh", "hoàn thành", "thực hiện", "tổ chức", "triển khai", "đăng ký",
    "cài đặt", "sử dụng", "xây dựng", "phát động", "ứng dụng", "tiếp cận", "hưởng ứng", "ra quân",
    "giới thiệu", "duy trì", "bảo đảm", "đảm bảo", "cập nhật", "khai báo", "sở hữu", "truy cập", "học tập",
    "tìm hiểu", "trở lên", "nâng cao", "được", "có", "đạt", "trên", "tại", "trong", "của", "thuộc", "về",
    "cho", "để", "nhằm", "từ", "đến", "theo", "khi", "đã", "sẽ", "phải", "ký", "nhận", "tạo", "lập", "là",
    "với", "tích cực", "chủ động", "đều", "cùng", "gắn", "vận động", "hiến", "trao", "thu hút",
)  # fmt: skip
_DEADLINE_RE = re.compile(
    r"(?<!\w)(?P<kw>trước|chậm\s+nhất(?:\s+là)?(?:\s+vào)?|hạn\s+chót(?:\s+(?:nộp|nhận|gửi))?|hạn\s+cuối|"
    r"hạn\s+nộp|muộn\s+nhất|không\s+muộn\s+hơn|đến\s+hết|hạn)(?!\w)\s*:?",
    re.I,
)
_DOCUMENT_RE = re.compile(
    r"(?<!\w)(?:kế hoạch|báo cáo|danh sách|hồ sơ|bảng đăng ký|bản đăng ký|phiếu đăng ký|đăng ký|văn bản|"
    r"tờ trình|biên bản|bài dự thi|sản phẩm|số liệu|đề xuất|dự thảo|tập tin|file)(?!\w)",
    re.I,
)
_LEADING_VERBS = re.compile(
    r"^(?:(?:tổ chức|triển khai|thực hiện|đồng loạt|ra quân|phát động|duy trì|tiếp tục)\s+)+(?:(?:các|những)\s+)?",
    re.I,
)
_TITLE_CUTS = re.compile(
    r",?\s+(?:trong đó|nhằm|cho|trong|tại|dự kiến|vào|từ ngày|với|trên|để|qua đó|đồng thời)\s|,?\s+ngày\s+\d|\s\(|:\s|;\s|\.\s|\.$"
)


def _label_value(p: _Para) -> tuple[str, int | None]:
    """'Thời gian: từ …' → ("Thời gian", offset of the value); a body without a short label → (body, None)."""
    body = p.body
    idx = body.find(":")
    if 0 < idx <= 80 and not re.search(r"https?$|mail$", body[:idx].strip(), re.I):
        label = body[:idx].strip()
        rest = body[idx + 1 :]
        if rest.strip():
            return label, p.bstart + idx + 1
        return label, None
    return body, None


@dataclass
class _Deadline:
    start: int  # offsets in the paragraph's body
    kw_end: int
    date: _Date  # offsets relative to kw_end
    time: re.Match | None
    gap: str  # text between the keyword and the date
    label: str  # what is due ("Báo cáo sơ kết")
    label_start: int


class _Importer:
    def __init__(self, raw: str, issuer_code: str | None, slug: str | None) -> None:
        self.text, self.paras = _normalise(raw)
        self.issuer_code_arg = issuer_code
        self.slug_arg = slug
        self.spans: dict[str, Span] = {}
        self.early: list[Finding] = []
        self.late: list[Finding] = []
        self.suggestions: dict[str, list[tuple[str, str, float]]] = {}
        self.directory = _Directory()
        self.goals: list[dict] = []
        self.activities: list[dict] = []
        self.milestones: list[dict] = []
        self.org_nodes: list[_Para] = []
        self.period_source: tuple[int, int] | None = None
        self.audience: tuple[int, int] | None = None
        self.registration: tuple[str, int, int] | None = None
        self.approximate_groups: list[tuple[str, str]] = []
        self.issuer_unit: str | None = None
        self.plan_year: int | None = None
        self.period_range: tuple[dt.date, dt.date] | None = None

    # -- helpers ------------------------------------------------------------------------------
    def span(self, path: str, start: int, end: int) -> None:
        if end > start:
            self.spans[path] = Span(start, end)

    def slice(self, start: int, end: int) -> str:
        return self.text[start:end]

    def region(self, name: str) -> list[_Para]:
        return [p for p in self.paras if p.region == name]

    # -- header -------------------------------------------------------------------------------
    def read_header(self) -> dict:
        issuer = {"unit": None, "name": None, "document_number": None, "place": None, "date": None}
        org_lines: list[_Para] = []
        header = self.region("header")
        for p in header:
            f = fold(p.text)
            m = re.match(r"(?i:số)\s*[:.]?\s*", p.text)
            if m and re.match(r"so\s*[:.]", f):
                start, end = _strip_span(self.text, p.start + m.end(), p.end, " ")
                if end > start:
                    issuer["document_number"] = re.sub(r"\s+", " ", self.slice(start, end))
                    self.span("issuer.document_number", start, end)
                continue
            m = re.match(
                r"(?P<place>[^,\d][^,]{1,60}?),\s*(?i:ngày)\s*(?P<d>\d{1,2})?\s*(?:/|(?i:tháng))\s*(?P<m>\d{1,2})\s*"
                r"(?:/|(?i:năm))\s*(?P<y>\d{4})",
                p.text,
            )
            if m:
                issuer["place"] = m["place"].strip()
                self.span("issuer.place", p.start + m.start("place"), p.start + m.end("place"))
                if m["d"]:
                    try:
                        issuer["date"] = dt.date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
                        self.span("issuer.date", p.start + m.start("d"), p.start + m.end("y"))
                    except ValueError:
                        self.late.append(
                            Finding("date_invalid", "issuer", _("The issue date does not exist."), _("Header"))
                        )
                continue
            if re.fullmatch(r"[*\-_=~. ]+", p.text) or not _is_caps(p.text):
                continue
            if re.fullmatch(
                r"(doan tncs ho chi minh|cong hoa xa hoi chu nghia viet nam|doc lap\W+tu do\W+hanh phuc)", f
            ):
                continue
            org_lines.append(p)
        for p in reversed(org_lines):
            code = self.match_issuer(p.text)
            if code:
                issuer["unit"], issuer["name"] = code, p.text
                self.span("issuer.unit", p.start, p.end)
                self.span("issuer.name", p.start, p.end)
                break
        if issuer["name"] is None and org_lines:
            p = org_lines[-1]
            issuer["name"] = p.text
            self.span("issuer.name", p.start, p.end)
        if not header:
            self.early.append(
                Finding(
                    "no_header",
                    "issuer",
                    _("The plan has no header (issuing body, number, place and date): check the issuer."),
                    _("Header"),
                )
            )
        return issuer

    def match_issuer(self, text: str) -> str | None:
        key = _key(text)
        key = re.sub(r"^(ban chap hanh|bch|ban thuong vu|btv|thuong truc)\s+", "", key)
        if key in _CITY_KEYS or key == "doan thanh nien cong san ho chi minh thanh pho ho chi minh":
            return self.directory.root["code"] if self.directory.root else None
        return self.directory.match(key) if key else None

    def issuer_from_text(self) -> tuple[str | None, tuple[int, int] | None]:
        """'Ban Thường vụ Thành Đoàn phát động …' → the body's name and where it is."""
        verbs = r"(?:phát động|ban hành|xây dựng|triển khai|tổ chức|đề ra|hướng dẫn|thông báo)"
        for p in self.paras:
            if p.region not in ("body", "title"):
                continue
            for m in re.finditer(
                r"Ban (?:Thường vụ|Chấp hành|Thường trực)((?:\s+(?:[^\W\d_][\w.]*|\d+))+?)\s+" + verbs, p.text
            ):
                words = m.group(1).split()
                if words and all(w[0].isupper() or w[0].isdigit() for w in words):
                    start = p.start + m.start()
                    return self.slice(start, p.start + m.end(1)), (start, p.start + m.end(1))
        return None, None

    # -- structure ----------------------------------------------------------------------------
    def build_tree(self) -> tuple[list[_Para], list[_Para], list[_Para]]:
        """(context paragraphs, outline roots, closing paragraphs)."""
        body = self.region("body")
        for p in body:
            if p.md:
                mtype, length = _split_marker(p.text)
                p.mtype, p.bstart = (mtype, p.start + length) if mtype else (f"h{p.md}", p.start)
            else:
                mtype, length = _split_marker(p.text)
                if mtype:
                    p.mtype, p.bstart = mtype, p.start + length
                elif _is_caps(p.text) and len(p.text.split()) <= 20:
                    p.mtype = "caps"
        context: list[_Para] = []
        i = 0
        while i < len(body) and (not body[i].mtype or fold(body[i].body).startswith("can cu")):
            context.append(body[i])
            i += 1
        rest = body[i:]
        closing: list[_Para] = []
        j = len(rest)
        while j > 0 and not rest[j - 1].mtype and not self.is_assignment_line(rest[j - 1]) and len(closing) < 2:
            j -= 1
            closing.insert(0, rest[j])
        structural_before = [p for p in rest[:j] if p.mtype]
        if closing and (not structural_before or self.heading_like(structural_before[-1])):
            closing = []
            j = len(rest)
        rest = rest[:j]
        roots: list[_Para] = []
        types: list[str] = []
        nodes: list[_Para] = []
        last: _Para | None = None
        for p in rest:
            if not p.mtype or (self.is_assignment_line(p) and last is not None):
                if last is not None:
                    last.extras.append(p)
                else:
                    context.append(p)
                continue
            t = p.mtype
            if self._is_heading_type(t):
                rank = self._rank(t)
                cut = next(
                    (k for k, s in enumerate(types) if not self._is_heading_type(s) or self._rank(s) >= rank),
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
        return context, roots, closing

    @staticmethod
    def _is_heading_type(t: str) -> bool:
        return t in ("roman", "caps") or (t.startswith("h") and t[1:].isdigit())

    @staticmethod
    def _rank(t: str) -> float:
        return float(t[1:]) if t.startswith("h") and t[1:].isdigit() else 1.5

    @classmethod
    def is_assignment_line(cls, p: _Para) -> bool:
        f = fold(p.body[:60])
        if cls._is_heading_type(p.mtype) or _is_caps(p.body) or re.match(r"phan cong( thuc hien| nhiem vu)?\s*:?$", f):
            return False
        return bool(
            f.startswith("(phan cong")
            or re.match(r"phan cong\b", f)
            or re.match(r"\(?don vi (thuc hien|chu tri|phoi hop|phu trach|to chuc)\s*:", f)
            or re.match(r"\(?(chu tri|phoi hop)\s*:", f)
        )

    def heading_like(self, p: _Para) -> bool:
        body = p.body.strip()
        if self._is_heading_type(p.mtype):
            return True
        words = len(body.split())
        if body.endswith(":") and words <= 14:
            return True
        return words <= 10 and not body.endswith(".") and bool(p.children) and ":" not in body

    def classify(self, p: _Para, allow_label: bool) -> str | None:
        label, value = _label_value(p)
        if not (self.heading_like(p) or (allow_label and value is not None and len(label.split()) <= 6)):
            return None
        lab = fold(label).strip(" :.")
        for kind, rx in _SECTIONS:
            if rx.search(lab):
                return kind
        return None

    def walk(self, nodes: list[_Para], inherited: str | None) -> None:
        for node in nodes:
            self.visit(node, inherited)

    def visit(self, node: _Para, inherited: str | None) -> None:
        kind = self.classify(node, allow_label=inherited in (None, "time_audience"))
        if inherited in ("goals", "activities") and kind in (None, inherited):
            self.mark(node, inherited)
            if inherited == "goals":
                self.goal_or_group(node)
            else:
                self.activity_or_group(node)
            return
        if kind is None:
            kind = inherited or "other"
            self.mark(node, kind)
            if kind == "organisation":
                self.org_nodes.append(node)
            self.walk(node.children, kind)
            return
        node.section = kind
        for e in node.extras:
            e.section = kind
        label, value = _label_value(node)
        value_span = (value, node.end) if value is not None else None
        if value_span is None and node.extras and not node.children:
            value_span = (node.extras[0].bstart, node.extras[0].end)
        if kind == "period":
            if self.period_source is None and value_span:
                self.period_source = value_span
            self.walk(node.children, kind)
        elif kind == "audience":
            if self.audience is None and value_span:
                self.audience = value_span
            self.walk(node.children, kind)
        elif kind == "goals":
            if value is not None and not node.children:
                self.add_goal(value, node.end, node)
            for e in node.extras:
                if not self.is_assignment_line(e):
                    self.add_goal(e.bstart, e.end, e)
            self.walk(node.children, "goals")
        elif kind == "activities":
            if value is not None and not node.children and not node.extras:
                self.add_activity(node, own_start=value)
            else:
                self.activities_from_extras(node.extras)
                self.walk(node.children, "activities")
        elif kind == "organisation":
            self.org_nodes.append(node)
            self.walk(node.children, "organisation")
        else:
            self.walk(node.children, kind)

    def mark(self, node: _Para, section: str) -> None:
        node.section = section
        for e in node.extras:
            e.section = section
        for c in node.children:
            self.mark(c, section)

    # -- goals --------------------------------------------------------------------------------
    def goal_or_group(self, node: _Para) -> None:
        if node.children and self.heading_like(node):
            for e in node.extras:
                if not self.is_assignment_line(e):
                    self.add_goal(e.bstart, e.end, e)
            self.walk(node.children, "goals")
            return
        self.add_goal(node.bstart, node.end, node)
        for e in node.extras:
            if not self.is_assignment_line(e):
                self.add_goal(e.bstart, e.end, e)
        for c in node.children:
            self.goal_or_group(c)

    def add_goal(self, start: int, end: int, node: _Para) -> None:
        start, end = _strip_span(self.text, start, end, " \t\n")
        if end <= start:
            return
        text = self.slice(start, end)
        n = len(self.goals) + 1
        where = f"goals[{n}]"
        self.span(f"{where}.text", start, end)
        target = None
        numbers = _numbers(text)
        if numbers:
            first = numbers[0]
            target, tspan = self.goal_target(text, first)
            self.span(f"{where}.target", start + first.start, start + tspan)
            for extra in numbers[1:]:
                self.not_attached(where, text, extra, text)
        self.goals.append({"code": f"MT{n}", "text": text, "target": target})

    def goal_target(self, text: str, number: _Number) -> tuple[dict, int]:
        phrase, phrase_end = self.noun_phrase(text, number.measure_end)
        if number.percent:
            return {"value": number.value, "unit": "%", "subject": phrase or None}, phrase_end
        low = phrase.lower()
        for classifier in sorted(_CLASSIFIERS, key=len, reverse=True):
            if low == classifier or low.startswith(classifier + " "):
                subject = phrase[len(classifier) :].strip(" ,") or None
                return {"value": number.value, "unit": phrase[: len(classifier)], "subject": subject}, phrase_end
        return {"value": number.value, "unit": phrase or None, "subject": phrase or None}, phrase_end

    @staticmethod
    def noun_phrase(text: str, start: int) -> tuple[str, int]:
        """The words after `start` up to a verb or preposition: '100% các cơ sở Đoàn tham mưu' → 'cơ sở Đoàn'."""
        m = re.match(r"\s*(?:(?:các|những|tổng số|số)\s+)?", text[start:], re.I)
        pos = start + m.end()
        words: list[tuple[int, int]] = []
        for w in re.finditer(r"[^\s,;:.()“”\"]+|,", text[pos:]):
            token = w.group(0)
            rest = text[pos + w.start() :].lower()
            if token == ",":
                if not words:
                    break
                words.append((pos + w.start(), pos + w.end()))
                continue
            if words and (token[0].isdigit() or any(re.match(re.escape(s) + r"(?!\w)", rest) for s in _SUBJECT_STOPS)):
                break
            if len([x for x in words if text[x[0] : x[1]] != ","]) >= 8:
                break
            nxt = pos + w.end()
            words.append((pos + w.start(), nxt))
            if nxt < len(text) and text[nxt] in ';:.()“”"':
                break
        while words and text[words[-1][0] : words[-1][1]].lower() in (",", "và", "hoặc", "cùng", "các"):
            words.pop()
        if not words:
            return "", start
        return text[words[0][0] : words[-1][1]], words[-1][1]

    def not_attached(self, where: str, text: str, number: _Number, subject: str) -> None:
        shown = text[number.start : number.measure_end].strip()
        context = text[max(0, number.start - 30) : min(len(text), number.measure_end + 40)].strip()
        self.late.append(
            Finding(
                "number_not_attached",
                where,
                _(
                    "The number “%(number)s” (… %(context)s …) is not attached to a target: add an indicator if it is one."
                )
                % {"number": shown, "context": context},
                subject[:120],
            )
        )

    # -- activities ---------------------------------------------------------------------------
    def is_field(self, p: _Para) -> bool:
        label, value = _label_value(p)
        return value is not None and bool(_FIELD_LABELS.match(fold(label).strip()))

    def activity_or_group(self, node: _Para) -> None:
        field_structured = any(self.is_field(c) for c in node.children)
        own_assignment = any(self.is_assignment_line(e) for e in node.extras)
        if node.children and not field_structured and not own_assignment and self.heading_like(node):
            self.activities_from_extras(node.extras)
            self.walk(node.children, "activities")
            return
        self.add_activity(node)

    def activities_from_extras(self, extras: list[_Para]) -> None:
        pending: _Para | None = None
        for e in extras:
            if self.is_assignment_line(e):
                if pending is not None:
                    pending.extras.append(e)
                continue
            pending = e
            e.mtype = e.mtype or "extra"
        for e in extras:
            if e.mtype == "extra":
                self.add_activity(e)

    def descendants(self, node: _Para) -> list[_Para]:
        out = []
        for e in node.extras:
            out.append(e)
        for c in node.children:
            out.append(c)
            out.extend(self.descendants(c))
        return sorted(out, key=lambda p: p.start)

    def add_activity(self, node: _Para, own_start: int | None = None) -> None:
        n = len(self.activities) + 1
        where = f"activities[{n}]"
        parts = [node, *self.descendants(node)]
        assignment_paras = [p for p in parts if self.is_assignment_line(p)]
        fields: dict[str, tuple[int, int]] = {}
        described: list[tuple[int, int]] = []
        for p in parts:
            if p in assignment_paras:
                continue
            if p is not node and self.is_field(p):
                label, value = _label_value(p)
                key = fold(label).strip()
                fields.setdefault(key, (value, p.end))
                if re.match(r"(don vi|chu tri|phoi hop)", key):
                    assignment_paras.append(p)
                    continue
            start = own_start if (p is node and own_start is not None) else (p.bstart if p is node else p.start)
            described.append(_strip_span(self.text, start, p.end, " \t\n"))
        if not described:
            described = [_strip_span(self.text, node.bstart, node.end, " \t\n")]
        description = "\n".join(self.slice(s, e) for s, e in described if e > s) or node.body or "—"
        d_start, d_end = described[0][0], described[-1][1]
        self.span(f"{where}.description", d_start, d_end)

        # Where to look for the facts: the description (without sub-points' URLs masked).
        first_start, first_end = described[0]
        first = self.slice(first_start, first_end)
        programme = None
        for q in _QUOTE_RE.finditer(first):
            before = fold(first[max(0, q.start() - 40) : q.start()])
            if re.search(
                r"(chuong trinh|cuoc van dong|hoi thi|cuoc thi|giai|phong trao|chien dich|ngay hoi|dien dan|"
                r"hoat dong|mo hinh|cong trinh|dot|hoi trai|le hoi|hanh trinh|du an|the thao|tuyen duong|"
                r"giai thuong|le|hoi nghi|toa dam|chuyen de|trang|chuyen muc|doi hinh|fanpage|chuyen trang|nen tang|tap huan|chuoi)"
                r"(\s+[^\s“”\"]+){0,2}\s*$",
                before,
            ):
                programme = q.group(q.lastindex)
                self.span(f"{where}.programme", first_start + q.start(q.lastindex), first_start + q.end(q.lastindex))
                break
        url = None
        for start, end in described:
            m = _URL_RE.search(self.slice(start, end))
            if m:
                url = m.group(0) if m.group(0).startswith("http") else "http://" + m.group(0)
                self.span(f"{where}.url", start + m.start(), start + m.end())
                break

        # Title: a label ("Lễ ra quân:") or the description's first clause.
        label, value = _label_value(node)
        if own_start is None and (node.body.strip().endswith(":") or (value is not None and len(label.split()) <= 12)):
            title = label.strip(" :")
            title_span = (node.bstart, node.bstart + len(title))
        elif programme:
            title = programme if len(programme) <= 80 else programme[:80].rsplit(" ", 1)[0].rstrip(" ,;-–") + "…"
            title_span = (self.spans[f"{where}.programme"].start, self.spans[f"{where}.programme"].end)
        else:
            title = self.short_title(first)
            found_at = first.find(title.rstrip("…")[1:])
            title_span = (first_start + max(found_at - 1, 0), first_start + max(found_at - 1, 0) + len(title))
        title = _capitalise(title.strip()) or _capitalise(description[:80])
        if len(title) > 200:
            title = title[:197].rsplit(" ", 1)[0] + "…"

        # Date, weekday, venue: a "Thời gian:" / "Địa điểm:" line first, else the description.
        date_src = next((v for k, v in fields.items() if k.startswith("thoi gian")), None) or (first_start, first_end)
        date = end_date = weekday = None
        tentative = False
        src = self.slice(*date_src)
        for d in _dates(src):
            before = src[max(0, d.start - 40) : d.start]
            if re.search(
                r"(trước|chậm nhất|hạn chót|hạn|muộn nhất)\s*(\d{1,2}\s*(g|h|giờ)\s*\d{0,2}\s*)?(ngày\s*)?$",
                before,
                re.I,
            ):
                continue
            rng = self.resolve_range(src, d, f"{where}.date")
            if rng is None:
                continue
            date, end_date = rng[0].isoformat(), (rng[1].isoformat() if rng[1] != rng[0] else None)
            self.span(f"{where}.date", date_src[0] + d.start, date_src[0] + rng[2])
            if end_date:
                self.span(f"{where}.end_date", date_src[0] + d.start, date_src[0] + rng[2])
            label_text = fold(self.text[max(0, date_src[0] - 30) : date_src[0]])
            tentative = bool(re.search(r"du kien", fold(before)) or "du kien" in label_text)
            wd = _weekday_near(src, d)
            if wd:
                weekday = src[wd[0] : wd[1]]
                self.span(f"{where}.weekday", date_src[0] + wd[0], date_src[0] + wd[1])
            venue_src = src[rng[2] : rng[2] + 120]
            m = re.match(r"\s*(?:\([^)]*\)\s*)?,?\s*(?:(?:sáng|chiều|tối)\s+)?tại\s+", venue_src)
            if m and "dia diem" not in fields:
                self.venue_from(f"{where}.venue", date_src[0] + rng[2] + m.end())
            break
        venue = None
        if "dia diem" in fields:
            s, e = _trim_value(self.text, *fields["dia diem"])
            self.span(f"{where}.venue", s, e)
        elif f"{where}.venue" not in self.spans:
            m = re.search(
                r"(?<!\w)tại\s+(?=(?:Hội trường|Nhà Văn hóa|Nhà văn hóa|Nhà Thiếu nhi|Công viên|Quảng trường|Trường|Sân|"
                r"Khu|Trung tâm|Phố đi bộ|Bến|Nhà thi đấu|Cung|Hội quán|Bảo tàng|Đền|Khu di tích|Địa đạo|Rừng|Bãi|Chợ|Bệnh viện|UBND)\b)",
                first,
            )
            if m:
                self.venue_from(f"{where}.venue", first_start + m.end())
        if f"{where}.venue" in self.spans:
            sp = self.spans[f"{where}.venue"]
            venue = self.slice(sp.start, sp.end)

        # Target: the first counted quantity (not a percentage) in the description or a "Chỉ tiêu:" line.
        target = None
        scanned: list[tuple[int, int]] = described
        attached: _Number | None = None
        attached_at = None
        target_fields = [v for k, v in fields.items() if k in ("chi tieu", "so luong", "quy mo")]
        for start, end in target_fields + scanned:
            for num in _numbers(self.slice(start, end)):
                if not num.percent:
                    attached, attached_at = num, start
                    break
            if attached:
                break
        if attached:
            seg_start = attached_at + attached.measure_end
            seg = self.text[seg_start : seg_start + 240]
            stop = re.search(r"[.;:()\n]|,\s|\s(?:và|nhằm|trong|tại|cho|từ|vào|với|để|gồm|trên)\s", seg)
            words = list(re.finditer(r"\S+", seg[: stop.start() if stop else len(seg)]))[:10]
            unit = " ".join(w.group(0) for w in words) or None
            unit_end = attached.measure_end + (words[-1].end() if words else 0)
            target = {"value": attached.value, "unit": unit}
            self.span(f"{where}.target", attached_at + attached.start, attached_at + unit_end)
        for start, end in scanned + [v for v in target_fields if v not in scanned]:
            chunk = self.slice(start, end)
            for num in _numbers(chunk):
                if attached and start + num.start == attached_at + attached.start:
                    continue
                self.not_attached(where, chunk, num, title)

        # Assignments.
        assignment_text = "\n".join(p.text for p in sorted(assignment_paras, key=lambda p: p.start)) or None
        if assignment_paras:
            first_a = min(assignment_paras, key=lambda p: p.start)
            last_a = max(assignment_paras, key=lambda p: p.start)
            self.span(f"{where}.assignment_text", first_a.start, last_a.end)
        assignments = self.assignments(where, sorted(assignment_paras, key=lambda p: p.start), title)
        if not assignments:
            self.late.append(
                Finding(
                    "activity_unassigned",
                    where,
                    _("No unit is assigned to this activity (no “Phân công …” line)."),
                    title,
                )
            )
        self.span(f"{where}.title", title_span[0], min(title_span[1], d_end))
        self.activities.append(
            {
                "code": f"CV{n}",
                "title": title,
                "description": description,
                "programme": programme,
                "url": url,
                "venue": venue,
                "date": date,
                "end_date": end_date,
                "date_tentative": tentative if date else False,
                "weekday": weekday,
                "target": target,
                "assignment_text": assignment_text,
                "assignments": assignments,
            }
        )

    def venue_from(self, path: str, start: int) -> None:
        seg = self.text[start : start + 160]
        end = len(seg)
        for m in re.finditer(r"[.;(\n]|,\s+(?=[a-zà-ỹđ])|\s+(?:với|nhằm|cho|dự kiến|từ|vào|để|và)\s", seg):
            if m.group(0).startswith(".") and re.match(r"\.\w", seg[m.start() :]):
                continue
            end = m.start()
            break
        s, e = _trim_value(self.text, start, start + end)
        self.span(path, s, e)

    @staticmethod
    def short_title(first: str) -> str:
        masked = first
        for q in _QUOTE_RE.finditer(first):
            masked = masked[: q.start()] + "x" * (q.end() - q.start()) + masked[q.end() :]
        cut = len(first)
        for m in _TITLE_CUTS.finditer(masked):
            if m.start() >= 12:
                cut = m.start()
                break
        title = first[:cut].strip(" ,;:.")
        stripped = _LEADING_VERBS.sub("", title)
        if stripped and stripped[0] not in '“"«':
            title = stripped
        if len(title) > 120:
            title = title[:120].rsplit(" ", 1)[0].rstrip(" ,;") + "…"
        return title

    def resolve_range(self, src: str, d: _Date, where: str) -> tuple[dt.date, dt.date, int] | None:
        """The date (or range) starting at `d`: (first, last, end offset in src)."""
        partner = None
        for other in _dates(src):
            if other.start <= d.start:
                continue
            gap = src[d.end : other.start]
            if re.fullmatch(r"\s*(?:\([^)]{0,20}\))?\s*(?:-|–|đến|tới)(?:\s+hết)?(?:\s+ngày)?\s*", gap, re.I):
                partner = other
            break
        end_d = partner or d
        year = end_d.year or d.year
        if year is None:
            year = self.plan_year
            if year is None:
                return None
            self.late.append(
                Finding(
                    "year_assumed",
                    where.rsplit(".", 1)[0],
                    _("No year is written: %(year)s is assumed.") % {"year": year},
                    "",
                )
            )
        first_range = d.resolve(d.year or year)
        last_range = end_d.resolve(year)
        if not first_range or not last_range:
            return None
        return first_range[0], last_range[1], end_d.end

    # -- assignments --------------------------------------------------------------------------
    def assignments(self, where: str, paras: list[_Para], subject: str) -> list[dict]:
        segments: list[dict] = []  # {names: [(start, end)], after, before, label}
        for p in paras:
            body_start = p.bstart
            body = p.body
            m = _ASSIGNMENT_LABEL.match(body)
            label_role = None
            offset = 0
            if m:
                offset = m.end()
                label = fold(m["label"])
                if "chu tri" in label:
                    label_role = "lead"
                elif "phoi hop" in label:
                    label_role = "co_lead"
            content_start = body_start + offset
            content = self.text[content_start : p.end]
            content = re.sub(r"[\s.;)]+$", lambda x: " " * len(x.group(0)), content)
            pos = 0
            pending_before = None
            for r in _ROLE_RE.finditer(content):
                chunk_start, chunk_end = pos, r.start()
                names = self.split_names(content_start, content[chunk_start:chunk_end], chunk_start)
                kind = r.lastgroup
                if names:
                    segments.append({"names": names, "before": pending_before, "after": None, "label": label_role})
                    pending_before = None
                if kind == "with":
                    if segments and segments[-1]["after"] is None and names:
                        segments[-1]["after"] = "with"
                    pending_before = "co_lead"
                elif segments and names:
                    segments[-1]["after"] = kind
                elif (
                    segments
                    and segments[-1]["after"] in (None, "do")
                    and not content[chunk_start:chunk_end].strip(" ,;")
                ):
                    segments[-1]["after"] = segments[-1]["after"] if kind == "do" else segments[-1]["after"] or kind
                pos = r.end()
            names = self.split_names(content_start, content[pos:], pos)
            if names:
                segments.append({"names": names, "before": pending_before, "after": None, "label": label_role})
        explicit = any(
            s["after"] in ("lead", "with") or s["before"] == "co_lead" or s["label"] is not None for s in segments
        )
        entries: list[tuple[str, int, int]] = []  # role, start, end
        for s in segments:
            if not explicit:
                role = None
            elif s["label"]:
                role = s["label"]
            elif s["after"] in ("lead", "with") and s["before"] is None:
                role = "lead"
            else:
                role = "co_lead"
            for start, end in s["names"]:
                entries.append((role, start, end))
        if not explicit:
            entries = [("lead" if i == 0 else "co_lead", s, e) for i, (_r, s, e) in enumerate(entries)]
        elif not any(r == "lead" for r, _s, _e in entries) and entries:
            entries[0] = ("lead", entries[0][1], entries[0][2])
        entries.sort(key=lambda x: 0 if x[0] == "lead" else 1)  # stable: leads first, text order kept
        out: list[dict] = []
        seen: set[tuple] = set()
        for role, start, end in entries:
            name = self.slice(start, end)
            group = self.group_of(name)
            unit = None if group else self.directory.match(name)
            key = ("g", group) if group else ("u", unit or _key(name))
            if key in seen:
                continue
            seen.add(key)
            path = f"{where}.assignments[{len(out) + 1}]"
            self.span(path, start, end)
            if not group and not unit:
                unit = _placeholder_code(name)
                closest = self.directory.closest(name)
                self.suggestions[path] = closest
                offered = "; ".join(f"{c} — {n} ({score:.2f})" for c, n, score in closest) or _("none")
                self.late.append(
                    Finding(
                        "unit_not_in_directory",
                        path,
                        _("“%(name)s” is not in the unit directory (placeholder code %(code)s). Closest: %(offered)s.")
                        % {"name": name, "code": unit, "offered": offered},
                        subject,
                    )
                )
            if group and (name, group) in self.approximate_groups:
                self.late.append(
                    Finding(
                        "group_approximate",
                        path,
                        _("“%(name)s” was read as the group “%(group)s”: check it.") % {"name": name, "group": group},
                        subject,
                    )
                )
            out.append({"role": role, "name": name, "unit": unit, "group": group})
        return out

    def split_names(self, base: int, chunk: str, chunk_offset: int, strict: bool = True) -> list[tuple[int, int]]:
        """Unit names in a chunk of a "Phân công" line, as (start, end) offsets in the text."""
        protected = [(m.start(), m.end()) for m in _PROTECTED_RE.finditer(chunk)]
        cuts = []
        for m in re.finditer(r"[,;]|\s(?:và|cùng|với)\s", chunk):
            if any(a <= m.start() < b for a, b in protected):
                continue
            cuts.append((m.start(), m.end()))
        pieces = []
        pos = 0
        for a, b in [*cuts, (len(chunk), len(chunk))]:
            pieces.append((pos, a))
            pos = b
        # Re-join "X và Y" when the whole is a unit ("Đoàn Trường Đại học Khoa học Xã hội và Nhân văn").
        merged: list[tuple[int, int]] = []
        for a, b in pieces:
            if merged:
                pa, pb = merged[-1]
                sep = chunk[pb:a]
                if (
                    sep.strip() in ("và", "&")
                    and not self.directory.match(chunk[pa:pb])
                    and self.directory.match(chunk[pa:b])
                ):
                    merged[-1] = (pa, b)
                    continue
            merged.append((a, b))
        out = []
        for a, b in merged:
            s, e = base + chunk_offset + a, base + chunk_offset + b
            s, e = _strip_span(self.text, s, e, " \t\n,;.:()")
            if self.text[e : e + 1] == "." and re.search(r"(?<!\w)(TP|Tp|Q|P|H|TT|TX)$", self.text[s:e]):
                e += 1  # "TP." is an abbreviation, not the end of a sentence
            piece = self.slice(s, e)
            m = re.match(r"(?:(?:và|cùng|với|giao|cho|các đơn vị:)\s+)+", piece, re.I)
            if m:
                s += m.end()
            piece = self.slice(s, e)
            if (
                sum(c.isalnum() for c in piece) >= 2
                and any(c.isalpha() for c in piece)
                and (
                    not strict
                    or piece[0].isupper()
                    or piece[0].isdigit()
                    or re.match(r"(các|toàn thể|tất cả)\s", piece)
                )
                and not re.fullmatch(r"(?i:các đơn vị|đơn vị|thực hiện)", piece)
            ):
                out.append((s, e))
        return out

    def group_of(self, name: str) -> str | None:
        k = _key(name)
        plural = bool(re.match(r"(cac|toan the|tat ca|toan bo|nhung)\b", k))
        k2 = re.sub(r"^(cac|toan the|tat ca|toan bo|nhung)\s+", "", k)
        issuer_kind = self.directory.kind(self.issuer_unit) if self.issuer_unit else None
        city = issuer_kind in (None, UnitKind.CITY)
        if re.match(r"(co so doan|to chuc co so doan|don vi|co so|chi doan)\s+truc thuoc", k2):
            if k2.startswith("chi doan"):
                return UnitGroup.BRANCHES.value
            if "truc thuoc thanh doan" in k2 or city:
                return UnitGroup.DIRECT_UNITS.value
            return UnitGroup.GRASSROOTS.value
        if re.match(r"(quan huyen( doan)?|quan doan huyen doan|quan doan va huyen doan|quan va huyen doan)\b", k2):
            self.approximate_groups.append((name, UnitGroup.DIRECT_UNITS.value))
            return UnitGroup.DIRECT_UNITS.value
        if re.match(r"ban( va)? van phong\b|ban vp\b", k2) or (
            plural and re.fullmatch(r"ban( chuyen mon)?( thanh doan)?", k2)
        ):
            return UnitGroup.DEPARTMENTS.value
        if k2.startswith("don vi su nghiep"):
            return UnitGroup.INSTITUTIONS.value
        if k2.startswith("doanh nghiep") and (plural or "truc thuoc" in k2 or k2 == "doanh nghiep"):
            return UnitGroup.ENTERPRISES.value
        if re.match(r"co so doan\b", k2) or re.match(r"doan (phuong|xa|thi tran) (xa|thi tran)\b", k2):
            return UnitGroup.GRASSROOTS.value
        if plural and re.match(r"doan (phuong|xa|thi tran)\b", k2):
            return UnitGroup.GRASSROOTS.value
        if plural and k2.startswith("chi doan"):
            return UnitGroup.BRANCHES.value
        return None

    def groups_in_subject(self, p: _Para) -> tuple[list[str], list[str]]:
        """Groups and units named before the verb of a paragraph: 'Các Ban - Văn phòng, … căn cứ …'."""
        body = p.body
        m = re.search(
            r"(?<!\w)(gửi|nộp|báo cáo|hoàn thành|căn cứ|chủ động|triển khai|tổ chức|thực hiện|đăng ký|có trách nhiệm|"
            r"tham mưu|theo dõi|phối hợp|chịu trách nhiệm|xây dựng|cập nhật)(?!\w)",
            body,
            re.I,
        )
        if m:
            subject = body[: m.start()]
        else:
            colon = body.find(":")
            subject = body[:colon] if colon > 0 else body
        groups: list[str] = []
        units: list[str] = []
        if not subject.strip():
            return groups, units
        start = p.bstart
        for s, e in self.split_names(start, subject, 0, strict=False):
            name = self.slice(s, e)
            g = self.group_of(name)
            if g:
                if g not in groups:
                    groups.append(g)
                continue
            code = self.directory.match(name)
            if code and code not in units and code != self.issuer_unit:
                units.append(code)
        return groups, units

    # -- period, audience ---------------------------------------------------------------------
    def read_period(self, context: list[_Para]) -> dict:
        period = {"start": None, "end": None, "text": None}
        source = self.period_source
        if source is None:
            for p in [
                *context,
                *[q for q in self.paras if q.region == "body" and q.section not in ("activities", "goals")],
            ]:
                m = re.search(
                    r"(?i:(?:kể\s+)?từ\s+(?:ngày\s+|nay\s+|tháng\s+)?)[^.;]{0,80}?(?i:đến)\s+[^.;]{0,40}?\d{4}", p.text
                )
                if m:
                    source = (p.start + m.start(), p.start + m.end())
                    break
        if source is None:
            return period
        s, e = _trim_value(self.text, *source)
        text = self.slice(s, e)
        period["text"] = text
        self.span("period.text", s, e)
        issue = re.search(
            r"(?i:từ\s+(?:ngày\s+|khi\s+)?(?:ban hành|ký)|từ nay|kể từ ngày ban hành|sau khi ban hành)", text
        )
        dates = _dates(text)
        if issue:
            period["start"] = "issue_date"
            self.span("period.start", s + issue.start(), s + issue.end())
        if not dates:
            return period
        end_d = dates[-1]
        year = end_d.year or self.plan_year
        if end_d.year is None and year is not None:
            self.late.append(
                Finding("year_assumed", "period", _("No year is written: %(year)s is assumed.") % {"year": year}, "")
            )
        if year is None:
            return period
        last = end_d.resolve(year)
        if last:
            period["end"] = last[1].isoformat()
            self.span("period.end", s + end_d.start, s + end_d.end)
        if not issue:
            first_d = dates[0]
            first = first_d.resolve(first_d.year or year)
            if first:
                period["start"] = first[0].isoformat()
                self.span("period.start", s + first_d.start, s + first_d.end)
        return period

    # -- organisation: steering, coordinator, duties, milestones --------------------------------
    def org_paras(self) -> list[_Para]:
        out: list[_Para] = []
        for p in sorted({id(n): n for n in self.org_nodes}.values(), key=lambda q: q.start):
            out.append(p)
            out.extend(p.extras)
        return sorted({id(p): p for p in out}.values(), key=lambda q: q.start)

    def read_organisation(self) -> dict:
        out = {"steering_committee": None, "coordinator": None, "unit_duties": None}
        org = self.org_paras()
        steering_para = coordinator_para = None
        for p in org:
            f = fold(p.body)
            if "ban chi dao" in f and out["steering_committee"] is None:
                m = re.match(r"(.+?)\s+(?:là|làm)\s+(?:Trưởng\s+)?Ban\s+[Cc]hỉ\s+đạo", p.body)
                if m:
                    s, e = p.bstart, p.bstart + m.end(1)
                else:
                    m = re.search(r"Ban\s+[Cc]hỉ\s+đạo[^:]{0,60}(?:gồm|:)\s*(.+)", p.body)
                    s, e = (p.bstart + m.start(1), p.end) if m else (p.bstart, p.end)
                s, e = _trim_value(self.text, s, e)
                out["steering_committee"] = self.slice(s, e)
                self.span("steering_committee", s, e)
                steering_para = p
        for p in org:
            if p is steering_para or self.milestone_of(p):
                continue
            f = fold(p.body)
            if not re.search(r"theo doi|thuong truc|dau moi|tong hop|tham muu", f):
                continue
            m = re.match(
                r"(.+?)\s+(?:phối hợp|chủ trì|là\s|có trách nhiệm|tham mưu|theo dõi|thường trực|làm\s)", p.body
            )
            if not m:
                continue
            code = self.directory.match(m.group(1))
            if code and self.directory.root and code != self.directory.root["code"]:
                s, e = _strip_span(self.text, p.bstart, p.end, " \t\n")
                out["coordinator"] = {"unit": code, "duties": self.slice(s, e)}
                self.span("coordinator.unit", p.bstart, p.bstart + m.end(1))
                self.span("coordinator.duties", s, e)
                coordinator_para = p
                break
        # What every unit must do: paragraphs addressed to groups of units, without the deadlines.
        duties: list[_Para] = []
        for p in org:
            if p in (steering_para, coordinator_para) or p.region != "body":
                continue
            if p.parent is not None and p.parent in duties:
                if not self.is_submission(p):
                    duties.append(p)
                continue
            if p in [x for d in duties for x in d.extras] and not self.is_submission(p):
                duties.append(p)
                continue
            groups, _units = self.groups_in_subject(p)
            if groups and not self.is_submission(p):
                duties.append(p)
        if duties:
            out["unit_duties"] = "\n".join(p.text for p in duties)
            self.span("unit_duties", duties[0].start, duties[-1].end)
        return out

    def is_submission(self, p: _Para) -> bool:
        return bool(
            self.milestone_of(p) or _EMAIL_RE.search(p.body) or re.search(r"thoi gian sau|cac moc", fold(p.body))
        )

    def milestone_of(self, p: _Para) -> _Deadline | None:
        """The deadline a paragraph sets for a document ("Báo cáo sơ kết: trước 11g00 ngày …"), if any."""
        if p.section in ("activities", "goals", "period", "audience", "time_audience") or p.region != "body":
            return None
        body = p.body
        for kw in _DEADLINE_RE.finditer(body):
            window = body[kw.end() : kw.end() + 90]
            dates = _dates(window)
            if not dates:
                continue
            d = dates[0]
            gap = window[: d.start]
            label, label_start, rest_at = body[: kw.start()], 0, 0
            doc = re.match(r"([^.;:]{1,60}?):", gap)
            if doc and _DOCUMENT_RE.search(doc.group(1)):  # "Hạn chót gửi kế hoạch: 17g00 ngày …"
                label, label_start, rest_at = doc.group(1), kw.end() + doc.start(1), doc.end()
            rest = gap[rest_at:]
            stripped = _WEEKDAY_RE.sub(" ", _TIME_RE.sub(" ", rest))
            if not re.fullmatch(r"[\s,():]*(?:(?i:ngày|lúc|vào|hết|sáng|chiều)[\s,():]*)*", stripped):
                continue
            context = fold(body[: kw.start()]) + " " + fold(p.parent.body if p.parent else "")
            if not _DOCUMENT_RE.search(label) and not re.search(r"\b(gui|nop)\b", context):
                continue
            return _Deadline(kw.start(), kw.end(), d, _TIME_RE.search(rest), gap, label, label_start)
        return None

    def read_milestones(self, submission_email: str | None, issuer_is_city: bool) -> None:
        counts: Counter = Counter()
        others = 0
        for p in self.paras:
            found = self.milestone_of(p)
            if not found:
                continue
            d, time, gap = found.date, found.time, found.gap
            body = p.body
            base = p.bstart
            f = fold(found.label)
            if re.search(r"dang ky thi dua|ban dang ky thi dua|dang ky chi tieu", fold(body)):
                kind = "registration"
            elif "so ket" in f:
                kind = "midterm"
            elif "tong ket" in f:
                kind = "final"
            elif re.search(r"\bke hoach\b", f):
                kind = "plan"
            else:
                kind = "other"
            date_start = found.kw_end + d.start
            year = d.year or self.year_within_period(d)
            where_index = len(self.milestones) + 1
            if year is None:
                continue
            if d.year is None:
                self.late.append(
                    Finding(
                        "year_assumed",
                        f"milestones[{where_index}]" if kind != "registration" else "registration_deadline",
                        _("No year is written: %(year)s is assumed.") % {"year": year},
                        "",
                    )
                )
            resolved = d.resolve(year)
            if not resolved:
                continue
            day = resolved[1]
            if time:
                hour = int(time["h"])
                minute = int(time["m1"] or time["m2"] or time["m3"] or 0)
                if hour > 23 or minute > 59:
                    hour, minute = DEFAULT_DEADLINE_TIME
            else:
                hour, minute = DEFAULT_DEADLINE_TIME
            deadline = vn_datetime(day, hour, minute).isoformat()
            text_end = found.kw_end + d.end
            wd = _weekday_near(body, _Date(date_start, found.kw_end + d.end, d.day, d.month, d.year))
            weekday = None
            if wd is None:
                m = _WEEKDAY_RE.search(gap)
                if m:
                    wd = (found.kw_end + m.start(), found.kw_end + m.end())
            if wd:
                weekday = body[wd[0] : wd[1]]
                if wd[1] > text_end:
                    close = body.find(")", wd[1])
                    text_end = close + 1 if 0 <= close - wd[1] <= 2 else wd[1]
            deadline_text = body[found.start : text_end].strip()
            if kind == "registration":
                if self.registration is None:
                    self.registration = (deadline, base + found.start, base + text_end)
                continue
            # Title: the document named ("Báo cáo sơ kết"), else the label.
            label = found.label.strip(" -–:,;")
            label_at = base + found.label_start + found.label.find(label) if label else base
            m = re.search(
                r"(?<!\w)(kế hoạch|báo cáo|danh sách|hồ sơ|bảng đăng ký|bản đăng ký|đăng ký|văn bản|tờ trình|bài dự thi|"
                r"sản phẩm|số liệu|đề xuất)(?!\w)",
                label,
                re.I,
            )
            title_start = title_end = None
            if m:
                tail = label[m.start() :]
                stop = re.search(
                    r"(?<!\w)(gửi|về|qua|cho|trước|chậm|hạn|tại|nộp|theo|bằng|của các|lên)(?!\w)|[,;:(]",
                    tail[len(m.group(0)) :],
                    re.I,
                )
                title = tail[: len(m.group(0)) + (stop.start() if stop else len(tail))].strip()
                title_start = label_at + m.start()
                title_end = title_start + len(title)
            else:
                title = label or {"plan": "Kế hoạch", "midterm": "Báo cáo sơ kết", "final": "Báo cáo tổng kết"}.get(
                    kind, ""
                )
                if label:
                    title_start, title_end = label_at, label_at + len(label)
            title = _capitalise(title.strip()) or "Văn bản"
            if len(title) > 200:
                title = title[:197].rsplit(" ", 1)[0] + "…"
            if kind == "other":
                others += 1
                code = f"M{others}"
            else:
                prefix = {"plan": "KH", "midterm": "SK", "final": "TK"}[kind]
                counts[kind] += 1
                code = prefix if counts[kind] == 1 else f"{prefix}{counts[kind]}"
            where = f"milestones[{where_index}]"
            # Who sends it: groups named in the paragraph or its ancestors.
            groups, units = [], []
            node: _Para | None = p
            while node is not None and not groups and not units:
                groups, units = self.groups_in_subject(node)
                node = node.parent
            if not groups and not units:
                groups = [UnitGroup.DIRECT_UNITS.value if issuer_is_city else UnitGroup.GRASSROOTS.value]
            email = None
            node = p
            while node is not None and email is None:
                m = _EMAIL_RE.search(node.body)
                email = m.group(0) if m else None
                node = node.parent
            submit_to = email or submission_email
            if title_start is not None:
                self.span(f"{where}.title", title_start, title_end)
            self.span(f"{where}.deadline", base + found.start, base + text_end)
            self.span(f"{where}.deadline_text", base + found.start, base + text_end)
            if wd:
                self.span(f"{where}.weekday", base + wd[0], base + wd[1])
            self.milestones.append(
                {
                    "code": code,
                    "kind": kind,
                    "title": title,
                    "deadline": deadline,
                    "deadline_text": deadline_text,
                    "weekday": weekday,
                    "submit_to": submit_to,
                    "reviewer": None,
                    "expected": {"groups": groups, "units": units},
                }
            )

    # -- footer -------------------------------------------------------------------------------
    def read_footer(self) -> tuple[list[str], dict]:
        footer = self.region("footer")
        distribution: list[str] = []
        signature = {"on_behalf": None, "position": None, "name": None}
        in_list = False
        sig_index = None
        for i, p in enumerate(footer):
            f = fold(p.text)
            if f.startswith("noi nhan"):
                in_list = True
                rest = re.sub(r"^(?i:nơi nhận)\s*:?\s*", "", p.text)
                if rest:
                    s = p.end - len(rest)
                    self.add_distribution(distribution, s, p.end)
                continue
            if re.match(r"(tm|t/m|kt|k/t)\.?\s", f) and _is_caps(p.text):
                if signature["on_behalf"] is None and re.match(r"(tm|t/m)\b", f):
                    signature["on_behalf"] = p.text
                    self.span("signature.on_behalf", p.start, p.end)
                sig_index = i if sig_index is None else sig_index
                continue
            mtype, length = _split_marker(p.text)
            if in_list and mtype and mtype not in ("roman", "num"):
                self.add_distribution(distribution, p.start + length, p.end)
                continue
            if in_list and not _is_caps(p.text) and p.text.rstrip()[-1:] in ";." and sig_index is None:
                self.add_distribution(distribution, p.start, p.end)
        # Signature: after the TM./KT. line: capitals = position, then the signer's name.
        start = sig_index if sig_index is not None else 0
        position = None
        for p in footer[start:]:
            f = fold(p.text)
            if re.match(r"(tm|t/m)\b", f) or fold(p.text).startswith("noi nhan"):
                continue
            if _split_marker(p.text)[0] or re.fullmatch(
                r"\(?\[?(da ky|ky ten.*|chu ky.*|ky, ghi ro ho ten.*)\]?\)?\.?", f
            ):
                continue
            if _is_caps(p.text):
                if (
                    re.search(r"\b(bi thu|truong ban|chu tich|pho|uy vien|giam doc|chanh van phong)\b", f)
                    or sig_index is not None
                ):
                    position = p
                continue
            if (
                position is not None
                and re.fullmatch(r"(?:[^\W\d_][\w]*\s+){1,5}[^\W\d_][\w]*", p.text)
                and all(w[0].isupper() for w in p.text.split())
            ):
                signature["name"] = p.text
                self.span("signature.name", p.start, p.end)
                break
        if position is not None:
            signature["position"] = position.text
            self.span("signature.position", position.start, position.end)
        return distribution, signature

    def add_distribution(self, distribution: list[str], start: int, end: int) -> None:
        start, end = _strip_span(self.text, start, end, " \t\n")
        if end > start:
            distribution.append(self.slice(start, end))
            self.span(f"distribution[{len(distribution)}]", start, end)

    # -- the whole ----------------------------------------------------------------------------
    def run(self) -> ImportResult:
        issuer = self.read_header()
        distribution, signature = self.read_footer()
        header_matched = issuer["unit"] is not None
        text_name, text_name_span = self.issuer_from_text()
        if not header_matched:
            if issuer["name"] is None and text_name:
                issuer["name"] = text_name
                self.span("issuer.name", *text_name_span)
            code = self.issuer_code_arg
            if not code:
                for p in self.region("footer"):
                    if re.match(r"(tm|t/m)\b", fold(p.text)):
                        code = self.match_issuer(re.sub(r"^\S+\s*", "", p.text))
                        break
            if not code and text_name:
                code = self.match_issuer(text_name)
            if not code and self.directory.root:
                code = self.directory.root["code"]
            issuer["unit"] = code or "TD"
        if issuer["name"] is None and text_name:
            issuer["name"] = text_name
            self.span("issuer.name", *text_name_span)
        if issuer["name"] is None and signature["on_behalf"]:
            sp = self.spans["signature.on_behalf"]
            m = re.match(r"(?:TM|T/M)\.?\s*", signature["on_behalf"])
            issuer["name"] = signature["on_behalf"][m.end() if m else 0 :] or None
            self.span("issuer.name", sp.start + (m.end() if m else 0), sp.end)
        self.issuer_unit = issuer["unit"]
        self.directory.add_subtree(issuer["unit"])
        issuer_is_city = self.directory.kind(issuer["unit"]) in (None, UnitKind.CITY)

        title_para = next((p for p in self.paras if p.region == "title"), None)
        title = theme = None
        if title_para is not None:
            t_start = title_para.start
            m = (
                re.match(r"(?i:kế hoạch)\s*[:\-–]?\s*", title_para.text)
                if any(p.region == "header" for p in self.paras) or not any(p.region == "kh" for p in self.paras)
                else None
            )
            if m and m.end() < len(title_para.text) and re.match(r"ke hoach\b", fold(title_para.text)):
                t_start += m.end()
            title = _capitalise(self.slice(t_start, title_para.end).strip())
            self.span("title", t_start, title_para.end)
            q = _QUOTE_RE.search(title_para.text)
            if q:
                theme = q.group(q.lastindex)
                self.span("theme", title_para.start + q.start(q.lastindex), title_para.start + q.end(q.lastindex))
        self.plan_year = self.find_plan_year(issuer, title or "")

        context, roots, closing = self.build_tree()
        self.walk(roots, None)
        if theme is None:
            for p in context:
                for q in _QUOTE_RE.finditer(p.text):
                    if re.search(
                        r"(chu de|thong diep|khau hieu|phat dong|phuong cham)[^.]{0,40}$", fold(p.text[: q.start()])
                    ):
                        theme = q.group(q.lastindex)
                        self.span("theme", p.start + q.start(q.lastindex), p.start + q.end(q.lastindex))
                        break
                if theme:
                    break
        context_text = None
        if context:
            s, e = context[0].start, context[-1].end
            context_text = self.slice(s, e)
            self.span("context", s, e)
        period = self.read_period(context)
        period_start = issuer["date"] if period["start"] == "issue_date" else period["start"]
        if period_start and period["end"]:
            self.period_range = (dt.date.fromisoformat(period_start), dt.date.fromisoformat(period["end"]))
        if self.audience:
            s, e = _trim_value(self.text, *self.audience)
            audience = self.slice(s, e) or None
            self.span("audience", s, e)
        else:
            audience = None
        submission_email = None
        for p in [*self.org_paras(), *[q for q in self.paras if q.region == "body"]]:
            m = _EMAIL_RE.search(p.text)
            if m:
                submission_email = m.group(0)
                self.span("submission_email", p.start + m.start(), p.start + m.end())
                break
        org = self.read_organisation()
        if org["coordinator"] is None and submission_email:
            for p in self.paras:
                if submission_email in p.text:
                    m = re.search(
                        r"(?:qua|về|cho|đến)\s+((?:Ban|Văn phòng|Trung tâm)[^(,;:.]+?)\s*(?:\(|,|$|\s-\s)", p.text
                    )
                    code = self.directory.match(m.group(1)) if m else None
                    if code and code != issuer["unit"]:
                        org["coordinator"] = {"unit": code, "duties": None}
                        self.span("coordinator.unit", p.start + m.start(1), p.start + m.end(1))
                    break
        self.read_milestones(submission_email, issuer_is_city)
        closing_text = None
        if closing:
            s, e = closing[0].start, closing[-1].end
            closing_text = self.slice(s, e)
            self.span("closing_text", s, e)
        registration = None
        if self.registration:
            registration = self.registration[0]
            self.span("registration_deadline", self.registration[1], self.registration[2])

        if period["start"] is None:
            self.early.append(
                Finding(
                    "period_start_unknown", "period", _("The plan does not say when the campaign starts."), _("Period")
                )
            )
        if period["end"] is None:
            self.early.append(
                Finding("period_end_unknown", "period", _("The plan does not say when the campaign ends."), _("Period"))
            )
        m = re.search(r"\b((?:19|20)\d\d)\b", f"{theme or ''} {title or ''}")
        year = int(m.group(1)) if m else self.plan_year
        slug = self.slug_arg or self.make_slug(theme or title or "", year)
        definition = {
            "format": FORMAT,
            "slug": slug,
            "status": "draft",
            "title": title or "Kế hoạch (không có tiêu đề)",
            "theme": theme,
            "context": context_text,
            "issuer": issuer,
            "period": period,
            "audience": audience,
            "steering_committee": org["steering_committee"],
            "coordinator": org["coordinator"] or {"unit": None, "duties": None},
            "unit_duties": org["unit_duties"],
            "submission_email": submission_email,
            "registration_deadline": registration,
            "goals": self.goals,
            "activities": self.activities,
            "indicators": [],
            "milestones": self.milestones,
            "closing_text": closing_text,
            "distribution": distribution,
            "signature": signature,
        }
        validate(definition)
        reported = {f.where for f in self.late if f.code == "unit_not_in_directory"}
        checks = [
            f
            for f in check_definition(definition)
            if not (f.code == "unit_not_in_directory" and f.where in reported)
            and not (f.code == "period_start_unknown" and period["start"] is None)
        ]
        warnings = [*self.early, *checks, *self.late]
        return ImportResult(self.text, definition, self.spans, warnings, self.suggestions)

    def year_within_period(self, d: _Date) -> int | None:
        """The year of a date written without one: the year that puts it inside the period, else the plan's."""
        if self.period_range:
            start, end = self.period_range
            for year in sorted({end.year, start.year}):
                span = d.resolve(year)
                if span and start <= span[0] <= end:
                    return year
        return self.plan_year

    def find_plan_year(self, issuer: dict, title: str) -> int | None:
        if issuer.get("date"):
            return int(issuer["date"][:4])
        m = re.search(r"(?i:năm)\s+((?:19|20)\d\d)\b", title) or re.search(r"\b((?:19|20)\d\d)\b", title)
        if m:
            return int(m.group(1))
        years = Counter(
            int(y)
            for y in re.findall(r"(?<![\d/.-])(?:\d{1,2}/\d{1,2}/)?((?:19|20)\d\d)(?!\d)", _mask(self.text, _URL_RE))
        )
        return years.most_common(1)[0][0] if years else None

    @staticmethod
    def make_slug(text: str, year: int | None) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "ke-hoach"
        suffix = f"-{year}" if year and str(year) not in base[:60] else ""
        limit = 60 - len(suffix)
        if len(base) > limit:
            base = base[:limit]
            base = base.rsplit("-", 1)[0] if "-" in base else base
        return (base.strip("-") or "ke-hoach") + suffix


def import_text(text: str, *, issuer_code: str | None = None, slug: str | None = None) -> ImportResult:
    """Read a plan's text and return the draft definition, where each field came from and the warnings."""
    return _Importer(text, issuer_code, slug).run()
