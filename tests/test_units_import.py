"""Importing and exporting the unit directory: all-or-nothing, row-by-row report, scoped to a unit."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import unicodedata
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from thidua.core.models import AuditEntry
from thidua.core.spreadsheets import write_csv, write_xlsx
from thidua.units.importing import COLUMNS, export_headers, export_rows, import_units
from thidua.units.models import Unit, UnitKind
from thidua.units.services import unit_update

COL = dict(COLUMNS)  # column key → the Vietnamese header the report names
VI_HEADERS = [header for _key, header in COLUMNS]
KEY_HEADERS = [key for key, _header in COLUMNS]


def csv_file(headers, rows, sep=",") -> bytes:
    """A .csv as a user's spreadsheet would save it (UTF-8, quoted where needed)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep)
    writer.writerow(headers)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue().encode("utf-8")


def xlsx_file(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: a precomposed letter where the code page has it, else a base
    letter followed by a combining tone mark (so the bytes decode to partly decomposed text)."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            # keep vowel marks (circumflex, breve, horn) on the base letter, tone marks apart
            composed = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in "\u0302\u0306\u031b"))
            out += composed.encode("cp1258") + "".join(m for m in marks if m not in "\u0302\u0306\u031b").encode(
                "cp1258"
            )
    return out


def snapshot() -> dict[str, tuple]:
    """Everything a user can see of the directory: codes, parents, names and figures."""
    units = list(Unit.objects.order_by("path"))
    code_by_path = {u.path: u.code for u in units}
    return {
        u.code: (
            code_by_path.get(u.path[: -Unit.steplen]),
            u.name,
            u.short_name,
            u.kind,
            u.emails,
            u.opened_on,
            u.closed_on,
            u.member_count,
            u.cadre_count,
            u.numchild,
        )
        for u in units
    }


def parent_of(code: str) -> str | None:
    unit = Unit.objects.get(code=code)
    if unit.depth == 1:
        return None
    return Unit.objects.get(path=unit.path[: -Unit.steplen]).code


def error_rows(report) -> set[int]:
    return {e.row for e in report.errors}


def errors_by_row(report) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for e in report.errors:
        found.setdefault(e.row, set()).add(e.column)
    return found


@pytest.fixture
def coordinator(personas):
    return personas["coordinator"]


# --- a valid file creates units -------------------------------------------------------------------

NEW_ROWS = [
    # code, parent, name, short name, kind, e-mails, opened, closed, members, cadres
    (
        "QD1-03",
        "QD1",
        "Đoàn Phường Đa Kao",
        "Đa Kao",
        "grassroots",
        "dakao@doan.vn; bt@doan.vn",
        "15/03/2001",
        None,
        "1.200",
        15,
    ),
    ("QD1-03-001", "QD1-03", "Chi đoàn Khu phố 5", None, "branch", None, "01/01/2010", "31/12/2022", 35, 3),
    ("QD1-03-002", "QD1-03", "Chi đoàn Khu phố 6", None, "branch", "kp6@doan.vn", None, None, None, None),
    ("HD-NHABE-02", "HD-NHABE", "Đoàn Xã Long Thới", None, "grassroots", None, "2005-06-07", None, 0, 0),
]


def check_new_rows_applied(report):
    assert report.ok, report.errors
    assert report.applied
    assert report.rows == 4
    assert sorted(report.created) == ["HD-NHABE-02", "QD1-03", "QD1-03-001", "QD1-03-002"]
    assert report.updated == [] and report.moved == []
    ward = Unit.objects.get(code="QD1-03")
    assert parent_of("QD1-03") == "QD1"
    assert ward.name == "Đoàn Phường Đa Kao"
    assert ward.short_name == "Đa Kao"
    assert ward.kind == UnitKind.GRASSROOTS
    assert ward.email_list == ["dakao@doan.vn", "bt@doan.vn"]
    assert ward.opened_on == dt.date(2001, 3, 15)
    assert ward.closed_on is None
    assert ward.member_count == 1200 and ward.cadre_count == 15
    assert ward.numchild == 2
    branch = Unit.objects.get(code="QD1-03-001")
    assert parent_of("QD1-03-001") == "QD1-03"
    assert branch.kind == UnitKind.BRANCH
    assert (branch.opened_on, branch.closed_on) == (dt.date(2010, 1, 1), dt.date(2022, 12, 31))
    assert (branch.member_count, branch.cadre_count) == (35, 3)
    empty = Unit.objects.get(code="QD1-03-002")
    assert (empty.member_count, empty.cadre_count, empty.opened_on) == (0, 0, None)
    assert parent_of("HD-NHABE-02") == "HD-NHABE"
    assert Unit.objects.get(code="HD-NHABE-02").opened_on == dt.date(2005, 6, 7)
    # new units are found by search and counted under their parents
    assert Unit.objects.search("da kao").filter(code="QD1-03").exists()
    assert Unit.objects.get(code="QD1").numchild == 3
    assert Unit.objects.get(code="HD-NHABE").numchild == 2
    assert Unit.objects.count() == 14


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [VI_HEADERS, KEY_HEADERS], ids=["vietnamese-headers", "key-headers"])
def test_valid_csv_creates_units(tree, coordinator, headers):
    data = csv_file(headers, NEW_ROWS)
    report = import_units(actor=coordinator, data=data, filename="don-vi.csv")
    check_new_rows_applied(report)
    entry = AuditEntry.objects.get(action="unit.import")
    assert entry.actor == coordinator
    assert entry.changes["created"] == [None, 4]
    created = AuditEntry.objects.filter(action="unit.create", actor=coordinator)
    assert sorted(e.object_repr for e in created) == sorted(row[2] for row in NEW_ROWS)


@pytest.mark.django_db
def test_valid_csv_with_semicolons_and_short_header_aliases(tree, coordinator):
    headers = [
        "Mã",
        "Mã cấp trên",
        "Tên",
        "Tên ngắn",
        "Loại đơn vị",
        "Email",
        "Ngày thành lập",
        "Ngày giải thể",
        "Số đoàn viên",
        "Số cán bộ",
    ]
    report = import_units(actor=coordinator, data=csv_file(headers, NEW_ROWS, sep=";"), filename="DON-VI.CSV")
    check_new_rows_applied(report)


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [VI_HEADERS, KEY_HEADERS], ids=["vietnamese-headers", "key-headers"])
def test_valid_xlsx_with_real_date_cells_creates_units(tree, coordinator, headers):
    rows = [list(row) for row in NEW_ROWS]
    rows[0][6] = dt.date(2001, 3, 15)  # a real date cell
    rows[1][6] = dt.datetime(2010, 1, 1, 0, 0)  # a date-time cell
    rows[1][7] = "31/12/2022"  # a date typed as text
    rows[0][8] = 1200  # a number cell
    rows[1][8] = 35.0  # Excel stores whole numbers as floats
    report = import_units(actor=coordinator, data=xlsx_file(headers, rows), filename="don-vi.xlsx")
    check_new_rows_applied(report)


@pytest.mark.django_db
def test_xlsx_with_blank_lines_and_the_header_not_on_the_first_row(tree, coordinator):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([])
    sheet.append(VI_HEADERS)
    sheet.append(["QD1-03", "QD1", "Đoàn Phường Đa Kao", None, "grassroots"])
    sheet.append([])
    sheet.append(["QD1-03-001", "QD1-03", "Chi đoàn 1", None, "branch"])
    out = io.BytesIO()
    workbook.save(out)
    report = import_units(actor=coordinator, data=out.getvalue(), filename="a.xlsx")
    assert report.ok, report.errors
    assert report.rows == 2
    assert parent_of("QD1-03-001") == "QD1-03"


@pytest.mark.django_db
def test_csv_saved_by_excel_in_windows_1258_is_read(tree, coordinator):
    text = "Mã đơn vị,Mã đơn vị cấp trên,Tên đầy đủ,Loại\nQD1-03,QD1,Đoàn Phường Tân Định,grassroots\n"
    data = to_cp1258(text)
    assert data[:9] != text.encode("utf-8")[:9]
    report = import_units(actor=coordinator, data=data, filename="cp1258.csv")
    assert report.ok, report.errors
    assert Unit.objects.get(code="QD1-03").name == "Đoàn Phường Tân Định"


@pytest.mark.django_db
def test_decomposed_accents_are_stored_composed(tree, coordinator):
    name = unicodedata.normalize("NFD", "Đoàn Phường Tân Định")
    rows = [("QD1-03", "QD1", name, "", "grassroots", "", "", "", 0, 0)]
    report = import_units(actor=coordinator, data=csv_file(VI_HEADERS, rows), filename="mac.csv")
    assert report.ok, report.errors
    assert Unit.objects.get(code="QD1-03").name == unicodedata.normalize("NFC", name)
    # the same file again is recognised as the same name
    report = import_units(actor=coordinator, data=csv_file(VI_HEADERS, rows), filename="mac.csv")
    assert report.unchanged == 1 and report.updated == []


# --- round trip: an export re-imported changes nothing --------------------------------------------


@pytest.fixture
def rich_tree(tree):
    """The small tree with every column filled somewhere, so a round trip has something to lose."""
    unit_update(
        actor=None,
        unit=tree["QD1-01"],
        values={
            "short_name": "Bến Nghé",
            "emails": "bennghe@doan.vn, bt.bennghe@doan.vn",
            "opened_on": dt.date(1999, 3, 26),
            "member_count": 1234,
            "cadre_count": 0,
        },
    )
    unit_update(
        actor=None, unit=tree["QD1-02"], values={"opened_on": dt.date(2000, 1, 31), "closed_on": dt.date(2023, 12, 31)}
    )
    return tree


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("top", ["TD", "QD1"])
def test_reimporting_an_export_changes_nothing(rich_tree, coordinator, fmt, top):
    unit = Unit.objects.get(code=top)
    writer = write_xlsx if fmt == "xlsx" else write_csv
    data = writer(export_headers(), export_rows(unit))
    before = snapshot()
    audit_before = AuditEntry.objects.exclude(action="unit.import").count()
    report = import_units(actor=coordinator, data=data, filename=f"xuat.{fmt}", scope=unit)
    assert report.ok, report.errors
    expected_rows = Unit.objects.subtree(unit).count()
    assert report.rows == expected_rows
    assert report.unchanged == expected_rows
    assert report.created == [] and report.updated == [] and report.moved == []
    assert snapshot() == before
    assert AuditEntry.objects.exclude(action="unit.import").count() == audit_before


@pytest.mark.django_db
def test_reimporting_a_whole_export_without_scope_changes_nothing(rich_tree, coordinator):
    data = write_xlsx(export_headers(), export_rows(Unit.objects.get(code="TD")))
    before = snapshot()
    report = import_units(actor=coordinator, data=data, filename="all.xlsx")
    assert report.ok, report.errors
    assert report.unchanged == report.rows == 10
    assert snapshot() == before


@pytest.mark.django_db
def test_export_rows_list_the_subtree_in_tree_order(rich_tree):
    rows = list(export_rows(Unit.objects.get(code="QD1")))
    assert [r[0] for r in rows] == ["QD1", "QD1-01", "QD1-01-001", "QD1-01-002", "QD1-02"]
    assert [r[1] for r in rows] == ["TD", "QD1", "QD1-01", "QD1-01", "QD1"]
    ward = rows[1]
    assert ward[3] == "Bến Nghé"
    assert ward[6] == dt.date(1999, 3, 26)
    assert ward[8] == 1234
    assert export_headers()[0] == "Mã đơn vị"
    assert list(export_rows(Unit.objects.get(code="TD")))[0][1] is None


@pytest.mark.django_db
def test_written_xlsx_and_csv_keep_dates_and_vietnamese_text(rich_tree):
    unit = Unit.objects.get(code="QD1")
    workbook = load_workbook(io.BytesIO(write_xlsx(export_headers(), export_rows(unit))))
    sheet = workbook.active
    assert [c.value for c in sheet[1]] == VI_HEADERS
    assert sheet["A3"].value == "QD1-01"
    assert sheet["C3"].value == "Đoàn Phường Bến Nghé"
    assert sheet["G3"].value.date() == dt.date(1999, 3, 26)
    text = write_csv(export_headers(), export_rows(unit)).decode("utf-8")
    assert text.startswith("\ufeffMã đơn vị,")
    assert "26/03/1999" in text
    assert '"bennghe@doan.vn, bt.bennghe@doan.vn"' in text


@pytest.mark.django_db
def test_text_starting_with_equals_is_exported_as_text_not_a_formula(tree, coordinator):
    unit_update(
        actor=None, unit=tree["QD1-02"], values={"name": '=HYPERLINK("http://x.example","Bấm")', "short_name": "=1+2"}
    )
    data = write_xlsx(export_headers(), export_rows(Unit.objects.get(code="QD1")))
    sheet = load_workbook(io.BytesIO(data)).active
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "QD1-02")
    assert [c.data_type for c in row[2:4]] == ["s", "s"]
    assert row[2].value == '=HYPERLINK("http://x.example","Bấm")'
    before = snapshot()
    report = import_units(actor=coordinator, data=data, filename="f.xlsx", scope=tree["QD1"])
    assert report.ok, report.errors
    assert report.unchanged == 5
    assert snapshot() == before


@pytest.mark.django_db
def test_control_characters_pasted_into_a_name_do_not_break_the_export(tree, coordinator):
    # a soft line break pasted from Word is \x0b; .xlsx files cannot hold it
    text = "Mã đơn vị,Mã đơn vị cấp trên,Tên đầy đủ,Loại\nQD1-03,QD1,Đoàn\x0bPhường Đa Kao,grassroots\n"
    report = import_units(actor=coordinator, data=text.encode(), filename="word.csv")
    assert report.ok, report.errors
    assert Unit.objects.get(code="QD1-03").name == "Đoàn Phường Đa Kao"
    # even a name already stored with one exports to a workbook
    unit_update(actor=None, unit=tree["QD1-02"], values={"name": "Đoàn Phường\x0bBến Thành"})
    sheet = load_workbook(io.BytesIO(write_xlsx(export_headers(), export_rows(Unit.objects.get(code="QD1"))))).active
    names = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Đoàn Phường Bến Thành" in names


# --- updates and moves ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_a_name_updates_and_audits(tree, coordinator):
    rows = [("QD1-01", "QD1", "Đoàn Phường Bến Nghé (mới)", "", "grassroots", "", "", "", 10, 2)]
    report = import_units(actor=coordinator, data=csv_file(VI_HEADERS, rows), filename="doi-ten.csv")
    assert report.ok, report.errors
    assert report.updated == ["QD1-01"]
    assert report.created == [] and report.moved == [] and report.unchanged == 0
    assert Unit.objects.get(code="QD1-01").name == "Đoàn Phường Bến Nghé (mới)"
    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.actor == coordinator
    assert entry.changes == {"name": ["Đoàn Phường Bến Nghé", "Đoàn Phường Bến Nghé (mới)"]}
    assert "doi-ten.csv" in entry.reason


@pytest.mark.django_db
def test_changing_a_parent_code_moves_the_unit_with_its_subtree(tree, coordinator):
    rows = [("QD1-01", "HD-NHABE", "Đoàn Phường Bến Nghé", "", "grassroots", "", "", "", 10, 2)]
    report = import_units(actor=coordinator, data=csv_file(VI_HEADERS, rows), filename="chuyen.csv")
    assert report.ok, report.errors
    assert report.moved == ["QD1-01"]
    assert report.updated == [] and report.created == []
    # a unit that was only moved is not reported as unchanged
    assert report.unchanged == 0
    assert parent_of("QD1-01") == "HD-NHABE"
    assert parent_of("QD1-01-001") == "QD1-01"
    nhabe = Unit.objects.get(code="HD-NHABE")
    assert {"QD1-01", "QD1-01-001", "QD1-01-002"} <= set(Unit.objects.subtree(nhabe).values_list("code", flat=True))
    assert Unit.objects.get(code="QD1").numchild == 1
    assert nhabe.numchild == 2
    entry = AuditEntry.objects.get(action="unit.move")
    assert entry.changes == {"parent": ["QD1", "HD-NHABE"]}


@pytest.mark.django_db
def test_moving_under_a_unit_created_by_the_same_file(tree, coordinator):
    rows = [
        ("QD1-01", "HD-NHABE-02", "Đoàn Phường Bến Nghé", "", "grassroots", "", "", "", 10, 2),
        ("HD-NHABE-02", "HD-NHABE", "Đoàn Xã Long Thới", "", "grassroots", "", "", "", 0, 0),
        ("HD-NHABE-02-001", "HD-NHABE-02", "Chi đoàn Ấp 2", "", "branch", "", "", "", 0, 0),
    ]
    report = import_units(actor=coordinator, data=csv_file(VI_HEADERS, rows), filename="f.csv")
    assert report.ok, report.errors
    assert sorted(report.created) == ["HD-NHABE-02", "HD-NHABE-02-001"]
    assert report.moved == ["QD1-01"]
    assert parent_of("QD1-01") == "HD-NHABE-02"
    assert parent_of("HD-NHABE-02-001") == "HD-NHABE-02"
    assert parent_of("QD1-01-002") == "QD1-01"
    assert Unit.objects.get(code="HD-NHABE-02").numchild == 2
    assert Unit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_swapping_two_units_places_by_moving_both(tree, coordinator):
    # QD1-02 leaves QD1 for Nhà Bè; QD1-01 takes a ward of Nhà Bè in — in one file
    rows = [
        ("HD-NHABE-01", "QD1", "Đoàn Xã Hiệp Phước", "", "grassroots", "", "", "", 10, 2),
        ("QD1-02", "HD-NHABE", "Đoàn Phường Bến Thành", "", "grassroots", "", "", "", 10, 2),
    ]
    report = import_units(actor=coordinator, data=csv_file(VI_HEADERS, rows), filename="f.csv")
    assert report.ok, report.errors
    assert sorted(report.moved) == ["HD-NHABE-01", "QD1-02"]
    assert parent_of("HD-NHABE-01") == "QD1"
    assert parent_of("HD-NHABE-01-001") == "HD-NHABE-01"
    assert parent_of("QD1-02") == "HD-NHABE"


@pytest.mark.django_db
def test_a_file_with_fewer_columns_does_not_erase_the_others(rich_tree, coordinator):
    """Columns absent from the file keep their values (only what the file says is changed)."""
    headers = [COL["code"], COL["parent_code"], COL["name"], COL["kind"]]
    rows = [("QD1-01", "QD1", "Đoàn Phường Bến Nghé 2", "grassroots")]
    report = import_units(actor=coordinator, data=csv_file(headers, rows), filename="ten.csv")
    assert report.ok, report.errors
    ward = Unit.objects.get(code="QD1-01")
    assert ward.name == "Đoàn Phường Bến Nghé 2"
    assert ward.member_count == 1234
    assert ward.short_name == "Bến Nghé"
    assert ward.email_list == ["bennghe@doan.vn", "bt.bennghe@doan.vn"]
    assert ward.opened_on == dt.date(1999, 3, 26)
    assert AuditEntry.objects.get(action="unit.update", reason__contains="ten.csv").changes == {
        "name": ["Đoàn Phường Bến Nghé", "Đoàn Phường Bến Nghé 2"]
    }


@pytest.mark.django_db
def test_a_file_with_fewer_columns_changes_nothing_when_reimported(rich_tree, coordinator):
    headers = [COL["code"], COL["parent_code"], COL["name"], COL["kind"], COL["member_count"]]
    rows = [(r[0], r[1], r[2], r[4], r[8]) for r in export_rows(Unit.objects.get(code="QD1"))]
    before = snapshot()
    report = import_units(actor=coordinator, data=csv_file(headers, rows), filename="ngan.csv", scope=rich_tree["QD1"])
    assert report.ok, report.errors
    assert report.unchanged == 5
    assert snapshot() == before


@pytest.mark.django_db
def test_a_closing_date_before_the_kept_opening_date_is_refused(rich_tree, coordinator):
    # QD1-01 opened on 26/03/1999; the file has no opening date column
    headers = [COL["code"], COL["parent_code"], COL["name"], COL["kind"], COL["closed_on"]]
    rows = [
        ("QD1-02", "QD1", "Đoàn Phường Bến Thành", "grassroots", "31/12/2023"),
        ("QD1-01", "QD1", "Đoàn Phường Bến Nghé", "grassroots", "01/01/1990"),
    ]
    before = snapshot()
    report = import_units(actor=coordinator, data=csv_file(headers, rows), filename="dong.csv")
    assert errors_by_row(report) == {3: {COL["closed_on"]}}
    assert snapshot() == before
    # a closing date after the opening date is fine
    rows[1] = ("QD1-01", "QD1", "Đoàn Phường Bến Nghé", "grassroots", "01/01/2024")
    report = import_units(actor=coordinator, data=csv_file(headers, rows), filename="dong.csv")
    assert report.ok, report.errors
    ward = Unit.objects.get(code="QD1-01")
    assert (ward.opened_on, ward.closed_on) == (dt.date(1999, 3, 26), dt.date(2024, 1, 1))


# --- bad rows: the whole file is refused -------------------------------------------------------------


BAD_FILE = [
    # row 2: valid new unit
    ("QD1-03", "QD1", "Đoàn Phường Đa Kao", "", "grassroots", "", "", "", 10, 1),
    # row 3: empty code
    ("", "QD1", "Không mã", "", "grassroots", "", "", "", 0, 0),
    # row 4: unknown kind
    ("QD1-04", "QD1", "Loại lạ", "", "xyz", "", "", "", 0, 0),
    # row 5: bad e-mail
    ("QD1-05", "QD1", "Thư sai", "", "grassroots", "not-an-email", "", "", 0, 0),
    # row 6: impossible date
    ("QD1-06", "QD1", "Ngày sai", "", "grassroots", "", "31/02/2023", "", 0, 0),
    # row 7: negative count
    ("QD1-07", "QD1", "Số âm", "", "grassroots", "", "", "", -5, 0),
    # row 8: valid new unit
    ("QD1-08", "QD1", "Đoàn Phường Tân Định", "", "grassroots", "", "", "", 0, 0),
    # row 9: the same code again
    ("QD1-08", "QD1", "Trùng mã", "", "grassroots", "", "", "", 0, 0),
    # row 10: unknown parent
    ("QD1-10", "KHONG-CO", "Không có cấp trên", "", "grassroots", "", "", "", 0, 0),
    # rows 11-12: a cycle A → B → A
    ("CYC-A", "CYC-B", "Vòng A", "", "grassroots", "", "", "", 0, 0),
    ("CYC-B", "CYC-A", "Vòng B", "", "grassroots", "", "", "", 0, 0),
    # row 13: a unit under a branch
    ("QD1-13", "QD1-01-001", "Dưới chi đoàn", "", "branch", "", "", "", 0, 0),
    # row 14: closed before it opened
    ("QD1-14", "QD1", "Đóng trước khi mở", "", "grassroots", "", "01/06/2020", "01/01/2020", 0, 0),
    # row 15: a valid change to an existing unit
    ("QD1-02", "QD1", "Đoàn Phường Bến Thành (đổi tên)", "", "grassroots", "", "", "", 10, 2),
]
BAD_ROWS = {
    3: {COL["code"]},
    4: {COL["kind"]},
    5: {COL["emails"]},
    6: {COL["opened_on"]},
    7: {COL["member_count"]},
    9: {COL["code"]},
    10: {COL["parent_code"]},
    11: {COL["parent_code"]},
    12: {COL["parent_code"]},
    13: {COL["parent_code"]},
    14: {COL["closed_on"]},
}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("dry_run", [False, True])
def test_a_file_with_bad_rows_is_refused_as_a_whole(tree, coordinator, fmt, dry_run):
    data = csv_file(VI_HEADERS, BAD_FILE) if fmt == "csv" else xlsx_file(VI_HEADERS, BAD_FILE)
    before = snapshot()
    audit_before = AuditEntry.objects.count()
    report = import_units(actor=coordinator, data=data, filename=f"bad.{fmt}", dry_run=dry_run)
    assert not report.ok
    assert not report.applied
    assert errors_by_row(report) == BAD_ROWS
    assert all(e.message.strip() for e in report.errors)
    # the errors are listed in row order
    assert [e.row for e in report.errors] == sorted(e.row for e in report.errors)
    assert report.created == [] and report.updated == [] and report.moved == []
    # nothing was written, not even the valid rows 2, 8 and 15
    assert snapshot() == before
    assert Unit.objects.count() == 10
    assert not Unit.objects.filter(code__in=["QD1-03", "QD1-08"]).exists()
    assert Unit.objects.get(code="QD1-02").name == "Đoàn Phường Bến Thành"
    assert AuditEntry.objects.count() == audit_before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "row, column",
    [
        (("QD1-03", "QD1", "", "", "grassroots", "", "", "", 0, 0), "name"),
        (("QD1 03", "QD1", "Mã có dấu cách", "", "grassroots", "", "", "", 0, 0), "code"),
        (("QD1-03", "QD1", "Tên", "", "", "", "", "", 0, 0), "kind"),
        (("QD1-03", "QD1", "Tên", "", "grassroots", "", "hôm qua", "", 0, 0), "opened_on"),
        (("QD1-03", "QD1", "Tên", "", "grassroots", "", "", "", "12,5", 0), "member_count"),
        (("QD1-03", "QD1", "Tên", "", "grassroots", "", "", "", 0, "mười"), "cadre_count"),
        (("QD1-03", "QD1-03", "Tên", "", "grassroots", "", "", "", 0, 0), "parent_code"),
        (("QD1-03", "", "Tên", "", "grassroots", "", "", "", 0, 0), "parent_code"),
        (("TD2", "", "Thành Đoàn thứ hai", "", "city", "", "", "", 0, 0), "parent_code"),
        (("QD1-03", "QD1", "Tên", "", "city", "", "", "", 0, 0), "kind"),
        (("QD1-01", "QD1", "Đoàn Phường Bến Nghé", "", "branch", "", "", "", 10, 2), "kind"),
    ],
    ids=[
        "empty-name",
        "bad-code",
        "empty-kind",
        "bad-date",
        "fraction",
        "words",
        "own-parent",
        "no-parent",
        "second-root",
        "city-below",
        "branch-with-children",
    ],
)
def test_each_kind_of_bad_row_is_reported_on_its_row(tree, coordinator, row, column):
    before = snapshot()
    report = import_units(actor=coordinator, data=csv_file(VI_HEADERS, [row]), filename="x.csv")
    assert not report.ok
    assert error_rows(report) == {2}
    assert COL[column] in {e.column for e in report.errors}
    assert snapshot() == before


@pytest.mark.django_db
def test_a_cycle_through_existing_units_is_refused(tree, coordinator):
    # QD1 under its own grandchild
    rows = [("QD1", "QD1-01", "Quận Đoàn 1", "", "district", "", "", "", 10, 2)]
    before = snapshot()
    report = import_units(actor=coordinator, data=csv_file(VI_HEADERS, rows), filename="x.csv")
    assert errors_by_row(report) == {2: {COL["parent_code"]}}
    assert snapshot() == before


@pytest.mark.django_db
def test_two_city_unions_in_a_first_import_are_refused(db):
    rows = [
        ("TD", "", "Thành Đoàn", "", "city", "", "", "", 0, 0),
        ("TD2", "", "Thành Đoàn 2", "", "city", "", "", "", 0, 0),
    ]
    report = import_units(actor=None, data=csv_file(VI_HEADERS, rows), filename="x.csv")
    assert error_rows(report) == {3}
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_a_first_import_into_an_empty_directory_builds_the_tree(db):
    rows = [
        ("TD", "", "Thành Đoàn", "", "city", "", "", "", 0, 0),
        ("QD1", "TD", "Quận Đoàn 1", "", "district", "", "", "", 0, 0),
        ("QD1-01", "QD1", "Đoàn Phường Bến Nghé", "", "grassroots", "", "", "", 0, 0),
    ]
    report = import_units(actor=None, data=csv_file(VI_HEADERS, rows), filename="x.csv")
    assert report.ok, report.errors
    assert parent_of("QD1-01") == "QD1"
    assert parent_of("TD") is None


@pytest.mark.django_db
def test_dry_run_reports_but_writes_nothing(tree, coordinator):
    rows = list(NEW_ROWS) + [("QD1-02", "HD-NHABE", "Đoàn Phường Bến Thành mới", "", "grassroots", "", "", "", 10, 2)]
    before = snapshot()
    audit_before = AuditEntry.objects.count()
    report = import_units(actor=coordinator, data=csv_file(VI_HEADERS, rows), filename="thu.csv", dry_run=True)
    assert report.ok, report.errors
    assert not report.applied
    assert sorted(report.created) == ["HD-NHABE-02", "QD1-03", "QD1-03-001", "QD1-03-002"]
    assert report.updated == ["QD1-02"]
    assert report.moved == ["QD1-02"]
    assert snapshot() == before
    assert AuditEntry.objects.count() == audit_before
    # the same file, applied for real, does what the dry run announced
    report = import_units(actor=coordinator, data=csv_file(VI_HEADERS, rows), filename="thu.csv")
    assert report.applied
    assert parent_of("QD1-02") == "HD-NHABE"
    assert Unit.objects.count() == 14


# --- files that are not tables ------------------------------------------------------------------------


def _zip_but_not_xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, filename",
    [
        (b"code,name,kind\nX,Y,branch\n", "don-vi.txt"),
        (b"", "empty.csv"),
        (b"\xef\xbb\xbf\n\n ,, \n", "blank.csv"),
        (b"", "empty.xlsx"),
        (os.urandom(2048), "damaged.xlsx"),
        (b"PK\x03\x04" + os.urandom(500), "truncated.xlsx"),
        (_zip_but_not_xlsx(), "not-a-workbook.xlsx"),
        ("Mã đơn vị,Tên đầy đủ,Loại\n".encode(), "header-only.csv"),
        ("Tên đầy đủ,Loại\nQuận 1,district\n".encode(), "missing-code-column.csv"),
    ],
    ids=[
        "txt",
        "empty-csv",
        "blank-csv",
        "empty-xlsx",
        "random-bytes",
        "truncated-zip",
        "zip",
        "header-only",
        "no-code",
    ],
)
def test_a_file_that_is_not_a_unit_table_gives_one_error(tree, coordinator, data, filename):
    before = snapshot()
    report = import_units(actor=coordinator, data=data, filename=filename)
    assert len(report.errors) == 1
    assert report.errors[0].message.strip()
    assert not report.applied
    assert report.created == []
    assert snapshot() == before


@pytest.mark.django_db
def test_an_empty_xlsx_workbook_gives_one_error(tree, coordinator):
    report = import_units(actor=coordinator, data=xlsx_file([], []), filename="trong.xlsx")
    assert len(report.errors) == 1


# --- scope: a district coordinator works inside the district only ----------------------------------


@pytest.mark.django_db
def test_scope_accepts_rows_inside_the_district(tree, coordinator):
    rows = [
        ("QD1-03", "QD1", "Đoàn Phường Đa Kao", "", "grassroots", "", "", "", 0, 0),
        ("QD1-02", "QD1", "Đoàn Phường Bến Thành (mới)", "", "grassroots", "", "", "", 10, 2),
        ("QD1-01-002", "QD1-02", "Chi đoàn Khu phố 2", "", "branch", "", "", "", 10, 2),
        ("QD1", "TD", "Quận Đoàn 1 (TP.HCM)", "", "district", "", "", "", 10, 2),
    ]
    report = import_units(actor=coordinator, data=csv_file(VI_HEADERS, rows), filename="q1.csv", scope=tree["QD1"])
    assert report.ok, report.errors
    assert report.created == ["QD1-03"]
    assert sorted(report.updated) == ["QD1", "QD1-02"]
    assert report.moved == ["QD1-01-002"]
    assert parent_of("QD1-01-002") == "QD1-02"
    assert Unit.objects.get(code="QD1").name == "Quận Đoàn 1 (TP.HCM)"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad_row",
    [
        # changes a unit of another district
        ("HD-NHABE-01", "HD-NHABE", "Đoàn Xã Hiệp Phước (sửa)", "", "grassroots", "", "", "", 10, 2),
        # puts a new unit under another district
        ("HD-NHABE-02", "HD-NHABE", "Đoàn Xã Long Thới", "", "grassroots", "", "", "", 0, 0),
        # moves a unit of the district into another district
        ("QD1-02", "HD-NHABE", "Đoàn Phường Bến Thành", "", "grassroots", "", "", "", 10, 2),
        # moves the district itself
        ("QD1", "HD-NHABE", "Quận Đoàn 1", "", "district", "", "", "", 10, 2),
        # pulls a unit of another district in
        ("HD-NHABE-01", "QD1", "Đoàn Xã Hiệp Phước", "", "grassroots", "", "", "", 10, 2),
        # changes the city union above the district
        ("TD", "", "Thành Đoàn (sửa)", "", "city", "", "", "", 10, 2),
    ],
    ids=["edit-other", "create-under-other", "move-out", "move-scope", "pull-in", "edit-above"],
)
def test_scope_refuses_rows_touching_another_district(tree, coordinator, bad_row):
    good_row = ("QD1-03", "QD1", "Đoàn Phường Đa Kao", "", "grassroots", "", "", "", 0, 0)
    before = snapshot()
    report = import_units(
        actor=coordinator, data=csv_file(VI_HEADERS, [good_row, bad_row]), filename="q1.csv", scope=tree["QD1"]
    )
    assert not report.ok
    assert error_rows(report) == {3}
    assert snapshot() == before
    assert not Unit.objects.filter(code="QD1-03").exists()
