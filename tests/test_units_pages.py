"""The directory pages: who sees which unit, search, export and import through the browser."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from thidua.core.models import AuditEntry
from thidua.core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from thidua.units.importing import COLUMNS
from thidua.units.models import Role, RoleAssignment, Unit

HEADERS = ",".join(header for _key, header in COLUMNS)
NEW_UNITS_CSV = (
    HEADERS
    + "\nQD1-03,QD1,Đoàn Phường Đa Kao,Đa Kao,grassroots,dakao@doan.vn,15/03/2001,,120,5"
    + "\nQD1-03-001,QD1-03,Chi đoàn Khu phố 9,,branch,,,,30,2\n"
)
BAD_UNITS_CSV = (
    HEADERS
    + "\nQD1-03,QD1,Đoàn Phường Đa Kao,,grassroots,,,,0,0"
    + "\nQD1-04,QD1,Ngày sai,,grassroots,,31/02/2023,,0,0"
    + "\nQD1-05,KHONG-CO,Không có cấp trên,,grassroots,,,,0,0\n"
)
SUBTREE_QD1 = {"QD1", "QD1-01", "QD1-01-001", "QD1-01-002", "QD1-02"}


def upload(text: str, name: str = "don-vi.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def parent_code(code: str) -> str:
    path = Unit.objects.get(code=code).path
    return Unit.objects.get(path=path[: -Unit.steplen]).code


def unit_names() -> dict[str, str]:
    return dict(Unit.objects.values_list("code", "name"))


# --- access -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/don-vi/", "/don-vi/QD1/", "/don-vi/tim-kiem/?q=nha+be", "/don-vi/QD1/xuat.xlsx", "/don-vi/QD1/nhap/"]
)
def test_anonymous_is_sent_to_sign_in(client, tree, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/don-vi/HD-NHABE/",
        "/don-vi/HD-NHABE-01-001/",
        "/don-vi/TD/",
        "/don-vi/HD-NHABE/xuat.xlsx",
        "/don-vi/HD-NHABE/xuat.csv",
        "/don-vi/HD-NHABE/nhap/",
    ],
)
def test_officer_of_another_district_gets_not_found(client_for, personas, url):
    response = client_for(personas["officer_q1"]).get(url)
    assert response.status_code == 404
    assert "Huyện Đoàn Nhà Bè" not in response.content.decode()


@pytest.mark.django_db
def test_officer_cannot_post_an_import_to_another_district(client_for, personas):
    before = unit_names()
    response = client_for(personas["officer_q1"]).post(
        "/don-vi/HD-NHABE/nhap/", {"file": upload(NEW_UNITS_CSV.replace("QD1", "HD-NHABE")), "dry_run": ""}
    )
    assert response.status_code == 404
    assert unit_names() == before


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "officer_nhabe"])
def test_units_outside_the_users_subtree_are_not_found(client_for, personas, persona):
    client = client_for(personas[persona])
    assert client.get("/don-vi/QD1/").status_code == 404
    assert client.get("/don-vi/QD1-01-001/xuat.csv").status_code == 404
    assert client.get("/don-vi/KHONG-CO/").status_code == 404


@pytest.mark.django_db
def test_officer_sees_their_district_but_not_the_city_above(client_for, personas):
    response = client_for(personas["officer_q1"]).get("/don-vi/QD1/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Quận Đoàn 1" in page
    assert "Đoàn Phường Bến Nghé" in page and "Đoàn Phường Bến Thành" in page
    # the city union above is not in the breadcrumb, and there is no import button
    breadcrumb = page.split('aria-label="breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert "Thành Đoàn" not in breadcrumb and "Quận Đoàn 1" in breadcrumb
    assert "/don-vi/QD1/nhap/" not in page
    assert "/don-vi/QD1/xuat.xlsx" in page


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["viewer_q1", "officer_q1"])
def test_visible_but_not_manageable_import_is_forbidden(client_for, personas, persona):
    client = client_for(personas[persona])
    assert client.get("/don-vi/QD1/").status_code == 200
    assert client.get("/don-vi/QD1/nhap/").status_code == 403
    before = unit_names()
    response = client.post("/don-vi/QD1/nhap/", {"file": upload(NEW_UNITS_CSV), "dry_run": ""})
    assert response.status_code == 403
    assert unit_names() == before


# --- directory and detail -------------------------------------------------------------------------


@pytest.mark.django_db
def test_directory_takes_a_single_role_holder_to_their_unit(client_for, personas):
    response = client_for(personas["coordinator"]).get("/don-vi/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/don-vi/TD/"
    page = response.content.decode()
    for name in ("Ban Công nhân lao động Thành Đoàn", "Quận Đoàn 1", "Huyện Đoàn Nhà Bè"):
        assert name in page


@pytest.mark.django_db
def test_directory_lists_the_outermost_units_of_a_user_with_several_roles(client_for, tree):
    user = get_user_model().objects.create_user(username="two-districts", password="pw-for-tests-1")
    for code in ("QD1", "QD1-01", "HD-NHABE"):
        RoleAssignment.objects.create(user=user, unit=tree[code], role=Role.VIEWER)
    response = client_for(user).get("/don-vi/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/don-vi/QD1/" in page and "/don-vi/HD-NHABE/" in page
    # the ward is inside Quận 1: listed once, through Quận 1
    assert "/don-vi/QD1-01/" not in page


@pytest.mark.django_db
def test_directory_for_a_user_without_roles_lists_nothing(client_for, personas):
    response = client_for(personas["outsider"]).get("/don-vi/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/don-vi/TD/" not in page and "/don-vi/QD1/" not in page


@pytest.mark.django_db
def test_unit_detail_for_the_coordinator_lists_direct_children(client_for, personas):
    response = client_for(personas["coordinator"]).get("/don-vi/QD1/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Quận Đoàn 1</h1>" in page
    assert "/don-vi/QD1-01/" in page and "/don-vi/QD1-02/" in page
    # branches two levels below are counted, not listed
    assert "/don-vi/QD1-01-001/" not in page
    # the coordinator can import, and the breadcrumb goes up to the city
    assert "/don-vi/QD1/nhap/" in page
    assert "/don-vi/TD/" in page


@pytest.mark.django_db
def test_unit_detail_counts_the_units_below_and_the_branches_members(client_for, personas):
    """The counts by kind and the members and cadres of the branches below, against a brute force."""
    qd1 = Unit.objects.get(code="QD1")
    Unit.objects.filter(code="QD1-01-001").update(member_count=31, cadre_count=3)
    Unit.objects.filter(code="QD1-01-002").update(member_count=12, cadre_count=2)
    Unit.objects.filter(code="QD1-01").update(member_count=500)  # not a branch: not in the members line
    below = [u for u in Unit.objects.all() if u.path.startswith(qd1.path) and u.pk != qd1.pk]
    branches = [u for u in below if u.kind == "branch"]
    assert len(branches) == 2
    response = client_for(personas["coordinator"]).get("/don-vi/QD1/")
    dl = re.sub(r"\s+", " ", response.content.decode())
    assert 'Đoàn viên trong các chi đoàn</dt><dd class="num">43<' in dl  # 31 + 12
    for kind in {u.kind for u in below}:
        count = sum(1 for u in below if u.kind == kind)
        assert f">{count}<" in dl


@pytest.mark.django_db
def test_unit_detail_filters_children_by_kind(client_for, personas):
    client = client_for(personas["coordinator"])
    page = client.get("/don-vi/TD/?loai=district").content.decode()
    assert "/don-vi/QD1/" in page and "/don-vi/HD-NHABE/" in page
    assert "/don-vi/BCNLD/" not in page
    page = client.get("/don-vi/TD/?loai=not-a-kind").content.decode()
    assert "/don-vi/BCNLD/" in page


# --- search ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_page_finds_units_without_accents(client_for, personas):
    response = client_for(personas["coordinator"]).get("/don-vi/tim-kiem/?q=nha+be")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    assert "Huyện Đoàn Nhà Bè" in page
    assert "/don-vi/HD-NHABE/" in page
    assert "/don-vi/QD1/" not in page


@pytest.mark.django_db
def test_search_from_htmx_returns_only_the_results(client_for, personas):
    response = client_for(personas["coordinator"]).get("/don-vi/tim-kiem/?q=NH%C3%80+B%C3%88", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert "Huyện Đoàn Nhà Bè" in page
    assert "/don-vi/HD-NHABE/" in page


@pytest.mark.django_db
def test_search_is_limited_to_the_users_subtree(client_for, personas):
    client = client_for(personas["officer_q1"])
    page = client.get("/don-vi/tim-kiem/?q=nha+be").content.decode()
    assert "Nhà Bè" not in page
    assert "/don-vi/HD-NHABE" not in page
    # a word found in both districts only lists the officer's own units
    page = client.get("/don-vi/tim-kiem/?q=chi+doan", HTTP_HX_REQUEST="true").content.decode()
    assert "/don-vi/QD1-01-001/" in page and "/don-vi/QD1-01-002/" in page
    assert "HD-NHABE-01-001" not in page


@pytest.mark.django_db
def test_search_with_an_empty_query_lists_nothing(client_for, personas):
    response = client_for(personas["coordinator"]).get("/don-vi/tim-kiem/?q=", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "/don-vi/" not in response.content.decode()


# --- export ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_xlsx_contains_the_subtree_only(client_for, personas):
    response = client_for(personas["officer_q1"]).get("/don-vi/QD1/xuat.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="don-vi-QD1.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [header for _key, header in COLUMNS]
    assert {row[0] for row in rows[1:]} == SUBTREE_QD1
    assert rows[1][:3] == ("QD1", "TD", "Quận Đoàn 1")


@pytest.mark.django_db
def test_export_csv_contains_the_subtree_only(client_for, personas):
    response = client_for(personas["coordinator"]).get("/don-vi/HD-NHABE/xuat.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="don-vi-HD-NHABE.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Mã đơn vị"
    assert [row[0] for row in rows[1:]] == ["HD-NHABE", "HD-NHABE-01", "HD-NHABE-01-001"]
    assert rows[2][2] == "Đoàn Xã Hiệp Phước"


@pytest.mark.django_db
def test_export_in_an_unknown_format_is_not_found(client_for, personas):
    assert client_for(personas["coordinator"]).get("/don-vi/QD1/xuat.pdf").status_code == 404


# --- import -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_page_shows_the_form_to_the_coordinator(client_for, personas):
    response = client_for(personas["coordinator"]).get("/don-vi/TD/nhap/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="file"' in page
    assert re.search(r'<input[^>]*name="dry_run"[^>]*checked', page)  # a dry run is the default


@pytest.mark.django_db
def test_import_through_the_page_creates_the_units(client_for, personas):
    response = client_for(personas["coordinator"]).post("/don-vi/TD/nhap/", {"file": upload(NEW_UNITS_CSV)})
    assert response.status_code == 200
    ward = Unit.objects.get(code="QD1-03")
    assert ward.name == "Đoàn Phường Đa Kao"
    assert parent_code("QD1-03") == "QD1"
    assert parent_code("QD1-03-001") == "QD1-03"
    assert Unit.objects.count() == 12
    assert 'role="status"' in response.content.decode()
    assert AuditEntry.objects.filter(action="unit.import", actor=personas["coordinator"]).exists()


@pytest.mark.django_db
def test_import_with_check_only_changes_nothing(client_for, personas):
    before = unit_names()
    response = client_for(personas["coordinator"]).post(
        "/don-vi/TD/nhap/", {"file": upload(NEW_UNITS_CSV), "dry_run": "on"}
    )
    assert response.status_code == 200
    assert unit_names() == before
    assert not Unit.objects.filter(code="QD1-03").exists()
    assert 'role="status"' in response.content.decode()


@pytest.mark.django_db
def test_import_of_a_bad_file_shows_the_errors_and_changes_nothing(client_for, personas):
    before = unit_names()
    response = client_for(personas["coordinator"]).post("/don-vi/TD/nhap/", {"file": upload(BAD_UNITS_CSV)})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    # one table row per problem: rows 3 (date) and 4 (parent), not the valid row 2
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    assert set(re.findall(r'<tr><td class="num">(\d+)</td>', table)) == {"3", "4"}
    assert "Ngày thành lập" in table and "Mã đơn vị cấp trên" in table
    assert unit_names() == before


@pytest.mark.django_db
def test_import_of_a_district_page_cannot_touch_another_district(client_for, personas):
    before = unit_names()
    text = HEADERS + "\nHD-NHABE-02,HD-NHABE,Đoàn Xã Long Thới,,grassroots,,,,0,0\n"
    response = client_for(personas["coordinator"]).post("/don-vi/QD1/nhap/", {"file": upload(text)})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert unit_names() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "file",
    [
        SimpleUploadedFile("don-vi.txt", b"code,name,kind\n"),
        SimpleUploadedFile("trong.csv", b""),
        SimpleUploadedFile("hong.xlsx", b"\x00\x01 not a workbook"),
    ],
    ids=["txt", "empty", "damaged"],
)
def test_import_of_an_unreadable_file_is_a_message_not_a_crash(client_for, personas, file):
    before = unit_names()
    response = client_for(personas["coordinator"]).post("/don-vi/TD/nhap/", {"file": file})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert unit_names() == before
