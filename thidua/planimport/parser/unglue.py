"""Undo what copying a plan out of Word or a web page did to its structure, before the layout is read.

Real plans arrive flattened in a few recurring ways (tests/plans/real has examples of each):

- the two-column header table glued into one line, or one cell per line with "|" between the cells:
  "BAN CHẤP HÀNH TRUNG ƯƠNG***Số: 367 - QĐ/TWĐTN-VPĐOÀN TNCS HỒ CHÍ MINH Hà Nội, ngày 29 tháng 10 năm 2013",
  "UBND XÃ ĐÔNG HƯNG A CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "LIÊN ĐỘI THCS TÂN HƯNG Tân Hưng, ngày …";
- a header cell wrapped over several lines: "BAN CHẤP" / "HÀNH TRUNG ƯƠNG", "BCH ĐOÀN HUYỆN" / "THỌ XUÂN",
  "Thọ" / "Xuân, ngày 25 tháng 02 năm 2015";
- the document type glued to its title ("QUYẾT ĐỊNHVề việc …"), rules of dashes inside a line;
- a whole document on one line, its list items joined by "; - " and its footer run together
  ("… thi hành./. Nơi nhận: - Như điều 4; - … TM. BAN BÍ THƯ TRUNG ƯƠNG ĐOÀNBÍ THƯ THƯỜNG TRỰC (đã ký) …").

`unglue()` puts the line breaks back; it never removes words, so every fact keeps its wording.
"""

from __future__ import annotations

import re

from thidua.core.text import fold
from thidua.planimport.parser.text import is_caps

# The words a document starts its title with, in capitals: "KẾ HOẠCH", "QUYẾT ĐỊNH", "HƯỚNG DẪN" ….
DOC_TYPE_RE = re.compile(r"(?<![^\W\d_])(KẾ HOẠCH|QUYẾT ĐỊNH|HƯỚNG DẪN|THÔNG BÁO|CÔNG VĂN|CHƯƠNG TRÌNH)(?![^\W\d_])")
# A document type glued to its title: "QUYẾT ĐỊNHVề việc …" (the break goes after group 1).
DOC_TYPE_GLUED_RE = re.compile(r"(KẾ HOẠCH|QUYẾT ĐỊNH|HƯỚNG DẪN|THÔNG BÁO)(?=[A-ZĐ][a-zà-ỹđ])")
# A rule of dashes, underscores or macrons inside a line: "--------- ", "¯¯¯¯¯", "***"; and the star a copy
# leaves between the header's cells: "BAN THƯỜNG VỤ THÀNH ĐOÀN*Số: 123-KH/…".
INLINE_RULE_RE = re.compile(r"\s*(?:-{5,}|_{5,}|¯{5,}|\*\s?\*\s?\*|(?<=[A-ZĐ])\*(?=\s*(?:Số|SỐ)))\s*")
# A line that is only a rule: "-------------------", "* * *", "¯¯¯¯¯¯" (it becomes a blank line).
RULE_ONLY_RE = re.compile(r"(?:[-_=~¯*•]\s?){3,}")
# Markup around a header line: "**KẾ HOẠCH**", "# KẾ HOẠCH".
MARKUP_CHARS_RE = re.compile(r"[*_#>`]+")
# A document type that ends a glued line, after the date: "… năm 2013 QUYẾT ĐỊNH" + line break.
DOC_TYPE_BEFORE_RE = re.compile(r"\s+(?=(?:KẾ HOẠCH|QUYẾT ĐỊNH|HƯỚNG DẪN)\n)")
# The right column's fixed lines, which start a cell of their own wherever they stand in a glued line.
RIGHT_COLUMN_RE = re.compile(
    r"(CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc|ĐOÀN TNCS HỒ CHÍ MINH"
    r"|ĐỘI THIẾU NIÊN TIỀN PHONG HỒ CHÍ MINH|ĐOÀN THANH NIÊN CỘNG SẢN HỒ CHÍ MINH)"
)
# A body's name glued to the line above it in capitals: "… TP. HỒ CHÍ MINHBAN THƯỜNG VỤ THÀNH ĐOÀN".
GLUED_BODY_RE = re.compile(r"(?<=[A-ZÀ-ỸĐ])(?=(?:BAN THƯỜNG VỤ|BAN CHẤP HÀNH|BAN BÍ THƯ|BCH )\b)")
# The number line inside a glued line: "… Số: 367 - QĐ/…", "… SỐ 16 KH/ĐTN" — a code with "/" or "-" after its
# letters, not a name with a number: "LIÊN ĐỘI TH SỐ 2 QUẢNG PHÚ".
NUMBER_START_RE = re.compile(r"(?<=\S)\s*(?=(?:Số|SỐ)\s*[:.]?\s*[\d…. ]*\s*[-–/]?\s*[A-ZĐ]{2}\S{0,12}[-–/])")
# A place and date after other words: "… Tân Hưng, ngày 29 tháng 10 năm 2015" (the break goes before the place,
# a run of capitalised words, "TP." / "Tp." allowed in front, a letter such as "A" allowed at the end).
PLACE_DATE_TAIL_RE = re.compile(
    r"(?<=\S)\s+(?=(?:T[Pp]\.\s?)?[A-ZÀ-ỸĐ][a-zà-ỹđ]+(?:\s[A-ZÀ-ỸĐ][a-zà-ỹđ]+){0,4}(?:\s[A-Z0-9]{1,2})?,\s*"
    r"(?i:ngày)\s*[\d…. ]*\s*(?i:tháng|/))"
)
# The last word of a header line that cannot end a body's name, folded: "BAN CHẤP" / "HÀNH TRUNG ƯƠNG",
# "BCH ĐOÀN HUYỆN" / "THỌ XUÂN", "ĐOÀN TNCS HỒ" / "CHÍ MINH", "ĐOÀN" / "TNCS HỒ CHÍ MINH".
OPEN_END_FOLDED_RE = re.compile(
    r"(?:^|\s)(ban|chap|bch|btv|doan|huyen|quan|thanh|thi|xa|phuong|truong|ho|tncs|lien|chi|dai|cao|"
    r"trung|cong|hoi|uy|thuong|tp\.?)$"
)
# A header line that starts a body or a field of its own, never the rest of the line above (folded): "BCH …",
# "BAN CHẤP HÀNH …", "ĐOÀN TRƯỜNG …", "CHI ĐOÀN …", "Số …", "KẾ HOẠCH".
NEW_BODY_FOLDED_RE = re.compile(
    r"(so\b|ke hoach|quyet dinh|bch |btv |ban chap hanh|ban thuong vu|doan truong|doan co so|chi doan|lien doi|"
    r"lien chi doan|huyen doan|quan doan|thanh doan|tinh doan|hoi dong doi)"
)
# A header cell wrapped before its last word, which stands alone on the next line: "UB HUYỆN THỌ" / "XUÂN",
# "HỘI LHTN VIỆT" / "NAM" (one word in capitals, too short for is_caps).
LAST_WORD_RE = re.compile(r"[A-ZÀ-ỸĐ]{2,}")
# A place and date line wrapped before its year: "Thọ Xuân, ngày 09 tháng 10" / "năm 2015" (folded).
DATE_BEFORE_YEAR_FOLDED_RE = re.compile(r",\s*ngay\b.*\bthang\s*\d{1,2}$")
# The year that ends such a line: "năm 2015" (folded).
YEAR_REST_FOLDED_RE = re.compile(r"nam\s*\d{4}\.?")
# The number line, folded: "số: 123-kh/…", "số  154 -kh/đtn", "kh số:…./khlđ", "số   /kh-đtn" (not "source:").
NUMBER_LINE_FOLDED_RE = re.compile(r"(?:kh\s+)?so\s*(?:[:.]|\s[\d…]|[\d…. ]*[-–/]\s*[a-z])")
# A short word or two that is the start of a place broken before its date: "Thọ" / "Xuân, ngày …".
PLACE_START_RE = re.compile(r"(?:T[Pp]\.\s?)?[A-ZÀ-ỸĐ][a-zà-ỹđ]+(?:\s[A-ZÀ-ỸĐ][a-zà-ỹđ]+)?")
# A place and date line, folded: "xuan, ngay 25 thang 02 nam 2015".
PLACE_DATE_FOLDED_RE = re.compile(r"[^,]{1,40},\s*ngay\b")
# A table cell separator left at the end of a line or alone: "ĐOÀN TNCS HỒ |", "|".
CELL_BAR_RE = re.compile(r"\s*\|\s*$")
# In a long line: a list item after a semicolon ("…; - Căn cứ …"), an article ("… ngày ký. Điều 4."),
# the recipients ("… thi hành./. Nơi nhận:"), a signature line ("… VT-LT. TM. BAN …").
LONG_LINE_BREAK_RE = re.compile(
    r"(?<=[;:])\s+(?=[-–+•]\s)|(?<=[.;:,])\s+(?=Điều \d{1,2}\.\s)|\s+(?=(?:QUYẾT ĐỊNH|Nơi nhận\s*:)\s)"
    r"|(?<=[.;])\s+(?=(?:TM|T/M|KT|K/T)\.?\s+[A-ZĐ]{2})"
)
# A signer's position glued to the body signing ("… TRUNG ƯƠNG ĐOÀNBÍ THƯ THƯỜNG TRỰC") and "(đã ký)".
SIGNER_GLUE_RE = re.compile(r"(?<=[A-ZĐ])(?=(?:PHÓ |KT\. )?BÍ THƯ\b)|\s*(?=\(đã ký\))|(?<=\(đã ký\))\s*")
# In the footer, where a copy joined the two columns (recipients | signature) with a space: before "TM. …",
# before the signer's position after a recipient ("(b/c); BÍ THƯ"), around "(đã ký)", before each "- " item.
FOOTER_BREAK_RE = re.compile(
    r"(?<=\S)\s+(?=(?:TM|T/M|KT|K/T)\.?\s+[A-ZĐ]{2})"
    r"|(?<=[;.):])\s+(?=(?:PHÓ BÍ THƯ|BÍ THƯ|TRƯỞNG BAN|PHÓ TRƯỞNG BAN|CHỦ TỊCH|HIỆU TRƯỞNG|TỔNG PHỤ TRÁCH)\b)"
    r"|\s*(?=\((?i:đã ký)\))|(?<=\((?i:đã ký)\))\s*"
    r"|(?<=[;:.])\s+(?=[-–+•]\s)"
)
# On a signature line, the signer's position after the body's name: "TM. BAN THƯỜNG VỤ HUYỆN ĐOÀN BÍ THƯ" (not the
# "BÍ THƯ" of "BAN BÍ THƯ").
SIGNER_POSITION_RE = re.compile(
    r"(?<!BAN)(?<!\bKT\.)\s+(?=(?:PHÓ BÍ THƯ|BÍ THƯ|PHÓ TRƯỞNG BAN|TRƯỞNG BAN|CHỦ TỊCH|HIỆU TRƯỞNG)\b)"
)
# Where the footer starts: "Nơi nhận" (folded) or a signature line.
FOOTER_START_FOLDED_RE = re.compile(r"(noi nhan\b|(tm|t/m)\.?\s)")
FOOTER_LINES = 40  # the footer is among the last lines
LONG_LINE = 300  # characters: a line this long that holds list items or a footer was flattened
HEADER_LINES = 25  # a header is within the first lines of a plan
PREAMBLE_LINES = 6  # lines a web page may put before the document's header


def _split(line: str, rx: re.Pattern) -> list[str]:
    """The line cut at every (zero-width or spaces) match of `rx`, pieces stripped, empty pieces dropped."""
    pieces, last = [], 0
    for m in rx.finditer(line):
        if m.start() > last or m.end() > m.start():
            pieces.append(line[last : m.start()])
            last = m.end()
    pieces.append(line[last:])
    return [p.strip() for p in pieces if p.strip()]


def _split_header_line(line: str) -> list[str]:
    """A header line glued from several cells, cut back into them."""
    out: list[str] = []
    for piece in _split(line, INLINE_RULE_RE):
        for cell in (c for glued in _split(piece, GLUED_BODY_RE) for c in _split(glued, RIGHT_COLUMN_RE_SPLIT)):
            for part in _split(cell, NUMBER_START_RE):
                m = PLACE_DATE_TAIL_RE.search(part)
                if m and _caps_or_number_before_place(part[: m.start()]):
                    out += [part[: m.start()].strip(), part[m.end() :].strip()]  # cut before the place, once
                else:
                    out.append(part)
    return out


def _caps_or_number_before_place(before: str) -> bool:
    """True when what comes before a place and date is capitals or a number ("LIÊN ĐỘI … | Tân Hưng, ngày")."""
    return is_caps(before) or bool(NUMBER_LINE_FOLDED_RE.match(fold(before)))


# The right column's lines as split points: a break before each (and after it, for what follows in the line).
RIGHT_COLUMN_RE_SPLIT = re.compile(
    r"(?=" + RIGHT_COLUMN_RE.pattern + r")|(?<=TNCS HỒ CHÍ MINH)(?=\s*\S)|(?<=PHONG HỒ CHÍ MINH)(?=\s*\S)"
    r"|(?<=CHỦ NGHĨA VIỆT NAM)(?=\s*\S)|(?<=Hạnh phúc)(?=\s*\S)"
)


def _joins_previous(prev: str, line: str) -> bool:
    """Whether a header line is the rest of the line before it, broken inside a cell."""
    if not prev or not line:
        return False
    if DATE_BEFORE_YEAR_FOLDED_RE.search(fold(prev)) and YEAR_REST_FOLDED_RE.fullmatch(fold(line)):
        return True  # "Thọ Xuân, ngày 09 tháng 10" / "năm 2015"
    if is_caps(prev) and LAST_WORD_RE.fullmatch(line) and not NEW_BODY_FOLDED_RE.match(fold(line)):
        return True  # "UB HUYỆN THỌ" / "XUÂN"
    if is_caps(prev) and is_caps(line) and OPEN_END_FOLDED_RE.search(fold(prev)):
        return not NEW_BODY_FOLDED_RE.match(fold(line))
    return bool(PLACE_START_RE.fullmatch(prev) and PLACE_DATE_FOLDED_RE.match(fold(line)))


def _header_like(line: str, nxt: str) -> bool:
    """A line of a header block: capitals, the number, the place and date, a cell bar, the right column's words,
    or the start of a place broken before its date."""
    f = fold(line)
    return bool(
        is_caps(line)
        or NUMBER_LINE_FOLDED_RE.match(f)
        or PLACE_DATE_FOLDED_RE.match(f)
        or CELL_BAR_RE.search(line)
        or RIGHT_COLUMN_RE.search(line)
        or (PLACE_START_RE.fullmatch(line) and PLACE_DATE_FOLDED_RE.match(fold(nxt)))
        or LAST_WORD_RE.fullmatch(line)
        or YEAR_REST_FOLDED_RE.fullmatch(f)
    )


def _header_block(lines: list[str]) -> tuple[int, int]:
    """(first, end) of the header block: the header-like lines up to the document type's line, starting within
    the first PREAMBLE_LINES lines (a web page may put its own title or a summary first); (0, 0) for none."""
    start = None
    for i, raw in enumerate(lines[:HEADER_LINES]):
        line = MARKUP_CHARS_RE.sub("", raw).strip()
        if not line:
            continue
        if DOC_TYPE_RE.match(line):
            if start is None and i < PREAMBLE_LINES and _doc_type_again(lines[i + 1 : HEADER_LINES]):
                continue  # a web page's own title "KẾ HOẠCH Tổ chức …" before the document's header
            return (start, i) if start is not None else (0, 0)
        nxt = next((x.strip() for x in lines[i + 1 : i + 3] if x.strip()), "")
        if _header_like(line, nxt):
            start = i if start is None else start
        elif start is not None:
            return start, i
        elif i >= PREAMBLE_LINES:
            return 0, 0
    return 0, 0


def _doc_type_again(lines: list[str]) -> bool:
    """True when one of `lines` is a document type's line ("KẾ HOẠCH"): the document's own, after a page title."""
    return any(DOC_TYPE_RE.match(MARKUP_CHARS_RE.sub("", x).strip()) for x in lines)


def _unglue_header(lines: list[str]) -> list[str]:
    out: list[str] = []
    cell_ended = False  # the line before ended its table cell ("… |"): this one starts a new cell
    for raw in lines:
        if raw.lstrip().startswith("|"):
            out.append(raw)  # a Markdown table row: strip_markup reads its cells
            continue
        line = CELL_BAR_RE.sub("", raw)
        if not line.strip() and raw.strip():
            cell_ended = True
            continue  # a "|" alone: the cell ended
        for cell in _split_header_line(line) if line.strip() else [""]:
            if out and cell and not cell_ended and _joins_previous(out[-1], cell):
                out[-1] = f"{out[-1]} {cell}"
            else:
                out.append(cell)
            cell_ended = False
        cell_ended = line != raw
    return out


def _unglue_long_line(line: str) -> list[str]:
    """A flattened paragraph: its list items, articles, recipients and signature back on lines of their own."""
    out: list[str] = []
    for piece in _split(line, LONG_LINE_BREAK_RE):
        out += _split(piece, SIGNER_GLUE_RE) if fold(piece).startswith(("tm", "t/m", "kt", "k/t")) else [piece]
    return out


def unglue(text: str) -> str:
    """The text with the line breaks a copy lost put back (header cells, the title, list items, the footer)."""
    lines: list[str] = []
    for line in text.split("\n"):
        line = DOC_TYPE_GLUED_RE.sub(r"\1\n", line)
        if len(line) > LONG_LINE or DOC_TYPE_RE.search(line[1:]) and is_caps(line[:20]):
            line = DOC_TYPE_BEFORE_RE.sub("\n", INLINE_RULE_RE.sub("\n", line))
        lines.extend("" if RULE_ONLY_RE.fullmatch(x.strip()) else x for x in line.split("\n"))
    first, end = _header_block(lines)
    head = lines[:first] + _unglue_header(lines[first:end])
    body: list[str] = []
    for line in lines[end:]:
        body += _unglue_long_line(line) if len(line) > LONG_LINE else [line]
    return "\n".join(head + _unglue_footer(body))


def _unglue_footer(lines: list[str]) -> list[str]:
    """From "Nơi nhận" (or the signature line) on, the two columns a copy joined put back on lines of their own."""
    start = next(
        (
            i
            for i in range(max(0, len(lines) - FOOTER_LINES), len(lines))
            if FOOTER_START_FOLDED_RE.match(fold(lines[i].strip()))
        ),
        None,
    )
    if start is None:
        return lines
    out = lines[:start]
    for line in lines[start:]:
        if "\t" in line:
            out.append(line)  # cells kept apart by tabs: the layout reads them
            continue
        for piece in _split(line, FOOTER_BREAK_RE):
            signer = FOOTER_START_FOLDED_RE.match(fold(piece)) and not fold(piece).startswith("noi nhan")
            out += _split(piece, SIGNER_POSITION_RE) if signer else [piece]
    return out
