"""Spreadsheet exchange: text that looks like a formula stays text both ways."""

import io

from openpyxl import load_workbook

from thidua.core.spreadsheets import read_table, write_csv, write_xlsx

ROWS = [["A1", '=HYPERLINK("http://x")', "-5 đoàn viên", "Chi đoàn @ KP 3"]]
HEADERS = ["Mã", "Tên", "Ghi chú", "Khác"]


def test_csv_guards_formulas_and_reads_them_back():
    data = write_csv(HEADERS, ROWS)
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'-5 đoàn viên" in text and "'@" not in text
    table = read_table(data, "x.csv")
    assert table.rows[0][1] == ROWS[0]


def test_xlsx_writes_formula_like_text_as_text():
    data = write_xlsx(HEADERS, ROWS)
    cell = load_workbook(io.BytesIO(data)).active["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    assert read_table(data, "x.xlsx").rows[0][1] == ROWS[0]
