"""ZIP downloads stream: the first bytes leave before the later files are even read, and memory
stays at one chunk whatever the archive's size."""

import io
import zipfile

from thidua.core import files


def test_the_first_bytes_leave_before_the_second_file_is_read(tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(range(256)) * 20_000)  # 5 MB, several chunks
    read = []

    def members():
        read.append("big")
        yield "a/big.bin", big
        read.append("small")
        yield "b/manifest.csv", "đơn vị,tệp\n".encode()

    stream = files.zip_stream(members())
    first = next(stream)
    assert first.startswith(b"PK\x03\x04") and read == ["big"]
    chunks = [first, *stream]
    assert max(len(c) for c in chunks) <= 2 * files.ZIP_CHUNK
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.namelist() == ["a/big.bin", "b/manifest.csv"]
    assert archive.read("a/big.bin") == big.read_bytes()
    assert archive.read("b/manifest.csv").decode() == "đơn vị,tệp\n"
    assert archive.testzip() is None


def test_an_empty_selection_is_a_valid_empty_archive():
    archive = zipfile.ZipFile(io.BytesIO(b"".join(files.zip_stream(iter(())))))
    assert archive.namelist() == []


def test_pages_are_compressed_files_are_not():
    """HTML goes out gzipped to a browser that accepts it; a ZIP of documents is sent as it is."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from thidua.core.middleware import CompressTextMiddleware

    page = "<p>Đoàn Phường Bến Nghé</p>" * 200
    request = RequestFactory().get("/", headers={"accept-encoding": "gzip"})
    html = CompressTextMiddleware(lambda r: HttpResponse(page, content_type="text/html; charset=utf-8"))(request)
    assert html["Content-Encoding"] == "gzip" and len(html.content) < len(page.encode()) / 5
    archive = b"PK\x03\x04" + bytes(range(256)) * 40
    zipped = CompressTextMiddleware(lambda r: HttpResponse(archive, content_type="application/zip"))(request)
    assert not zipped.has_header("Content-Encoding") and zipped.content == archive
