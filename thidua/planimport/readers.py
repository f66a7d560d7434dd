"""Turn an uploaded plan into plain text: .docx (python-docx), .txt / .md, and PDF with a text layer
(pypdf). Anything else, or a file with no text, gets a clear message instead of a crash."""

from __future__ import annotations

import io
import unicodedata
import zipfile

import docx
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from thidua.core.errors import Refused

MAX_BYTES = 10 * 1024 * 1024


def _docx_text(data: bytes) -> str:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Refused(_("The .docx file is damaged or is not a Word document.")) from exc
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(node.text or "" for node in block.iter() if node.tag.endswith("}t")))
        elif tag == "tbl":  # header tables (issuer | national motto) read row by row
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    cells = [
                        "".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                        for cell in row
                        if cell.tag.endswith("}tc")
                    ]
                    lines.append("    ".join(c for c in cells if c.strip()))
    return "\n\n".join(lines)


def _pdf_text(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise Refused(_("The PDF file cannot be read.")) from exc


def _plain_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Refused(_("The text file is not UTF-8."))


def read_document(data: bytes, filename: str) -> str:
    """The plan's text, NFC-normalised. Raises Refused."""
    name = filename.lower()
    if not data:
        raise Refused(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise Refused(_("The file is larger than 10 MB."))
    if name.endswith(".docx"):
        text = _docx_text(data)
    elif name.endswith(".pdf"):
        if not data.startswith(b"%PDF-"):
            raise Refused(_("The file is named .pdf but is not a PDF."))
        text = _pdf_text(data)
    elif name.endswith((".txt", ".md", ".markdown")):
        text = _plain_text(data)
    elif name.endswith(".doc"):
        raise Refused(_("Old .doc files cannot be read: open the plan in Word and save it as .docx."))
    else:
        raise Refused(_("Upload the plan as .docx, .txt, .md or a PDF with text."))
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    if len("".join(text.split())) < 40:
        raise Refused(
            _(
                "No text found in the file. A scanned PDF has only images: ask for the Word file or a PDF saved from Word."
            )
        )
    return text
