"""The Union's administrative format for Word files (Nghị định 30/2020/NĐ-CP and the Youth Union's
guidance on its documents), written with python-docx, byte for byte the same for the same data.

A4, Times New Roman 14, margins 20 mm top and bottom, 30 mm left, 15 mm right. The header is a
borderless two-column table: on the left the issuing body (the superior body above it when there is
one), "***" and the number and symbol; on the right "ĐOÀN TNCS HỒ CHÍ MINH" underlined and, in
italics, the place and date. Then the kind of document and its title in bold, centred; the body;
at the bottom "Nơi nhận:" on the left and the signature block (TM. …, position, name) on the right.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from thidua.campaigns.models import Campaign
from thidua.units.models import Unit

FONT = "Times New Roman"
UNION = "ĐOÀN TNCS HỒ CHÍ MINH"
DEFAULT_PLACE = "Thành phố Hồ Chí Minh"
# Zip entries carry this timestamp (the zip format's earliest), so the same data gives the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
BLANK = "…"


# --- dates and names as the Union writes them ----------------------------------------------------------


def long_date(day: dt.date | None, place: str = DEFAULT_PLACE, year: int | None = None) -> str:
    """'Thành phố Hồ Chí Minh, ngày 04 tháng 5 năm 2023' (a day below 10 and the months 1 and 2 take
    a leading zero, as Nghị định 30 asks); blanks for the signer to fill in when there is no date."""
    if day is None:
        return f"{place}, ngày {BLANK} tháng {BLANK} năm {year or BLANK}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: dt.date) -> str:
    """'06/5/2023', as the plans write a date in their text."""
    return f"{day.day:02d}/{day.month}/{day.year}"


def initials(name: str) -> str:
    """'Ban Công nhân lao động Thành Đoàn' → 'BCNLĐ' (the department's part of a document symbol)."""
    name = re.sub(r"\s+Thành Đoàn$", "", name.strip())
    return "".join(word[0].upper() for word in name.split() if word[0].isalpha())


def _without_city_suffix(name: str) -> str:
    return re.sub(r"\s+Thành Đoàn$", "", name.strip())


def _city_short(root: Unit) -> str:
    """'Thành Đoàn Thành phố Hồ Chí Minh' → 'TP. HỒ CHÍ MINH'."""
    name = re.sub(r"^Thành Đoàn\s+", "", root.name.strip())
    return name.replace("Thành phố", "TP.").upper()


def issuing_lines(unit: Unit | None, *, campaign: Campaign | None = None) -> list[str]:
    """The left-hand header lines for a document issued by `unit`: the city union writes
    'BAN CHẤP HÀNH TP. HỒ CHÍ MINH'; a unit below it, 'BCH ĐOÀN TP. HỒ CHÍ MINH' above its own name."""
    if unit is None:
        return [(campaign.issuer_name if campaign else "").upper()]
    root = Unit.objects.get(path=unit.path[: Unit.steplen]) if unit.depth > 1 else unit
    if unit.pk == root.pk:
        return [f"BAN CHẤP HÀNH {_city_short(root)}"]
    return [f"BCH ĐOÀN {_city_short(root)}", _without_city_suffix(unit.name).upper()]


def symbol_suffix(campaign: Campaign) -> str:
    """'TĐTN' for the city union; the department's initials when a department coordinates."""
    issuer = campaign.issuer_unit
    base = "TĐTN" if issuer is None or issuer.depth == 1 else initials(issuer.name)
    if campaign.coordinator_unit_id and campaign.coordinator_unit_id != campaign.issuer_unit_id:
        return f"{base}-{initials(campaign.coordinator_unit.name)}"
    return base


def number_line(number: str, kind_code: str, campaign: Campaign) -> str:
    """'Số: 123-KH/TĐTN-BCNLĐ'; with no number yet, a blank for the office to fill in."""
    if number:
        return f"Số: {number}"
    return f"Số:        -{kind_code}/{symbol_suffix(campaign)}"


# --- the writer -------------------------------------------------------------------------------------------


@dataclass
class Header:
    issuer: list[str]
    number: str
    place_date: str


@dataclass
class Signature:
    on_behalf: str = ""
    position: str = ""
    name: str = ""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths_mm: list[float] = field(default_factory=list)
    numeric: set[int] = field(default_factory=set)  # right-aligned columns
    total: list[str] | None = None


class Writer:
    """One Word document in the Union's format; `to_bytes()` gives the same bytes for the same calls."""

    def __init__(self, *, title: str, subject: str, author: str, stamp: dt.datetime, landscape: bool = False):
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        self.width_mm = (297 if landscape else 210) - 45
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(14)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        normal.paragraph_format.space_after = Pt(0)
        props = self.doc.core_properties
        props.title, props.subject, props.author = title[:255], subject[:255], author[:255]
        props.last_modified_by, props.revision, props.keywords = author[:255], 1, "Thi đua"
        props.created = props.modified = props.last_printed = stamp.replace(tzinfo=None, microsecond=0)
        props.comments = props.category = ""

    # paragraphs

    def paragraph(
        self,
        text: str = "",
        *,
        bold: bool = False,
        italic: bool = False,
        size: float | None = None,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent: bool = True,
        after: float = 6,
    ):
        para = self.doc.add_paragraph()
        para.alignment = align
        fmt = para.paragraph_format
        fmt.space_after, fmt.line_spacing = Pt(after), 1.15
        if indent:
            fmt.first_line_indent = Mm(10)
        if text:
            run = para.add_run(text)
            run.bold, run.italic = bold or None, italic or None
            if size:
                run.font.size = Pt(size)
        return para

    def header(self, header: Header) -> None:
        # Wider than the text, 14 mm into the left margin and 8 into the right, as the Union's
        # documents set it: the issuing body and the place and date each fit on one line.
        left_mm = 86 if self.width_mm < 200 else 110
        table = self._borderless(2, [left_mm, self.width_mm + 22 - left_mm], indent_mm=-14)
        left, right = table.rows[0].cells
        center = WD_ALIGN_PARAGRAPH.CENTER
        for i, line in enumerate(header.issuer):
            self._cell_line(left, line, bold=i == len(header.issuer) - 1, size=13)
        self._cell_line(left, "***", size=13)
        self._cell_line(left, header.number, size=13)
        self._cell_line(right, UNION, bold=True, underline=True, size=13)
        self._cell_line(right, "", size=8)
        self._cell_line(right, header.place_date, italic=True, size=13)
        for cell in (left, right):
            for para in cell.paragraphs:
                para.alignment = center
        self.paragraph("", after=6, indent=False)

    def title(self, kind: str, title: str = "", subtitle: str = "") -> None:
        center = WD_ALIGN_PARAGRAPH.CENTER
        self.paragraph(kind, bold=True, size=15, align=center, indent=False, after=2)
        if title:
            self.paragraph(title, bold=True, align=center, indent=False, after=2)
        if subtitle:
            self.paragraph(subtitle, italic=True, align=center, indent=False, after=2)
        self.paragraph("-----", align=center, indent=False, after=10)

    def heading(self, text: str) -> None:
        self.paragraph(text, bold=True, after=6)

    def bullets(self, lines: list[str], prefix: str = "- ") -> None:
        for line in lines:
            self.paragraph(prefix + line)

    def table(self, spec: Table, *, size: float = 12) -> None:
        columns = len(spec.headers)
        widths = spec.widths_mm or [self.width_mm / columns] * columns
        table = self.doc.add_table(rows=1, cols=columns)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self._fixed(table, widths)
        for cell, text in zip(table.rows[0].cells, spec.headers):
            self._cell_line(cell, text, bold=True, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
        self._repeat_header(table.rows[0])
        rows = [*spec.rows, spec.total] if spec.total else spec.rows
        for index, row in enumerate(rows):
            cells = table.add_row().cells
            is_total = spec.total is not None and index == len(rows) - 1
            for col, (cell, text) in enumerate(zip(cells, row)):
                align = WD_ALIGN_PARAGRAPH.RIGHT if col in spec.numeric else WD_ALIGN_PARAGRAPH.LEFT
                self._cell_line(cell, text, bold=is_total, size=size, align=align)
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Mm(width)
        self.paragraph("", after=6, indent=False)

    def closing(self, distribution: list[str], signature: Signature, *, extra_signature_lines: int = 3) -> None:
        """'Nơi nhận:' on the left, the signature block on the right, side by side."""
        table = self._borderless(2, [self.width_mm * 0.45, self.width_mm * 0.55])
        keep = OxmlElement("w:cantSplit")  # the signature never starts on one page and ends on the next
        table.rows[0]._tr.get_or_add_trPr().append(keep)
        left, right = table.rows[0].cells
        if distribution:
            self._cell_line(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
            for line in distribution:
                self._cell_line(left, f"- {line}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        center = WD_ALIGN_PARAGRAPH.CENTER
        if signature.on_behalf:
            self._cell_line(right, signature.on_behalf.upper(), bold=True, size=13, align=center)
        if signature.position:
            self._cell_line(right, signature.position.upper(), bold=True, size=13, align=center)
        for _ in range(extra_signature_lines):
            self._cell_line(right, "", size=14, align=center)
        self._cell_line(right, signature.name or "", bold=True, size=14, align=center)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return normalise_zip(buffer.getvalue())

    # cells and tables

    def _cell_line(self, cell, text, *, bold=False, italic=False, underline=False, size=14, align=None):
        first = cell.paragraphs[0]
        para = first if len(cell.paragraphs) == 1 and not first.runs else cell.add_paragraph()
        if align is not None:
            para.alignment = align
        para.paragraph_format.space_after = Pt(0)
        run = para.add_run(text)
        run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
        run.font.size = Pt(size)
        return para

    def _borderless(self, columns: int, widths: list[float], indent_mm: float = 0):
        table = self.doc.add_table(rows=1, cols=columns)
        if not indent_mm:
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self._fixed(table, widths)
        if indent_mm:
            ind = OxmlElement("w:tblInd")
            ind.set(qn("w:w"), str(round(indent_mm * 1440 / 25.4)))
            ind.set(qn("w:type"), "dxa")
            table._tbl.tblPr.find(qn("w:tblLayout")).addprevious(ind)  # the schema's order: tblInd first
        for cell, width in zip(table.rows[0].cells, widths):
            cell.width = Mm(width)
        return table

    @staticmethod
    def _fixed(table, widths: list[float]) -> None:
        table.autofit = False  # a fixed layout (w:tblLayout)
        for column, width in zip(table.columns, widths):
            column.width = Mm(width)

    @staticmethod
    def _repeat_header(row) -> None:
        props = row._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        props.append(repeat)


def normalise_zip(data: bytes) -> bytes:
    """The same entries, in the same order, with a fixed timestamp and mode: python-docx stamps each
    entry with the time of saving, so two saves of the same document would differ."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 3
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def stamp_of(day: dt.date | dt.datetime | None) -> dt.datetime:
    """The documents' creation time: a date from the data (never the clock), midnight UTC."""
    if isinstance(day, dt.datetime):
        day = day.date()
    day = day or dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day)
