"""Turn an uploaded plan into plain text: .docx (python-docx), .txt / .md, and PDF with a text layer
(pypdf). Anything else, or a file with no text, gets a clear message instead of a crash. A .docx keeps its
structure (tabs, line breaks, Word numbering, the header table's columns): see docx_text.py."""

from __future__ import annotations

import io
import unicodedata
import zipfile

from django.utils.translation import gettext as _
from lxml import etree
from pypdf import PdfReader
from pypdf.errors import LimitReachedError, PdfReadError

from thidua.core import files
from thidua.core.errors import Refused
from thidua.planimport.docx_text import Numbering, docx_text

MAX_BYTES = 10 * 1024 * 1024


# A plan is a few pages: its text is read within these bounds, whatever the file declares.
MAX_DOCUMENT_XML = 20 * 1024 * 1024  # word/document.xml, unpacked
MAX_NUMBERING_XML = 2 * 1024 * 1024  # word/numbering.xml, unpacked
MAX_PDF_PAGES = 200
MAX_TEXT = 2_000_000  # characters
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# No entities, no network, no "huge tree": an XML bomb is an error, not a gigabyte.
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _docx_parts(data: bytes) -> tuple:
    """(the body element, word/numbering.xml or None), read within bounds."""
    archive = files.open_archive(data)  # a bomb is refused before anything is unpacked
    with archive:
        names = archive.namelist()
        if "word/document.xml" not in names:
            raise Refused(_("The .docx file is damaged or is not a Word document."))
        try:
            xml = files.read_member(archive, "word/document.xml", MAX_DOCUMENT_XML + 1)
            numbering = (
                files.read_member(archive, "word/numbering.xml", MAX_NUMBERING_XML + 1)
                if "word/numbering.xml" in names
                else None
            )
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise Refused(_("The .docx file is damaged or is not a Word document.")) from exc
    if len(xml) > MAX_DOCUMENT_XML:
        raise Refused(_("The document is far longer than a plan; it is refused."))
    if numbering is not None and len(numbering) > MAX_NUMBERING_XML:
        numbering = None  # the labels are lost, not the text
    try:
        body = etree.fromstring(xml, parser=_XML).find(f"{_W}body")
    except etree.XMLSyntaxError as exc:
        raise Refused(_("The .docx file is damaged or is not a Word document.")) from exc
    if body is None:
        raise Refused(_("The .docx file is damaged or is not a Word document."))
    return body, numbering


def _docx_text(data: bytes) -> str:
    """Paragraphs with their tabs, line breaks and Word numbering; the header table column by column."""
    body, numbering_xml = _docx_parts(data)
    try:
        numbering = Numbering(numbering_xml, _XML)
    except etree.XMLSyntaxError:
        numbering = Numbering(None, _XML)
    return docx_text(body, numbering)


def _page_text(page) -> str:
    """A page's text in the order it is laid out (pypdf's layout mode): a two-column header written cell by
    cell, or placed anywhere in the content stream, comes out as rows with its columns apart (3+ spaces, which
    the parser reads as cells); the plain extraction if the layout one fails."""
    try:
        return page.extract_text(extraction_mode="layout") or ""
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, ZeroDivisionError):
        return page.extract_text() or ""


def _pdf_text(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        texts, size = [], 0
        for page in reader.pages[:MAX_PDF_PAGES]:
            texts.append(_page_text(page))
            size += len(texts[-1])
            if size > MAX_TEXT:
                break
        return "\n".join(texts)
    except (PdfReadError, ValueError, KeyError, TypeError, LimitReachedError) as exc:
        raise Refused(_("The PDF file cannot be read.")) from exc


def _plain_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Refused(_("The text file is not UTF-8."))


def check_file(data: bytes, filename: str) -> None:
    """The refusals seen without reading the file (its size, its type, a .docx's directory): at once,
    on upload. Raises Refused."""
    name = filename.lower()
    if not data:
        raise Refused(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise Refused(_("The file is larger than 10 MB."))
    if name.endswith(".pdf") and not data.startswith(b"%PDF-"):
        raise Refused(_("The file is named .pdf but is not a PDF."))
    if name.endswith(".docx"):
        files.open_archive(data).close()  # its directory only: a bomb or a damaged file is refused here
    if name.endswith(".doc"):
        raise Refused(_("Old .doc files cannot be read: open the plan in Word and save it as .docx."))
    if not name.endswith((".docx", ".pdf", ".txt", ".md", ".markdown")):
        raise Refused(_("Upload the plan as .docx, .txt, .md or a PDF with text."))


def read_document(data: bytes, filename: str) -> str:
    """The plan's text, NFC-normalised. Raises Refused."""
    check_file(data, filename)
    name = filename.lower()
    if name.endswith(".docx"):
        text = _docx_text(data)
    elif name.endswith(".pdf"):
        text = _pdf_text(data)
    else:
        text = _plain_text(data)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    if len("".join(text.split())) < 40:
        raise Refused(
            _(
                "No text found in the file. A scanned PDF has only images: ask for the Word file or a PDF saved from Word."
            )
        )
    return text
