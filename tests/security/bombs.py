"""Hostile files built in memory: archives that declare far more than they hold."""

from __future__ import annotations

import io
import zipfile

MB = 1024 * 1024


def zip_bomb(members: list[tuple[str, int | bytes]]) -> bytes:
    """A ZIP whose members are `bytes` as given, or `int` megabytes of zeros (deflated ~1000×)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as handle:
                chunk = b"\0" * MB
                for _ in range(content):
                    handle.write(chunk)
    return buffer.getvalue()


def odt_bomb(megabytes: int = 64) -> bytes:
    """An ".odt" whose `mimetype` member unpacks to `megabytes` MB (the type check read it whole)."""
    return zip_bomb([("mimetype", megabytes), ("content.xml", b"<office:document/>")])


def docx_bomb(megabytes: int = 64) -> bytes:
    return zip_bomb([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", megabytes)])


def xlsx_bomb(megabytes: int = 64) -> bytes:
    return zip_bomb(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/worksheets/sheet1.xml", megabytes),
        ]
    )


def many_members(count: int = 70_000) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        for n in range(count):
            archive.writestr(f"x/{n}", b"")
    return buffer.getvalue()


BILLION_LAUGHS = "\n".join(
    ["a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
)
