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
