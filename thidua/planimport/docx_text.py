"""A .docx plan as text that keeps the document's structure, so the parser sees what Word shows.

- runs: a TAB (``w:tab``) stays a tab — "80/2012/KH-ĐTN" TAB "Nghệ An, ngày 18 tháng 4 năm 2012" are two
  cells; a soft line break (Shift+Enter, ``w:br`` / ``w:cr``) stays a line break — a title broken by hand is
  two lines, not "hoạt động hè" + "dành" glued;
- Word's automatic numbering (``w:numPr``: the list and level of a paragraph, the formats in
  word/numbering.xml) is written out as the label Word shows: "I.", "1.", "a)", "-";
- the standard two-column header table (issuing body | national motto / organisation) is read column by
  column, one cell paragraph per line, so "BAN CHẤP HÀNH TP. HỒ CHÍ MINH" and "BAN THƯỜNG VỤ THÀNH ĐOÀN" stay
  two lines; other tables are read row by row, cells separated by a tab.

The XML is parsed without entities, DTDs or network, within the bounds the caller sets.
"""

from __future__ import annotations

from collections import defaultdict

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEADER_TABLE_MAX_COLUMNS = 3
HEADER_TABLE_MAX_ROWS = 6
HEADER_BLOCKS = 4  # a header table is among the document's first blocks
ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def _local(node) -> str:
    return node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""


def _roman(n: int) -> str:
    out = []
    for value, letters in ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _format_number(n: int, fmt: str) -> str:
    """A counter in Word's number format: decimal 3 → "3", upperRoman → "III", lowerLetter → "c" …."""
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in ("lowerLetter", "upperLetter"):
        letter = ALPHABET[(n - 1) % 26] * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    return str(n)


class Numbering:
    """Word's list definitions (numId → level → (format, text such as "%1.")) and the counters while reading."""

    def __init__(self, xml: bytes | None, parser):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = defaultdict(dict)
        if xml:
            self._read(etree.fromstring(xml, parser=parser))

    def _read(self, root) -> None:
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for a in root.iter(f"{W}abstractNum"):
            levels = {}
            for lvl in a.iter(f"{W}lvl"):
                ilvl = int(lvl.get(f"{W}ilvl", "0"))
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                start = lvl.find(f"{W}start")
                levels[ilvl] = (
                    fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{W}val", "") if text is not None else "",
                    int(start.get(f"{W}val", "1")) if start is not None else 1,
                )
            abstract[a.get(f"{W}abstractNumId", "")] = levels
        for num in root.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{W}numId", "")] = abstract.get(ref.get(f"{W}val", ""), {})

    def label(self, num_id: str, ilvl: int) -> str:
        """The label Word shows for the next paragraph of list `num_id` at level `ilvl`; deeper levels restart."""
        fmt, text, start = self.levels.get(num_id, {}).get(ilvl, ("decimal", f"%{ilvl + 1}.", 1))
        counters = self.counters[num_id]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "-"
        if fmt == "none":
            return ""
        label = text or f"%{ilvl + 1}."
        for level in range(ilvl + 1):
            level_fmt = self.levels.get(num_id, {}).get(level, ("decimal", "", 1))[0]
            label = label.replace(f"%{level + 1}", _format_number(counters.get(level, 1), level_fmt))
        return label


def _run_text(run) -> str:
    out = []
    for node in run.iter():
        name = _local(node)
        if name == "t":
            out.append(node.text or "")
        elif name == "tab":
            out.append("\t")
        elif name in ("br", "cr"):
            out.append("\n")
        elif name == "noBreakHyphen":
            out.append("-")
    return "".join(out)


def paragraph_text(p, numbering: Numbering) -> str:
    """A paragraph's text with its tabs, line breaks and numbering label."""
    text = "".join(_run_text(r) for r in p.iter(f"{W}r"))
    num_pr = p.find(f"{W}pPr/{W}numPr")
    if num_pr is not None and text.strip():
        num_id = num_pr.find(f"{W}numId")
        ilvl = num_pr.find(f"{W}ilvl")
        if num_id is not None and num_id.get(f"{W}val", "0") != "0":
            label = numbering.label(num_id.get(f"{W}val"), int(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0)
            if label:
                text = f"{label} {text.lstrip()}"
    return text


def _cell_lines(cell, numbering: Numbering) -> list[str]:
    return [t for p in cell.iter(f"{W}p") if (t := paragraph_text(p, numbering)).strip()]


def _table_lines(tbl, numbering: Numbering, header: bool) -> list[str]:
    rows = [[c for c in row if _local(c) == "tc"] for row in tbl if _local(row) == "tr"]
    if header:  # column by column: the issuing body's lines, then the right column's
        columns = max((len(r) for r in rows), default=0)
        return [line for col in range(columns) for r in rows if col < len(r) for line in _cell_lines(r[col], numbering)]
    lines = []
    for r in rows:
        cells = [" ".join(_cell_lines(c, numbering)) for c in r]
        if any(cells):
            lines.append("\t".join(cells))
    return lines


def _is_header_table(tbl, position: int) -> bool:
    rows = [row for row in tbl if _local(row) == "tr"]
    columns = max((len([c for c in row if _local(c) == "tc"]) for row in rows), default=0)
    return position < HEADER_BLOCKS and len(rows) <= HEADER_TABLE_MAX_ROWS and 1 < columns <= HEADER_TABLE_MAX_COLUMNS


def docx_text(body, numbering: Numbering) -> str:
    """The body's paragraphs and tables as text, one paragraph per block separated by blank lines."""
    blocks: list[str] = []
    for position, block in enumerate(body.iterchildren()):
        name = _local(block)
        if name == "p":
            blocks.append(paragraph_text(block, numbering))
        elif name == "tbl":
            blocks.append("\n".join(_table_lines(block, numbering, _is_header_table(block, position))))
    return "\n\n".join(blocks)
