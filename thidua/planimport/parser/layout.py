"""Normalisation: the raw text of a plan → one clean text and its paragraphs, each in a region.

Regions, top to bottom: ``header`` (issuing body, number, place and date — one paragraph per table cell),
``kh`` (a "KẾ HOẠCH" line on its own), ``title``, ``subtitle`` ("(Ban hành kèm theo …)"), ``body`` (hard-wrapped
lines joined back into paragraphs) and ``footer`` (from "Nơi nhận:" or the "TM. …" line on).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from thidua.core.text import fold
from thidua.planimport.parser.markup import HEADING_SENTINEL, strip_markup
from thidua.planimport.parser.paragraphs import SIGNATURE_LINE_RE, Para, split_marker
from thidua.planimport.parser.text import RULE_LINE_RE, SPACES_RE, is_caps, unbalanced
from thidua.planimport.parser.unglue import MARKUP_CHARS_RE, unglue
from thidua.planimport.parser.unglue import NUMBER_LINE_FOLDED_RE as DOCUMENT_NUMBER_FOLDED_RE

# Punctuation that ends a sentence: a line ending with it is not joined to the next.
TERMINAL = ".;:!?…"

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2007\u2009\u202f\u3000"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)

# Where a line splits into cells: tabs (a table row, a .docx header table) or three spaces and more
# ("BCH ĐOÀN TP. HỒ CHÍ MINH          ĐOÀN TNCS HỒ CHÍ MINH").
CELL_SPLIT_RE = re.compile(r"\t+| {3,}")
# A cell ending with "ngày" whose day was left blank: "…, ngày    tháng 5 năm 2023".
BLANK_DAY_RE = re.compile(r"(?i:ngày)$")
# The cell that goes on after such a blank day: "tháng 5 năm 2023".
MONTH_WORD_RE = re.compile(r"(?i:tháng)\b")
# The document number line, accent-folded: "Số: 123-KH/TĐTN-BCNLĐ" → "so: 123-kh/…", "Số  154 -KH/ĐTN",
# "KH SỐ:…./KHLĐ", "Số   /KH-ĐTN" (the number left blank until it is signed).
# The place and date line, accent-folded: "TP. Hồ Chí Minh, ngày 20 tháng 4 năm 2023".
PLACE_DATE_FOLDED_RE = re.compile(r",\s*ngay\b.*\bthang\b.*\bnam\b")
# The national motto, accent-folded: "Độc lập - Tự do - Hạnh phúc".
MOTTO_FOLDED_RE = re.compile(r"doc lap\W+tu do\W+hanh phuc\W*")
# Words of an issuing body in capitals, accent-folded: "BCH ĐOÀN TP. HỒ CHÍ MINH", "CỘNG HÒA …", "BTV …".
ISSUING_BODY_FOLDED_RE = re.compile(r"\b(doan|ban|bch|btv|hoi|uy ban|cong hoa|tncs)\b")
# The "KẾ HOẠCH" line that ends the header, accent-folded: "ke hoach", "ke hoach to chuc …".
KE_HOACH_FOLDED_RE = re.compile(r"ke hoach\b")
# "Kế hoạch" (or another document type) and what separates it from the title: "KẾ HOẠCH: ", "Kế hoạch - ",
# "QUYẾT ĐỊNH", "HƯỚNG DẪN".
KE_HOACH_PREFIX_RE = re.compile(r"(?i:kế hoạch|quyết định|hướng dẫn)\s*[:\-–]?\s*")
# A document type in capitals on a line of its own (or starting it), folded: "ke hoach", "quyet dinh" ….
DOC_TYPE_FOLDED_RE = re.compile(r"(ke hoach|quyet dinh|huong dan)\b")
# A title line that ends with a linking word or a dash, so the next line goes on with it:
# "Tổ chức các hoạt động chào mừng kỷ niệm 92 năm Ngày thành lập Đoàn TNCS Hồ Chí Minh và".
TITLE_LINK_END_RE = re.compile(r"(\b(và|của|trong|cho|với|năm|về|tại)|[-–,])$", re.I)
# The words a plan's first paragraph starts with, folded: the title has ended before "Căn cứ …", "Thực hiện …".
BODY_START_FOLDED_RE = re.compile(
    r"(can cu|thuc hien|duoc su|de |nham |theo |huong ung|thiet thuc|tiep tuc|ban thuong vu|ban chap hanh|bch |btv )"
)
# The words only a first paragraph starts with (a title may start "Thực hiện chương trình …"), folded.
FIRST_PARAGRAPH_FOLDED_RE = re.compile(r"(can cu|duoc su|ban thuong vu|ban chap hanh|bch |btv )")
# A dispatch's subject, which stands in its header's left column, folded: "V/v …", "V.v. …", "Về việc …".
DISPATCH_SUBJECT_FOLDED_RE = re.compile(r"(v/v|v\.v\.?|ve viec)\s")
# A title's dates on a line of their own, in brackets: "(15/10/1956 - 15/10/2015)", "(1931 – 2021)".
TITLE_DATES_RE = re.compile(r"\(\s*[\d/.]{4,10}\s*[-–]\s*[\d/.]{4,10}\s*\)")
TITLE_MAX = 400  # characters: a longer "title" is the first paragraph
HEADER_LINE_MAX = 120  # characters: a longer line is a sentence, not a header's place and date
PREAMBLE_LINES = 3  # lines a web page may put before a header that has no "KẾ HOẠCH" line after it
# Markup around a line: "**KẾ HOẠCH**".


def _clean(raw: str) -> str:
    """NFC, one kind of space and of line break, no invisible characters, no markup."""
    s = unicodedata.normalize("NFC", raw or "").translate(_SPACES).translate(_INVISIBLE)
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    return strip_markup(unglue(s))


def _cells(line: str) -> list[str]:
    cells: list[str] = []
    for cell in CELL_SPLIT_RE.split(line.strip()):
        cell = SPACES_RE.sub(" ", cell).strip()
        if cells and BLANK_DAY_RE.search(cells[-1]) and MONTH_WORD_RE.match(cell):
            cells[-1] += " " + cell  # "ngày    tháng 5 năm 2023": the day is left blank, not a new cell
        elif cell:
            cells.append(cell)
    return cells


@dataclass
class _Lines:
    """The lines of the cleaned text as cells, with their Markdown heading level."""

    rows: list[tuple[list[str], int]]
    nonempty: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.nonempty = [i for i, (cells, _md) in enumerate(self.rows) if cells]

    def joined(self, i: int) -> str:
        """Line `i` with its cells joined by a space."""
        return " ".join(self.rows[i][0])


def _read_lines(s: str) -> _Lines:
    rows: list[tuple[list[str], int]] = []
    for line in s.split("\n"):
        md = 0
        if line.startswith(HEADING_SENTINEL):
            md, line = int(line[1]), line[2:]
        rows.append((_cells(line), md))
    return _Lines(rows)


def _headerish(line: str) -> bool:
    f = fold(line)
    if RULE_LINE_RE.fullmatch(line):
        return True
    if DOCUMENT_NUMBER_FOLDED_RE.match(f):
        return True
    if PLACE_DATE_FOLDED_RE.search(f) and len(line) <= HEADER_LINE_MAX and not FIRST_PARAGRAPH_FOLDED_RE.match(f):
        return True  # "TP. Hồ Chí Minh, ngày 20 tháng 4 năm 2023", not "Căn cứ kế hoạch số …, ngày …"
    if MOTTO_FOLDED_RE.fullmatch(f):
        return True
    return is_caps(line) and bool(ISSUING_BODY_FOLDED_RE.search(f))


def _is_special_start(line: str) -> bool:
    """A line that always starts a paragraph."""
    f = fold(line[:40])
    return (
        bool(split_marker(line)[0])
        or f.startswith("(phan cong")
        or f.startswith("noi nhan")
        or bool(SIGNATURE_LINE_RE.match(f))
    )


def _should_join(a: str, b: str, blank: bool) -> bool:
    """Whether line `b` goes on the paragraph `a` (a hard-wrapped line, or a paragraph broken mid-sentence)."""
    if _is_special_start(b) or is_caps(b) or is_caps(a):
        return False
    if unbalanced(a) and not blank:
        return True
    if a[-1] in TERMINAL:
        return False
    starts_low = b[0].islower() or b[0].isdigit() or (b[0] in '(“"' and not fold(b).startswith("(phan cong"))
    if blank:
        return starts_low
    # A long line that does not end a sentence was wrapped by the editor; a short one is a line of its own.
    return starts_low or len(a) >= 50


def _before_first_heading(lines: _Lines) -> list[int]:
    """The first 40 non-empty lines, up to the first "I." heading."""
    out = []
    for i in lines.nonempty[:40]:
        if split_marker(lines.joined(i))[0] == "roman":
            break
        out.append(i)
    return out


def _find_kh(lines: _Lines) -> int | None:
    """The "KẾ HOẠCH" line that ends the header, among the first 40 lines and before the first "I.": one in
    capitals first (a web page's own title "Kế hoạch …" may come before the document's header)."""
    first_lines = _before_first_heading(lines)
    for alone in (True, False):  # "KẾ HOẠCH" alone on its line first, then a line starting with it
        for i in first_lines:
            line = lines.joined(i)
            f = fold(MARKUP_CHARS_RE.sub("", line)).strip(" :")
            if alone and DOC_TYPE_FOLDED_RE.fullmatch(f) and is_caps(line[:8]):
                return i
            if not alone and DOC_TYPE_FOLDED_RE.match(f) and is_caps(line[:8]) and i != lines.nonempty[0]:
                return i
    for n, i in enumerate(lines.nonempty[:40]):
        line = lines.joined(i)
        f = fold(line)
        if KE_HOACH_FOLDED_RE.match(f) and (
            f.strip(" :") == "ke hoach"
            or lines.rows[i][1]
            or is_caps(line[:30])
            or all(_headerish(lines.joined(j)) for j in lines.nonempty[:n])
        ):
            return i
        if split_marker(line)[0] == "roman":
            return None
    return None


def _header_and_title_start(lines: _Lines, kh: int | None) -> tuple[list[int], int | None]:
    """(header lines, the title's first line): before "KẾ HOẠCH", else the leading header-like lines."""
    if kh is not None:
        return [i for i in lines.nonempty if i < kh], kh
    head = 0
    for n, i in enumerate(lines.nonempty):
        if not _headerish(lines.joined(i)):
            if head == 0 and n < PREAMBLE_LINES:
                continue  # a web page's own lines before the document's header
            break
        head = i + 1
    return [i for i in lines.nonempty if i < head], next((i for i in lines.nonempty if i >= head), None)


def _title_goes_on(prev: str, nxt: str, contiguous: bool) -> bool:
    """Whether line `nxt` continues the title `prev`: an open quote, a small letter, a linking word, capitals,
    or any next line without a blank before it — unless it starts the body ("Căn cứ …") or is too long."""
    if BODY_START_FOLDED_RE.match(fold(nxt)) or len(prev) + len(nxt) > TITLE_MAX:
        return False
    if TITLE_DATES_RE.fullmatch(nxt) and contiguous:
        return True  # "(15/10/1956 - 15/10/2015)": the title's dates, and it may go on after them
    if (nxt.startswith("(") and nxt.endswith(")")) or (not is_caps(prev) and is_caps(" ".join(nxt.split()[:3]))):
        return False  # a subtitle "(Ban hành kèm theo …)", or capitals after a title in small letters
    ends_with_link = TITLE_LINK_END_RE.search(prev)
    # With a blank line between them, a title goes on with a small letter or after a linking word.
    return bool(
        (unbalanced(prev) and (contiguous or nxt[0].islower()))
        or contiguous
        or ((ends_with_link or nxt[0].islower()) and len(nxt) < 120)
    )


def _is_body_start(line: str) -> bool:
    """A line that is the body's first paragraph, not a title: "Căn cứ …", longer than a title, or a sentence
    that announces what follows ("Nhằm …, Ban Thường vụ thông báo … như sau:")."""
    return (
        bool(FIRST_PARAGRAPH_FOLDED_RE.match(fold(line)))
        or len(line) > TITLE_MAX
        or (len(line) > HEADER_LINE_MAX and line.rstrip().endswith(":"))
    )


def _title_lines(lines: _Lines, kh: int | None, title_first: int | None) -> tuple[list[int], int | None]:
    """(the title's lines, the "KẾ HOẠCH" line when it stands alone): the KẾ HOẠCH line's rest, else the next."""
    if title_first is None:
        return [], None
    kh_only = None
    first = lines.joined(title_first)
    prefix = KE_HOACH_PREFIX_RE.match(first) if kh is not None else None
    rest_of_kh = first[prefix.end() :] if prefix else first
    if kh is not None and not rest_of_kh:
        kh_only = title_first
        after = [i for i in lines.nonempty if i > title_first]
        title_first = after[0] if after else None
    if title_first is None or _is_body_start(lines.joined(title_first)):
        return [], kh_only
    title_idx = [title_first]
    for i in lines.nonempty:
        if i <= title_first:
            continue
        prev, nxt = " ".join(lines.joined(j) for j in title_idx), lines.joined(i)
        if _is_special_start(nxt) or RULE_LINE_RE.fullmatch(nxt):
            break
        if not _title_goes_on(prev, nxt, i == title_idx[-1] + 1):
            break
        title_idx.append(i)
    return title_idx, kh_only


def _dispatch_header_tail(lines: _Lines, kh: int | None, title_idx: list[int]) -> list[int]:
    """A dispatch without a "KẾ HOẠCH" line whose header cells come one per line: the subject ("V/v …", its left
    column) is read as the title, and the header lines after it (the right column: "ĐOÀN TNCS HỒ CHÍ MINH", the
    place and date) belong to the header, not to the body."""
    if kh is not None or not title_idx or not DISPATCH_SUBJECT_FOLDED_RE.match(fold(lines.joined(title_idx[0]))):
        return []
    tail = []
    for i in lines.nonempty:
        if i <= title_idx[-1]:
            continue
        if not _headerish(lines.joined(i)):
            break
        tail.append(i)
    return tail


def _footer_start(lines: _Lines, after_title: int) -> int:
    """The first footer line: "Nơi nhận:", or a signature line in capitals ("TM. BAN THƯỜNG VỤ")."""
    for i in lines.nonempty:
        if i < after_title:
            continue
        first_cell = lines.rows[i][0][0]
        f = fold(first_cell)
        if f.startswith("noi nhan") or SIGNATURE_LINE_RE.match(f) and is_caps(first_cell):
            return i
    return len(lines.rows)


def _body_paragraphs(lines: _Lines, start: int, end: int, has_title: bool) -> list[tuple[str, int]]:
    """(text, Markdown level) of the body's paragraphs, broken lines joined; level -1 marks a subtitle."""
    paragraphs: list[tuple[str, int]] = []
    blank = False
    for i in range(start, end):
        cells, md = lines.rows[i]
        if not cells:
            blank = True
            continue
        line = " ".join(cells)
        if has_title and i == start and line.startswith("(") and line.endswith(")"):
            paragraphs.append((line, -1))  # a subtitle such as "(Ban hành kèm theo …)"
            blank = False
            continue
        if paragraphs and not md and paragraphs[-1][1] == 0 and _should_join(paragraphs[-1][0], line, blank):
            paragraphs[-1] = (paragraphs[-1][0] + " " + line, 0)
        else:
            paragraphs.append((line, md))
        blank = False
    return paragraphs


class _Writer:
    """Writes paragraphs one after the other and remembers where each one is."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.paras: list[Para] = []
        self.pos = 0

    def emit(self, text: str, region: str, sep: str, md: int = 0) -> None:
        """Write `text` as a paragraph of `region`, after `sep` unless it is the first."""
        if self.out:
            self.out.append(sep)
            self.pos += len(sep)
        self.paras.append(Para(self.pos, self.pos + len(text), text, region, md=md, bstart=self.pos))
        self.out.append(text)
        self.pos += len(text)


def normalise(raw: str) -> tuple[str, list[Para]]:
    """(the normalised text, its paragraphs in order); every later offset is an offset into that text."""
    lines = _read_lines(_clean(raw))
    kh = _find_kh(lines)
    header_idx, title_first = _header_and_title_start(lines, kh)
    title_idx, kh_only = _title_lines(lines, kh, title_first)
    header_tail = _dispatch_header_tail(lines, kh, title_idx)
    after_title = (title_idx[-1] if title_idx else (kh_only if kh_only is not None else -1)) + 1
    if header_tail:
        after_title = header_tail[-1] + 1
    footer_start = _footer_start(lines, after_title)
    paragraphs = _body_paragraphs(lines, after_title, footer_start, bool(title_idx))

    w = _Writer()
    for i in header_idx + header_tail:
        for cell in lines.rows[i][0]:
            w.emit(cell, "header", "\n")
    if kh_only is not None:
        w.emit(lines.joined(kh_only), "kh", "\n\n")
    if title_idx:
        w.emit(" ".join(lines.joined(i) for i in title_idx), "title", "\n\n" if w.out else "")
    for text, md in paragraphs:
        w.emit(text, "subtitle" if md == -1 else "body", "\n\n", md=max(md, 0))
    previous_blank = True  # footer cells keep their lines; a blank line between them is kept as one
    for i in range(footer_start, len(lines.rows)):
        if not lines.rows[i][0]:
            previous_blank = True
            continue
        for cell in lines.rows[i][0]:
            w.emit(cell, "footer", "\n\n" if previous_blank else "\n")
            previous_blank = False
    return "".join(w.out), w.paras
