"""Markdown and pandoc markup stripped from a plan's text, so the rules only see the words."""

from __future__ import annotations

import re

# Marks a line that was a Markdown heading: the sentinel, the level (one digit), then the heading's text.
HEADING_SENTINEL = "\x01"

# An autolink: "<https://thanhdoan.hochiminhcity.gov.vn>".
AUTOLINK_RE = re.compile(r"<(https?://[^>\s]+)>")
# An e-mail autolink: "<mailto:bantg@tphcm.gov.vn>" or "<bantg@tphcm.gov.vn>".
EMAIL_AUTOLINK_RE = re.compile(r"<(?:mailto:)?([^>\s@]+@[^>\s]+)>")
# A link or an image: "[Cổng thông tin](https://…)", "![](logo.png)".
LINK_RE = re.compile(r"!?\[([^\]\n]*)\]\(([^)\s]+)\)")
# A pandoc escape: "1\." → "1.", "\*" → "*".
ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~\"'])")
# An HTML line break left by a converter: "<br>", "<br/>", "<BR />".
BREAK_RE = re.compile(r"<br\s*/?>", re.I)
# A bold numbered heading glued to the heading before it: "II. NỘI DUNG:**1. Mục tiêu:**" — a line break
# goes before the "**".
GLUED_HEADING_RE = re.compile(r"([:.])[ \t]*(\*\*|__)(?=[ \t]*(?:[IVXLC]+\.|\d{1,2}(?:\.\d{1,2})*\.?|[a-zđ]\))[ \t])")
# A table's separator row: "|---|:---:|".
TABLE_SEPARATOR_RE = re.compile(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?")
# A horizontal rule: "***", "---", "_ _ _" (often under a header block).
HORIZONTAL_RULE_RE = re.compile(r"([-*_=~])(\s*\1){2,}")
# The hashes of a Markdown heading: "## II. NỘI DUNG".
HEADING_RE = re.compile(r"#{1,6}(?=\s)")
# Bold: "**KẾ HOẠCH**", "__Ngày hội__".
BOLD_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
# Italic with stars, not inside a word: "*Chủ nhật*".
STAR_ITALIC_RE = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
# Italic with underscores, not inside a word or an address: "_Chủ nhật_".
UNDERSCORE_ITALIC_RE = re.compile(r"(?<!\w)_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?!\w)")
# Inline code: "`www.abc.vn`".
CODE_RE = re.compile(r"`([^`\n]+)`")


def _link_text(m: re.Match) -> str:
    # A link shows its address too: the address is a fact the plan gives (a registration form, a page).
    return m[2] if m[1].strip() in ("", m[2]) else f"{m[1]} ({m[2]})"


def _inline(s: str) -> str:
    s = AUTOLINK_RE.sub(r"\1", s)
    s = EMAIL_AUTOLINK_RE.sub(r"\1", s)
    s = LINK_RE.sub(_link_text, s)
    s = ESCAPE_RE.sub(r"\1", s)
    s = BREAK_RE.sub("\n", s)
    return GLUED_HEADING_RE.sub(r"\1\n\2", s)


def _block_line(line: str) -> str | None:
    """One line without its block markup; None for a line to drop."""
    stripped = line.strip()
    if TABLE_SEPARATOR_RE.fullmatch(stripped):
        return None
    if HORIZONTAL_RULE_RE.fullmatch(stripped):
        return ""  # a rule still separates what is above from what is below
    m = HEADING_RE.match(stripped)
    if m:
        content = stripped[m.end() :].strip().rstrip("#").strip()
        return f"{HEADING_SENTINEL}{len(m.group(0))}{content}"
    if stripped.startswith(">"):
        line = stripped.lstrip("> ")
    if stripped.startswith("|") and stripped.endswith("|"):
        # Table cells become tab-separated, as a header table read from a .docx.
        line = "\t".join(cell.strip() for cell in stripped.strip("|").split("|"))
    return line


def _emphasis(s: str) -> str:
    s = BOLD_RE.sub(r"\2", s)
    s = s.replace("**", "")
    s = STAR_ITALIC_RE.sub(r"\1", s)
    s = UNDERSCORE_ITALIC_RE.sub(r"\1", s)
    return CODE_RE.sub(r"\1", s)


def strip_markup(s: str) -> str:
    """The text without Markdown markup; headings are kept as HEADING_SENTINEL + level + text lines."""
    s = _inline(s)
    lines = [out for out in map(_block_line, s.split("\n")) if out is not None]
    return _emphasis("\n".join(lines))
