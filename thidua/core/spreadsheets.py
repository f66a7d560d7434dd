"""Reading and writing the tables units exchange: .xlsx (openpyxl) and .csv (UTF-8, Excel-friendly)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from thidua.core import files
from thidua.core.errors import Refused

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[object]]]  # (row number as the user sees it, cell values)


_FORMULA_STARTS = ("=", "+", "-", "@")


def _clean(value: object) -> object:
    if isinstance(value, str):
        # Windows-1258 files and macOS text carry decomposed accents: store the composed form
        # so "Định" typed either way is the same name.
        value = unicodedata.normalize("NFC", value)
        # Control characters (a soft line break pasted from Word) cannot be written back to .xlsx.
        value = ILLEGAL_CHARACTERS_RE.sub(" ", value).strip()
        if value[:1] == "'" and value[1:2] in _FORMULA_STARTS:
            value = value[1:]  # the guard write_csv puts before text that looks like a formula
        return value if value else None
    return value


# An uploaded table is read within these bounds: the 40,000-branch city directory fits, a sheet
# that declares a million rows or a cell in column XFD does not cost a gigabyte.
MAX_ROWS = 100_000
MAX_COLUMNS = 60


def _xlsx_rows(data: bytes) -> list[list[object]]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise Refused(_("The file is not a valid .xlsx workbook."))
    files.open_archive(data).close()  # a bomb is refused before openpyxl unpacks anything
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)]
        workbook.close()
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise Refused(_("The .xlsx workbook cannot be read: %(error)s") % {"error": exc}) from exc
    # max_col pads every row to MAX_COLUMNS: cut them back to the widest column actually used.
    width = max((i + 1 for row in rows for i, value in enumerate(row) if value is not None), default=0)
    return [row[:width] for row in rows]


def read_table(data: bytes, filename: str) -> Table:
    """Read the first sheet of an .xlsx file or a .csv file; the first non-empty row is the header.
    At most MAX_ROWS rows of MAX_COLUMNS columns (Refused beyond)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        raw_rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        text = None
        for encoding in ("utf-8-sig", "cp1258", "cp1252"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            raise Refused(_("The .csv file is not UTF-8 text."))
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            reader = csv.reader(io.StringIO(text), dialect)
            raw_rows = [row[:MAX_COLUMNS] for row, _n in zip(reader, range(MAX_ROWS + 1), strict=False)]
        except csv.Error as exc:  # e.g. a field longer than csv.field_size_limit()
            raise Refused(_("The .csv file cannot be read: %(error)s") % {"error": exc}) from exc
    else:
        raise Refused(_("Only .xlsx and .csv files can be imported."))
    if len(raw_rows) > MAX_ROWS:
        raise Refused(
            _("The file has more than %(n)s rows; split it into several files.")
            % {"n": f"{MAX_ROWS:,}".replace(",", ".")}
        )

    numbered = [(i, [_clean(v) for v in row]) for i, row in enumerate(raw_rows, start=1)]
    numbered = [(i, row) for i, row in numbered if any(v is not None for v in row)]
    if not numbered:
        raise Refused(_("The file is empty."))
    header_no, header = numbered[0]
    headers = [str(h) if h is not None else "" for h in header]
    return Table(headers=headers, rows=numbered[1:])


def _cell(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)) or value is None:
        return value
    if isinstance(value, (int, float)):
        return value
    return ILLEGAL_CHARACTERS_RE.sub(" ", str(value))


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[object]], title: str = "Sheet1") -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E9A")
    widths = [len(h) for h in headers]
    for row in rows:
        values = [_cell(v) for v in row]
        sheet.append(values)
        for i, value in enumerate(values):
            widths[i] = max(widths[i], min(len(str(value or "")), 60))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width + 2
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "DD/MM/YYYY HH:MM:SS"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            elif cell.data_type == "f":
                # Text starting with "=" is data, not a formula for the reader's Excel to run.
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _csv_cell(value: object) -> object:
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return "'" + value  # Excel must show text, not run it; read_table removes the guard
    return value


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a BOM so Excel opens Vietnamese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
