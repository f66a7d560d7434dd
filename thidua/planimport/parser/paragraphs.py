"""Paragraphs of the normalised text and the numbering markers that start them ("I.", "1.1", "a)", "-" …)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The numbering at the start of a paragraph, with the spaces after it:
# "II. NỘI DUNG" (roman), "1.2 Chỉ tiêu" (multi), "3. Hoạt động" / "3) …" (num), "a) …" / "đ. …" (alpha),
# "- …", "+ …", "• …", "* …", "- - …" (sym).
# Copies from Word also give "I/.", "II./", "1/", "1/.", "a/" and a bare "I MỤC ĐÍCH" (romanbare).
MARKER_RE = re.compile(
    r"(?:(?P<roman>[IVXLC]{1,5})\s?(?:[.)]/?|/\.?)"
    r"|(?P<romanbare>[IVX]{1,4})\s(?=[A-ZĐ]{2,}\s)"
    r"|(?P<multi>\d{1,2}(?:\.\d{1,2}){1,3})\.?\)?"
    r"|(?P<num>\d{1,2})\s?(?P<numclose>[.)]|/\.?)"
    r"|(?P<alpha>[a-zđ])\s?[.)/]"
    r"|(?P<sym>[-–—+•●○◦▪■►✓*](?:\s*[-–—+•●○◦▪■►✓*])*))\s*"
)
SYMBOL_TYPES = {"-": "dash", "–": "dash", "—": "dash", "+": "plus", "•": "bullet", "●": "bullet", "*": "star"}
# The line above the signer, accent-folded: "TM. BAN THƯỜNG VỤ", "T/M …", "KT. BÍ THƯ", "K/T …".
SIGNATURE_LINE_RE = re.compile(r"(tm|t/m|kt|k/t)\.?\s")
# Signing on behalf of a body ("TM. BAN THƯỜNG VỤ THÀNH ĐOÀN"), accent-folded; not "KT." (for the head).
ON_BEHALF_RE = re.compile(r"(tm|t/m)\b")


@dataclass(eq=False)
class Para:
    """One paragraph of the normalised text; the outline fills in marker, parent, children and section."""

    start: int
    end: int
    text: str
    region: str  # header, kh, title, subtitle, body, footer
    md: int = 0  # Markdown heading level
    marker: str = ""
    mtype: str = ""  # roman, num, numparen, multi2, alpha, dash, plus, bullet, caps, h1 … or ""
    bstart: int = 0  # where the text after the marker starts
    parent: Para | None = None
    children: list = field(default_factory=list)
    extras: list = field(default_factory=list)  # unnumbered paragraphs that follow it
    section: str = ""

    @property
    def body(self) -> str:
        """The text after the numbering marker."""
        return self.text[self.bstart - self.start :]


def split_marker(text: str) -> tuple[str, int]:
    """(marker type, length of the marker with its spaces), or ("", 0) when the text is not numbered."""
    m = MARKER_RE.match(text)
    if not m or m.end() >= len(text):
        return "", 0
    rest = text[m.end() :]
    spaced = m.group(0)[-1:].isspace()
    if m["romanbare"]:
        return "roman", m.end()
    if m["roman"]:
        # "I. MỤC TIÊU", not "C. với …": a roman heading goes on with a capital.
        return ("roman", m.end()) if rest[0].isupper() else ("", 0)
    if m["multi"]:
        # "1.2 Chỉ tiêu" but not "1.500 lượt" (a number).
        return (f"multi{m['multi'].count('.') + 1}", m.end()) if spaced and not rest[0].isdigit() else ("", 0)
    if m["num"]:
        # "3. Hoạt động", not "3. 500 lượt" (a number) nor "3.x" glued to a small letter.
        if rest[0].isdigit() or (not spaced and not rest[0].isupper()):
            return "", 0
        return ("numparen" if m["numclose"] == ")" else "num"), m.end()
    if m["alpha"]:
        return ("alpha", m.end()) if spaced else ("", 0)
    symbol = m["sym"].replace(" ", "")[-1]
    if symbol in "-–—" and rest[0].isdigit() and not spaced:
        return "", 0  # "-5%" is a number, not a dash item
    return SYMBOL_TYPES.get(symbol, "square"), m.end()
