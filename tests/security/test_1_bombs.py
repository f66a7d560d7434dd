"""Finding 1 — anonymous memory bomb: every ZIP-based upload (ODF, OOXML, the importer's .docx,
spreadsheets) is judged by its directory before anything is unpacked; YAML refuses anchors and
aliases. Each hostile file is refused with a clear message, nothing is stored, and the request
stays within a few tens of MB (on main a 1 MB ".odt" took 2 GB)."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from thidua.campaigns import definition as defn
from thidua.campaigns.models import Campaign
from thidua.core import files, spreadsheets
from thidua.core.errors import Refused
from thidua.core.models import StoredFile
from thidua.initiatives.models import Initiative
from thidua.planimport.models import PlanDraft
from thidua.planimport.readers import read_document
from thidua.units.models import Role

from ..test_initiatives_lifecycle import FORM
from ..test_initiatives_services import make_portal, make_user
from .bombs import BILLION_LAUGHS, docx_bomb, many_members, odt_bomb, xlsx_bomb, zip_bomb
from .memory import bounded

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def bombs():
    return {"odt": odt_bomb(), "docx": docx_bomb(), "xlsx": xlsx_bomb(), "many": many_members()}


def test_an_odt_bomb_is_refused_without_unpacking_it(client, seed_campaign, demo_tree, settings, tmp_path, bombs):
    portal = make_portal(seed_campaign, demo_tree, settings, tmp_path)
    client.force_login(portal["p"]["author"])  # strangers send no files at all (finding 3)
    assert client.get(reverse("initiatives:submit")).status_code == 200  # the first page, not measured
    data = FORM | {"unit": portal["units"]["QD1-01"].pk, "files": SimpleUploadedFile("y-tuong.odt", bombs["odt"])}
    with bounded(megabytes=40, seconds=10):
        response = client.post(reverse("initiatives:submit"), data)
    assert response.status_code == 200
    assert "nhiều hơn rất nhiều" in " ".join(response.context["form"].errors["files"])
    assert not Initiative.objects.exists() and not StoredFile.objects.exists()


@pytest.mark.parametrize("kind,name", [("odt", "bao-cao.odt"), ("docx", "bao-cao.docx"), ("xlsx", "so-lieu.xlsx")])
def test_every_zip_based_document_is_checked_within_bounds(bombs, kind, name):
    with bounded(megabytes=20, seconds=5), pytest.raises(Refused) as refused:
        files.check_upload(name, bombs[kind])
    assert refused.value.field == "files" and "“" not in str(refused.value)


def test_an_archive_with_seventy_thousand_members_is_refused_before_it_is_listed(bombs):
    with bounded(megabytes=20, seconds=5), pytest.raises(Refused, match="quá nhiều thành phần"):
        files.check_upload("bao-cao.docx", bombs["many"])


def test_a_plan_docx_bomb_is_refused_by_the_importer(client, demo_tree, bombs):
    client.force_login(make_user("dp", Role.COORDINATOR, demo_tree["HD-NHABE"]))
    upload = SimpleUploadedFile("ke-hoach.docx", bombs["docx"])
    with bounded(megabytes=40, seconds=10):
        response = client.post(reverse("planimport:upload"), {"file": upload})
    assert response.status_code == 200 and "nhiều hơn rất nhiều" in response.content.decode()
    assert not PlanDraft.objects.exists()


def test_a_long_plan_document_xml_is_refused_and_xml_entities_are_not_expanded():
    entity_bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "' + b"x" * 1000 + b'">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + b"<w:p><w:r><w:t>&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;</w:t></w:r></w:p>" * 50
        + b"</w:body></w:document>"
    )
    data = zip_bomb([("word/document.xml", entity_bomb)])
    with bounded(megabytes=30, seconds=5), pytest.raises(Refused):
        read_document(data, "ke-hoach.docx")  # entities are not resolved: no text, refused


def test_a_spreadsheet_bomb_is_refused_before_openpyxl_opens_it(bombs):
    with bounded(megabytes=20, seconds=5), pytest.raises(Refused, match="nhiều hơn rất nhiều"):
        spreadsheets.read_table(bombs["xlsx"], "so-lieu.xlsx")


def _sheet(rows_xml: bytes) -> bytes:
    """A minimal valid .xlsx whose first sheet is the given <sheetData> content."""
    buffer = io.BytesIO()
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            b"</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            b"</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            b'<?xml version="1.0"?><workbook ' + ns + b" " + rel + b'><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
            b"</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            b"</Relationships>",
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            b'<?xml version="1.0"?><worksheet ' + ns + b"><sheetData>" + rows_xml + b"</sheetData></worksheet>",
        )
    return buffer.getvalue()


def test_a_cell_in_column_xfd_does_not_fill_memory_with_empty_cells():
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c><c r="XFD%d"><v>1</v></c></row>' % (n, n, n)
        for n in range(1, 3001)
    )
    with bounded(megabytes=60, seconds=20):
        table = spreadsheets.read_table(_sheet(rows), "so-lieu.xlsx")
    assert len(table.headers) <= spreadsheets.MAX_COLUMNS and len(table.rows) == 2999


def _on_the_upload_page(client, demo_tree) -> None:
    """A coordinator who has opened the upload page: the process's first page (templates compiled,
    catalogue loaded) takes seconds under tracemalloc, which would fail a test run first on its own."""
    client.force_login(make_user("dp", Role.COORDINATOR, demo_tree["TD"]))
    assert client.get(reverse("campaigns:upload")).status_code == 200


def test_yaml_aliases_are_refused_at_once(client, demo_tree):
    _on_the_upload_page(client, demo_tree)
    with bounded(megabytes=10, seconds=2), pytest.raises(defn.DefinitionError, match="& và \\*"):
        defn.parse_text(BILLION_LAUGHS)
    upload = SimpleUploadedFile("cuoi.yaml", BILLION_LAUGHS.encode(), "application/yaml")
    with bounded(megabytes=30, seconds=5):
        response = client.post(reverse("campaigns:upload"), {"file": upload})
    assert response.status_code == 200 and len(response.content) < 200_000
    assert "Tệp định nghĩa không được dùng neo và bí danh YAML (&amp; và *)." in response.content.decode()
    assert not Campaign.objects.exists()


def _upload_definition(client, demo_tree, name: str, data: bytes):
    """The coordinator's upload of a hostile file: refused within 2 s (timed without tracemalloc,
    which slows a parser's many small allocations tenfold), nothing created."""
    _on_the_upload_page(client, demo_tree)
    upload = SimpleUploadedFile(name, data, "application/yaml")
    start = time.perf_counter()
    response = client.post(reverse("campaigns:upload"), {"file": upload})
    assert time.perf_counter() - start < 2
    assert response.status_code == 200  # the form again, with the reason
    assert not Campaign.objects.exists()
    return response


def test_a_definition_file_over_2_mb_is_refused(client, demo_tree):
    big = b"format: thidua.campaign/1\n" + b"# " + b"x" * (2 * 1024 * 1024) + b"\n"
    response = _upload_definition(client, demo_tree, "lon.yaml", big)
    assert response.context["form"].errors["file"] == ["Tệp lớn hơn 2 MB."]  # refused before it is read
    assert "Tệp lớn hơn 2 MB." in response.content.decode()
    # The same bound where a definition comes as text (the plan importer's editor, the command).
    with bounded(megabytes=20, seconds=2), pytest.raises(defn.DefinitionError, match="lớn hơn 2 MB"):
        defn.parse_text(big.decode())


@pytest.mark.parametrize(
    "text",
    [
        "title: x\nindicators: [" + ",".join(["1"] * 200_001) + "]\n",  # one flat list, 400 KB
        "\n".join(f"k{n}: {n}" for n in range(100_001)),  # a flat mapping (two values a line), 1.4 MB
    ],
    ids=["flat-list", "flat-mapping"],
)
def test_a_definition_with_more_than_200_000_values_is_refused_in_bounded_time(client, demo_tree, text):
    assert len(text.encode()) < 2 * 1024 * 1024  # within 2 MB: the count of values refuses it
    response = _upload_definition(client, demo_tree, "nhieu.yaml", text.encode())
    assert response.context["problems"] == ["Tệp có quá nhiều mục so với một định nghĩa đợt thi đua."]
