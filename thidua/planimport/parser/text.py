"""Small string helpers every part of the parser uses, and the patterns for links, addresses and quotes."""

from __future__ import annotations

import re

# A web address as plans print it: "https://thanhdoan.hochiminhcity.gov.vn/…", "www.tuoitre.vn". The last
# character may not be punctuation, so "… tại www.abc.vn." keeps its full stop out of the address.
URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>()“”\"]+[^\s<>()“”\".,;:!?]")
# An e-mail address: "bancnld.thanhdoan@tphcm.gov.vn".
EMAIL_RE = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b")
# A quoted name or theme: “Tuổi trẻ Thành phố Bác …”, "Xuân tình nguyện", «Tiếp sức mùa thi». The quoted text
# is the last group that matched (match.lastindex).
QUOTE_RE = re.compile(r"“([^”\n]{2,300})”|\"([^\"\n]{2,300})\"|«([^»\n]{2,300})»")
# A line of only rule characters: "***", "-----", "_ _ _" under a header block.
RULE_LINE_RE = re.compile(r"[*\-_=~.¯ ]+")
# Runs of white space, collapsed to one space in values such as "Số:  123-KH/TĐTN".
SPACES_RE = re.compile(r"\s+")


def is_caps(text: str) -> bool:
    """True when at least 4 letters and 85% of them are capitals ("KẾ HOẠCH", "BAN THƯỜNG VỤ THÀNH ĐOÀN")."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def capitalise(text: str) -> str:
    """The text with its first character upper case; the rest is kept as written."""
    return text[:1].upper() + text[1:] if text else text


def strip_span(text: str, start: int, end: int, chars: str = " \t\n.;,:") -> tuple[int, int]:
    """Shrink [start, end) so the slice has no leading/trailing `chars`."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def trim_value(text: str, start: int, end: int) -> tuple[int, int]:
    """A value as written: spaces and a final '.', ';' or ',' dropped (not a final '…' or ')')."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ";,"):
        end -= 1
    if end > start and text[end - 1] == "." and not text[start:end].endswith("..."):
        end -= 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def unbalanced(text: str) -> bool:
    """True when a quotation or a parenthesis is opened and not closed, so the sentence goes on."""
    return text.count("“") > text.count("”") or text.count("(") > text.count(")") or text.count('"') % 2 == 1


def mask(text: str, pattern: re.Pattern) -> str:
    """Blank out matches (same length) so later scans skip them and offsets stay valid."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)
