"""Uploaded documents: the type read from the content, clean names, content-addressed storage, and
"nothing is lost / nothing is left behind" when an upload is refused or the server fails mid-way."""

from __future__ import annotations

import functools
import hashlib
import io
import os
import time
import unicodedata
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from thidua.core import files
from thidua.core.errors import Refused
from thidua.core.models import StoredFile
from thidua.demo.submissions import pdf_bytes
from thidua.submissions import services
from thidua.submissions.models import Submission, SubmissionFile

from .test_submissions_services import make_campaign

# --- real documents, built here -----------------------------------------------------------------


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    # Fixed entry times: the same document built twice has the same bytes (and SHA-256).
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2023, 5, 1, 8, 0, 0)), data)
    return buffer.getvalue()


def docx_bytes(text: str = "Kế hoạch") -> bytes:
    body = f'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>'
    return _zip(
        [
            (
                "[Content_Types].xml",
                b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            ),
            ("word/document.xml", body.encode()),
        ]
    )


@functools.lru_cache
def xlsx_bytes(value: str = "Số liệu") -> bytes:
    """openpyxl stamps the save time into the file: build each workbook once, reuse its bytes."""
    workbook = Workbook()
    workbook.active["A1"] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def odf_bytes(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    # "mimetype" first and stored, as ODF requires
    return _zip([("mimetype", mimetype.encode()), ("content.xml", b"<office:document-content/>")])


def png_bytes(extra: bytes = b"") -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + extra


def jpeg_bytes(extra: bytes = b"") -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + extra + b"\xff\xd9"


def files_under(root) -> list[str]:
    """Every file (temporaries included) below a directory."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# --- type from the content ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("Kế hoạch.pdf", pdf_bytes("Ke hoach"), "pdf"),
        ("bao-cao.docx", docx_bytes(), "docx"),
        ("so-lieu.xlsx", xlsx_bytes(), "xlsx"),
        ("bao-cao.odt", odf_bytes(), "odt"),
        ("so-lieu.ods", odf_bytes("application/vnd.oasis.opendocument.spreadsheet"), "ods"),
        ("scan.png", png_bytes(), "png"),
        ("scan.jpg", jpeg_bytes(), "jpeg"),
        ("scan.JPEG", jpeg_bytes(), "jpeg"),
        ("KE-HOACH.PDF", pdf_bytes("x"), "pdf"),
    ],
)
def test_genuine_documents_are_accepted_with_their_hash(name, data, kind):
    checked = files.check_upload(name, data)
    assert checked.kind == kind
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.name.rpartition(".")[2] == name.rpartition(".")[2].lower()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("ke-hoach.pdf", png_bytes()),  # a scan renamed .pdf
        ("bao-cao.docx", _zip([("readme.txt", b"not word")])),  # a zip, not a Word document
        ("bao-cao.docx", xlsx_bytes()),  # a workbook renamed .docx
        ("so-lieu.xlsx", docx_bytes()),
        ("bao-cao.odt", odf_bytes("application/vnd.oasis.opendocument.spreadsheet")),
        ("scan.png", jpeg_bytes()),
        ("scan.jpg", pdf_bytes("x")),
        ("bao-cao.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),  # OLE2 without a Word stream
        ("bao-cao.pdf", b"MZ\x90\x00 this is a program"),
        ("bao-cao.pdf", b"PK\x03\x04 broken zip"),
    ],
)
def test_content_that_does_not_match_the_name_is_refused_naming_the_file(name, data):
    with pytest.raises(Refused) as refused:
        files.check_upload(name, data)
    message = str(refused.value)
    assert f"“{name}”" in message
    assert "không thực sự là tệp" in message  # Vietnamese, says what is wrong


@pytest.mark.parametrize("name", ["cai-dat.exe", "ghi-chu.txt", "bao-cao", "trang.html", "macro.docm"])
def test_unsupported_extensions_are_refused(name):
    with pytest.raises(Refused) as refused:
        files.check_upload(name, pdf_bytes("x"))
    assert f"“{name}”" in str(refused.value)
    assert "chỉ nhận tệp PDF" in str(refused.value)


def test_empty_and_oversized_files_are_refused_with_the_limit(settings):
    with pytest.raises(Refused, match="“trong.pdf” trống"):
        files.check_upload("trong.pdf", b"")
    settings.SUBMISSION_MAX_FILE_BYTES = 2 * 1048576
    big = pdf_bytes("x") + b"0" * (3 * 1048576)
    with pytest.raises(Refused) as refused:
        files.check_upload("lon.pdf", big)
    assert "“lon.pdf”" in str(refused.value) and "tối đa 2 MB" in str(refused.value)
    # Exactly at the limit is fine.
    at_limit = pdf_bytes("x")
    at_limit += b"0" * (settings.SUBMISSION_MAX_FILE_BYTES - len(at_limit))
    assert files.check_upload("vua.pdf", at_limit).kind == "pdf"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\Lan\\Desktop\\Báo cáo.PDF", "Báo cáo.pdf"),
        ("Kế hoạch <script>.pdf", "Kế hoạch _script.pdf"),
        ("ke\x00hoach\r\n.pdf", "ke_hoach.pdf"),
        (".pdf", "tep.pdf"),
        ("bao\u202ecod.pdf", "bao_cod.pdf"),  # right-to-left override, used to disguise extensions
    ],
)
def test_names_are_cleaned(raw, clean):
    assert files.safe_name(raw) == clean


def test_names_keep_vietnamese_in_composed_form_and_are_bounded():
    decomposed = unicodedata.normalize("NFD", "Báo cáo sơ kết Quận 1.docx")
    cleaned = files.safe_name(decomposed)
    assert cleaned == "Báo cáo sơ kết Quận 1.docx"
    assert unicodedata.is_normalized("NFC", cleaned)
    long = files.safe_name("a" * 500 + ".xlsx")
    assert len(long) <= 150 and long.endswith(".xlsx")


# --- storage --------------------------------------------------------------------------------------


def test_files_are_stored_once_under_their_hash_outside_any_temporary_name(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    checked = files.check_upload("a.pdf", pdf_bytes("mot"))
    assert files.write(checked) is True
    path = files.path_for(checked.sha256)
    assert path.read_bytes() == checked.data
    assert path.is_relative_to(tmp_path)
    assert files.write(checked) is False  # already there: not rewritten
    assert files_under(tmp_path) == [str(path.relative_to(tmp_path))]


def test_reconcile_removes_only_old_unreferenced_files(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old = time.time() - 7200
    orphan = files.check_upload("mo-coi.pdf", pdf_bytes("orphan"))
    fresh = files.check_upload("moi.pdf", pdf_bytes("fresh"))
    files.write(orphan)
    files.write(fresh)
    os.utime(files.path_for(orphan.sha256), (old, old))
    stale_tmp = files.path_for(orphan.sha256).parent / ".upload-abc"
    stale_tmp.write_bytes(b"half")
    os.utime(stale_tmp, (old, old))
    result = files.reconcile(grace_seconds=3600, dry_run=True)
    assert sorted(result["removed"]) == sorted([orphan.sha256, ".upload-abc"])
    assert files.path_for(orphan.sha256).exists()  # dry run: nothing removed
    result = files.reconcile(grace_seconds=3600)
    assert not files.path_for(orphan.sha256).exists() and not stale_tmp.exists()
    assert files.path_for(fresh.sha256).exists()  # younger than the grace period: may await its row


# --- refused submissions store nothing ------------------------------------------------------------


@pytest.fixture
def setup(tree, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    campaign = make_campaign(tree)
    return {
        "tree": tree,
        "campaign": campaign,
        "people": personas,
        "root": tmp_path,
        "kh": campaign.milestones.get(code="KH"),
    }


def _nothing_stored(root):
    assert Submission.objects.count() == 0
    assert SubmissionFile.objects.count() == 0
    assert StoredFile.objects.count() == 0
    assert files_under(root) == []


@pytest.mark.parametrize(
    ("uploads", "named"),
    [
        ([("ke-hoach.pdf", png_bytes())], "ke-hoach.pdf"),
        ([("bao-cao.docx", _zip([("word/styles.xml", b"<x/>")]))], "bao-cao.docx"),
        ([("chuong-trinh.exe", b"MZ\x90\x00")], "chuong-trinh.exe"),
        ([("ghi-chu.txt", "Báo cáo".encode())], "ghi-chu.txt"),
        ([("trong.pdf", b"")], "trong.pdf"),
        ([("lon.pdf", pdf_bytes("x") + b"0" * 5000)], "lon.pdf"),
        # One good file and one bad: the good one is not kept either.
        ([("ke-hoach.pdf", pdf_bytes("tot")), ("phu-luc.xlsx", png_bytes())], "phu-luc.xlsx"),
        ([("phu-luc.png", png_bytes()), ("ke-hoach.pdf", b"")], "ke-hoach.pdf"),
    ],
)
def test_a_refused_upload_stores_nothing(setup, settings, uploads, named):
    settings.SUBMISSION_MAX_FILE_BYTES = 4000
    with pytest.raises(Refused) as refused:
        services.submission_create(
            actor=setup["people"]["officer_q1"], milestone=setup["kh"], unit=setup["tree"]["QD1"], uploads=uploads
        )
    assert f"“{named}”" in str(refused.value)
    _nothing_stored(setup["root"])


def test_no_file_or_too_many_files_are_refused(setup, settings):
    officer, kh, unit = setup["people"]["officer_q1"], setup["kh"], setup["tree"]["QD1"]
    with pytest.raises(Refused, match="ít nhất một tệp"):
        services.submission_create(actor=officer, milestone=kh, unit=unit, uploads=[])
    settings.SUBMISSION_MAX_FILES = 2
    with pytest.raises(Refused, match="2"):
        services.submission_create(
            actor=officer, milestone=kh, unit=unit, uploads=[(f"{i}.pdf", pdf_bytes(str(i))) for i in range(3)]
        )
    _nothing_stored(setup["root"])


# --- a crash between writing the file and committing the row --------------------------------------


@pytest.mark.parametrize("where", ["file_row", "audit"])
def test_a_failure_inside_the_transaction_leaves_no_row_and_no_orphan_file(setup, monkeypatch, where):
    officer, kh, tree = setup["people"]["officer_q1"], setup["kh"], setup["tree"]
    shared = pdf_bytes("cung noi dung")  # also stored for another unit's version
    services.submission_create(
        actor=officer, milestone=kh, unit=tree["QD1"], uploads=[("chung.pdf", shared)], notify=False
    )
    shared_path = files.path_for(hashlib.sha256(shared).hexdigest())
    before = files_under(setup["root"])

    def boom(*args, **kwargs):
        raise RuntimeError("server killed")

    if where == "file_row":
        monkeypatch.setattr(SubmissionFile.objects, "create", boom)
    else:
        monkeypatch.setattr(services, "log_action", boom)
    nhabe = setup["people"]["officer_nhabe"]
    new = pdf_bytes("chi co o Nha Be")
    with pytest.raises(RuntimeError):
        services.submission_create(
            actor=nhabe,
            milestone=kh,
            unit=tree["HD-NHABE"],
            uploads=[("rieng.pdf", new), ("chung.pdf", shared)],
            notify=False,
        )
    assert not Submission.objects.filter(unit=tree["HD-NHABE"]).exists()
    assert not StoredFile.objects.filter(sha256=hashlib.sha256(new).hexdigest()).exists()
    assert not files.path_for(hashlib.sha256(new).hexdigest()).exists()  # no orphan
    assert shared_path.read_bytes() == shared  # another version's file is untouched
    assert files_under(setup["root"]) == before
    # Every row still has its file.
    assert files.reconcile(grace_seconds=0)["missing"] == []


def test_a_failure_while_writing_the_second_file_removes_the_first(setup, monkeypatch):
    real_write = files.write
    calls = []

    def failing_write(checked):
        calls.append(checked.name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_write(checked)

    monkeypatch.setattr(files, "write", failing_write)
    with pytest.raises(OSError):
        services.submission_create(
            actor=setup["people"]["officer_q1"], milestone=setup["kh"], unit=setup["tree"]["QD1"],
            uploads=[("a.pdf", pdf_bytes("a")), ("b.pdf", pdf_bytes("b"))], notify=False,
        )  # fmt: skip
    _nothing_stored(setup["root"])


def test_files_reconcile_command_cleans_up_after_a_hard_crash(setup):
    officer, kh, unit = setup["people"]["officer_q1"], setup["kh"], setup["tree"]["QD1"]
    kept = services.submission_create(
        actor=officer, milestone=kh, unit=unit, uploads=[("giu.pdf", pdf_bytes("giu"))], notify=False
    )
    kept_sha = kept.files.get().stored.sha256
    # The process died after writing this file and before committing its row.
    orphan = files.check_upload("mo-coi.pdf", pdf_bytes("mo coi"))
    files.write(orphan)
    old = time.time() - 600
    os.utime(files.path_for(orphan.sha256), (old, old))
    os.utime(files.path_for(kept_sha), (old, old))  # old but referenced: kept
    # And a row whose file has gone missing (disk restored from an old backup).
    lost = services.submission_create(
        actor=officer, milestone=kh, unit=unit, uploads=[("mat.pdf", pdf_bytes("mat"))], notify=False
    )
    lost_sha = lost.files.get().stored.sha256
    files.path_for(lost_sha).unlink()

    out, err = StringIO(), StringIO()
    call_command("files_reconcile", "--grace", "60", stdout=out, stderr=err)
    assert not files.path_for(orphan.sha256).exists()
    assert files.path_for(kept_sha).read_bytes() == pdf_bytes("giu")
    assert "đã xoá 1 tệp" in out.getvalue() and "thiếu 1 tệp" in out.getvalue()
    assert lost_sha in err.getvalue()
    # Running it again finds nothing more to remove.
    out = StringIO()
    call_command("files_reconcile", "--grace", "60", stdout=out, stderr=StringIO())
    assert "đã xoá 0 tệp" in out.getvalue()


def test_a_file_removed_by_a_concurrent_failed_upload_is_put_back(setup, monkeypatch):
    """Officer A's upload of some bytes fails and removes the file it wrote; officer B sent the same
    bytes an instant later, and B's row (not yet committed, so invisible to A) points to it."""
    data = pdf_bytes("cung mot van ban")
    path = files.path_for(hashlib.sha256(data).hexdigest())
    real = StoredFile.objects.get_or_create

    def get_or_create(**kwargs):
        result = real(**kwargs)
        path.unlink()  # A's clean-up runs now: it cannot see B's StoredFile row
        return result

    monkeypatch.setattr(StoredFile.objects, "get_or_create", get_or_create)
    s = services.submission_create(
        actor=setup["people"]["officer_q1"], milestone=setup["kh"], unit=setup["tree"]["QD1"],
        uploads=[("ke-hoach.pdf", data)], notify=False,
    )  # fmt: skip
    assert s.files.get().stored.sha256 == path.name
    assert path.read_bytes() == data
    assert files.reconcile(grace_seconds=0)["missing"] == []


def test_a_new_upload_of_an_old_orphans_bytes_survives_reconciliation(setup):
    """A hard crash left an orphan; the same document is then sent for real. The reconciliation
    must not remove the file the new row now points to."""
    officer, kh, unit = setup["people"]["officer_q1"], setup["kh"], setup["tree"]["QD1"]
    data = pdf_bytes("gui lai sau su co")
    files.write(files.check_upload("x.pdf", data))
    path = files.path_for(hashlib.sha256(data).hexdigest())
    old = time.time() - 7200
    os.utime(path, (old, old))
    # The reconciliation has listed what rows exist just before the new row is committed…
    known_before = set(StoredFile.objects.values_list("sha256", flat=True))
    services.submission_create(actor=officer, milestone=kh, unit=unit, uploads=[("ke-hoach.pdf", data)], notify=False)
    # …so it judges the file by its age alone: a file just used again must look fresh.
    cutoff = time.time() - 3600
    assert path.name not in known_before
    assert path.stat().st_mtime >= cutoff, (
        "a reused file keeps its old mtime and a concurrent reconcile would delete it"
    )


@pytest.mark.django_db
def test_the_same_bytes_stored_twice_are_one_row_and_the_first_row_wins():
    data = pdf_bytes("hai lan")
    first = files.stored_file(files.check_upload("a.pdf", data))
    again = files.stored_file(files.check_upload("b.pdf", data))
    assert again.pk == first.pk and StoredFile.objects.filter(sha256=first.sha256).count() == 1
    other = files.stored_file(files.check_upload("c.pdf", pdf_bytes("khac")))
    assert other.pk != first.pk


@pytest.mark.parametrize("max_memory", [5 * 1024 * 1024, 1024], ids=["in memory", "temporary file"])
def test_the_upload_handlers_hash_the_bytes_as_they_arrive(rf, settings, max_memory):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = max_memory
    data = pdf_bytes("bam trong luc nhan") * 40
    request = rf.post("/", {"files": SimpleUploadedFile("bao-cao.pdf", data, "application/pdf")})
    name, received, sha = files.uploaded(request.FILES["files"])
    assert (name, received) == ("bao-cao.pdf", data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert files.check_uploads([(name, received, sha)])[0].sha256 == sha
