"""Uploaded documents: type from the content, safe names, content-addressed storage, reconciliation.

A file is written (to a temporary name, fsynced, then renamed) to `MEDIA_ROOT/sha256/ab/cd/<hash>`
before the row that points to it is committed. If the transaction then fails, `discard_unused`
removes what nobody references; a crash in between leaves a file that `files_reconcile` removes
once it is older than a grace period. A row is therefore never without its file.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from thidua.core.errors import Refused
from thidua.core.models import StoredFile

# extension → the kind its content must be
EXTENSIONS = {
    "pdf": "pdf",
    "doc": "doc",
    "docx": "docx",
    "xls": "xls",
    "xlsx": "xlsx",
    "odt": "odt",
    "ods": "ods",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "png": "png",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
# The form field file refusals concern (every upload form names it so).
FIELD = "files"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _ole2_kind(data: bytes) -> str | None:
    # Word and Excel 97–2003 share the OLE2 container; their stream names tell them apart.
    if b"W\x00o\x00r\x00d\x00D\x00o\x00c\x00u\x00m\x00e\x00n\x00t" in data:
        return "doc"
    if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data or b"B\x00o\x00o\x00k" in data:
        return "xls"
    return None


# ZIP-based documents (docx, xlsx, odt, ods) are judged by their directory before any member is
# unpacked: a 1 MB file can declare gigabytes ("zip bomb"). Python's zipfile never returns more
# than a member's declared size, so bounding the declared sizes bounds the work.
ARCHIVE_MAX_MEMBERS = 5_000
ARCHIVE_MAX_UNPACKED = 200 * 1024 * 1024
ARCHIVE_MAX_RATIO = 100  # unpacked ÷ packed, for members of more than ARCHIVE_RATIO_FLOOR bytes
ARCHIVE_RATIO_FLOOR = 1024 * 1024
_EOCD = b"PK\x05\x06"


def _declared_member_count(data: bytes) -> int | None:
    """The member count from the end-of-directory record, read before zipfile builds one object
    per member (a crafted directory of half a million entries would cost hundreds of MB)."""
    at = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        return None
    return int.from_bytes(data[at + 10 : at + 12], "little")


def open_archive(data: bytes) -> zipfile.ZipFile:
    """The ZIP-based document, opened after its directory is checked: at most ARCHIVE_MAX_MEMBERS
    members, ARCHIVE_MAX_UNPACKED bytes unpacked, no large member packed more than
    ARCHIVE_MAX_RATIO times. Raises Refused (nothing is unpacked)."""
    archive = bounded_archive(data)
    if archive is None:
        raise Refused(_("The file is damaged: it cannot be opened."), field=FIELD)
    return archive


def bounded_archive(data: bytes) -> zipfile.ZipFile | None:
    """As open_archive, but None for a file that is not a readable ZIP at all (only a bomb is
    refused here, so that a mislabelled file still gets the "wrong type" message)."""
    count = _declared_member_count(data)
    if count is None:
        return None
    if count >= min(ARCHIVE_MAX_MEMBERS, 0xFFFF):  # 0xFFFF: a ZIP64 count, never a real document
        raise Refused(_("The file holds too many parts to be a document."), field=FIELD)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    unpacked = sum(m.file_size for m in members)
    inflated = any(
        m.file_size > ARCHIVE_RATIO_FLOOR and m.file_size > ARCHIVE_MAX_RATIO * max(m.compress_size, 1) for m in members
    )
    if len(members) > ARCHIVE_MAX_MEMBERS or unpacked > ARCHIVE_MAX_UNPACKED or inflated:
        archive.close()
        raise Refused(_("The file unpacks to far more than a document holds; it is refused."), field=FIELD)
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """At most `limit` bytes of one member (whatever it declares)."""
    with archive.open(name) as handle:
        return handle.read(limit)


def _zip_kind(data: bytes) -> str | None:
    try:
        archive = bounded_archive(data)
    except Refused:
        return None
    if archive is None:
        return None
    with archive:
        names = set(archive.namelist())
        if "mimetype" in names:
            try:
                mimetype = read_member(archive, "mimetype", 200).decode("ascii", "replace").strip()
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                return None
            return {
                "application/vnd.oasis.opendocument.text": "odt",
                "application/vnd.oasis.opendocument.spreadsheet": "ods",
            }.get(mimetype)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def detect_kind(data: bytes) -> str | None:
    """The document kind from its first bytes (and, for Office/ODF, its inner structure)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(OLE2):
        return _ole2_kind(data)
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


_UNSAFE = re.compile(r"[^\w\-. ()]+", re.UNICODE)


def safe_name(name: str) -> str:
    """A file name that is safe to show and to put in a header: no path, no control or odd
    characters, NFC Vietnamese kept, at most 150 characters, extension in lower case."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = _UNSAFE.sub("_", stem).strip(" ._") or "tep"
    ext = re.sub(r"[^a-z0-9]", "", ext.lower())
    stem = re.sub(r"_+", "_", stem)[: 150 - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


@dataclass
class CheckedFile:
    name: str
    kind: str
    data: bytes
    sha256: str


def check_upload(name: str, data: bytes, sha256: str | None = None) -> CheckedFile:
    """Refuse empty, oversized, unsupported or mislabelled files, with a message in Vietnamese.
    `sha256`: the digest of `data` if already known (computed while the upload arrived)."""
    clean = safe_name(name)
    ext = clean.rpartition(".")[2] if "." in clean else ""
    if not data:
        raise Refused(_("“%(name)s” is empty.") % {"name": clean}, field=FIELD)
    limit = settings.SUBMISSION_MAX_FILE_BYTES
    if len(data) > limit:
        raise Refused(
            _("“%(name)s” is %(size)s MB; the limit is %(limit)s MB a file.")
            % {"name": clean, "size": f"{len(data) / 1048576:.1f}", "limit": limit // 1048576},
            field=FIELD,
        )
    if ext not in EXTENSIONS:
        raise Refused(
            _("“%(name)s”: only PDF, DOC/DOCX, XLS/XLSX, ODT/ODS, JPEG and PNG files are accepted.") % {"name": clean},
            field=FIELD,
        )
    if data.startswith(b"PK\x03\x04") and (archive := bounded_archive(data)) is not None:
        archive.close()  # a bomb is refused as such (above), not as a "wrong type"
    kind = detect_kind(data)
    if kind != EXTENSIONS[ext]:
        raise Refused(
            _(
                "“%(name)s” is not a real .%(ext)s file (its content does not match its name). Save it again as .%(ext)s and resend it."
            )
            % {"name": clean, "ext": ext},
            field=FIELD,
        )
    return CheckedFile(name=clean, kind=kind, data=data, sha256=sha256 or hashlib.sha256(data).hexdigest())


def check_uploads(uploads: Iterable[tuple]) -> list[CheckedFile]:
    """At most SUBMISSION_MAX_FILES files, each checked by `check_upload`. Items are (name, bytes)
    or (name, bytes, sha256) — see `uploaded`."""
    uploads = list(uploads)
    if len(uploads) > settings.SUBMISSION_MAX_FILES:
        raise Refused(_("At most %(n)s files at a time.") % {"n": settings.SUBMISSION_MAX_FILES}, field=FIELD)
    return [check_upload(*item) for item in uploads]


def uploaded(upload) -> tuple[str, bytes, str | None]:
    """(name, bytes, SHA-256) of a file of request.FILES; the digest was computed while it
    arrived (thidua.core.uploads), or is None if another handler received it."""
    return upload.name or "", upload.read(), getattr(upload, "sha256", None)


def root() -> Path:
    return Path(settings.MEDIA_ROOT) / "sha256"


def path_for(sha256: str) -> Path:
    """Where the bytes are on the local disk (the default store)."""
    return root() / sha256[:2] / sha256[2:4] / sha256


def object_store():
    """S3-compatible object storage when configured (settings.STORAGES["files"]), else None: the
    local disk under MEDIA_ROOT. Keys are the same paths, content-addressed."""
    return storages["files"] if "files" in settings.STORAGES else None


def key_for(sha256: str) -> str:
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


class Stored:
    """The stored bytes of one hash, opened on demand (for zip_stream and responses)."""

    def __init__(self, sha256: str):
        self.sha256 = sha256

    def open(self, mode: str = "rb"):
        return open_stored(self.sha256)


def exists(sha256: str) -> bool:
    store = object_store()
    return store.exists(key_for(sha256)) if store is not None else path_for(sha256).exists()


def open_stored(sha256: str):
    """A binary file object of the stored bytes; FileNotFoundError if they are missing."""
    store = object_store()
    if store is None:
        return path_for(sha256).open("rb")
    if not store.exists(key_for(sha256)):
        raise FileNotFoundError(sha256)
    return store.open(key_for(sha256), "rb")


def read(sha256: str) -> bytes | None:
    """The stored bytes, or None if they are missing."""
    try:
        with open_stored(sha256) as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def write(checked: CheckedFile) -> bool:
    """Write the bytes under their hash; durable before returning. False if they were already there."""
    store = object_store()
    if store is not None:  # an object PUT is atomic and durable once acknowledged
        if store.exists(key_for(checked.sha256)):
            return False
        store.save(key_for(checked.sha256), ContentFile(checked.data))
        return True
    target = path_for(checked.sha256)
    if target.exists():
        # It may be an old orphan (a crash left it): touch it so a reconciliation running while our
        # row commits sees a fresh file, inside its grace period, and leaves it alone.
        try:
            os.utime(target)
            return False
        except FileNotFoundError:
            pass  # removed just now by a reconciliation: write it again
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(checked.data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _remove(sha256: str) -> None:
    store = object_store()
    if store is not None:
        store.delete(key_for(sha256))
    else:
        path_for(sha256).unlink(missing_ok=True)


def discard_unused(hashes) -> None:
    """After a failed transaction: remove the files just written that no row references."""
    used = set(StoredFile.objects.filter(sha256__in=list(hashes)).values_list("sha256", flat=True))
    for sha in set(hashes) - used:
        _remove(sha)


def _stored_objects():
    """(name, modified as a timestamp, how to remove it) of everything in the store, temporaries
    included."""
    store = object_store()
    if store is not None:
        prefix = "/".join(part for part in (store.location, "sha256/") if part)
        for obj in store.bucket.objects.filter(Prefix=prefix):
            yield obj.key.rpartition("/")[2], obj.last_modified.timestamp(), obj.delete
    elif root().exists():
        for path in root().glob("*/*/*"):
            yield path.name, path.stat().st_mtime, lambda path=path: path.unlink(missing_ok=True)


def reconcile(*, grace_seconds: int = 3600, dry_run: bool = False) -> dict[str, list[str]]:
    """Remove files (and stale temporaries) no row references, older than the grace period;
    list rows whose file is missing. Safe to run from cron."""
    known = set(StoredFile.objects.values_list("sha256", flat=True))
    cutoff = time.time() - grace_seconds
    removed, missing = [], []
    for name, modified, remove in list(_stored_objects()):
        if (name.startswith(".upload-") or name not in known) and modified < cutoff:
            removed.append(name)
            if not dry_run:
                remove()
    for sha in known:
        if not exists(sha):
            missing.append(sha)
    return {"removed": removed, "missing": missing}


def stored_file(checked: CheckedFile) -> StoredFile:
    """The row for these bytes (one per hash, shared by every document that has them)."""
    # One statement (INSERT … ON CONFLICT … RETURNING), not get_or_create's four in the deadline
    # burst; on a conflict the row keeps its values (the size of the same bytes is the same).
    (stored,) = StoredFile.objects.bulk_create(
        [StoredFile(sha256=checked.sha256, size=len(checked.data), kind=checked.kind)],
        update_conflicts=True,
        unique_fields=["sha256"],
        update_fields=["size"],
    )
    return stored


@contextmanager
def stored_first(checked: list[CheckedFile]) -> Iterator[None]:
    """Write the files before the block that commits the rows pointing to them.

    If the block fails, the files it wrote (and nobody else references) are removed. If it
    succeeds, any file that another failed upload of the same bytes (or a reconciliation) removed
    while our rows were not yet committed is written again, so no row is ever without its file.
    """
    written = []  # files this call created (bytes already stored for another document are left alone)
    try:
        for item in checked:
            if write(item):  # durable before any row points to it
                written.append(item.sha256)
        yield
    except BaseException:
        discard_unused(written)
        raise
    for item in checked:
        if not exists(item.sha256):
            write(item)


class _Sink:
    """A write-only file for zipfile: collects what it is given until the stream takes it."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


ZIP_CHUNK = 1024 * 1024


def zip_stream(members: Iterable[tuple[str, Path | Stored | bytes]]) -> Iterator[bytes]:
    """A ZIP archive produced while it is sent: the first bytes leave before the last file is
    read, memory stays at one chunk whatever the archive's size (zipfile writes data descriptors
    when its file cannot seek). `members` is (name in the archive, a path, stored bytes or bytes); it may be
    a generator, so a manifest can be built along the way and given last."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for arcname, source in members:
            with archive.open(arcname, "w", force_zip64=True) as dest:
                if isinstance(source, bytes):
                    dest.write(source)
                else:
                    with source.open("rb") as handle:
                        while chunk := handle.read(ZIP_CHUNK):
                            dest.write(chunk)
                            yield sink.take()
            yield sink.take()
    yield sink.take()


def download_response(stored: StoredFile, name: str) -> FileResponse:
    """The file as a private attachment under the name it was sent with (never rendered inline,
    never cached by a shared cache); 404 if its bytes are missing."""
    try:
        handle = open_stored(stored.sha256)
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[stored.kind])
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
