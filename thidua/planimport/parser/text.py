"""Text helpers and normalisation: markup stripped, paragraphs joined, numbering markers read."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from thidua.core.text import fold

# --- small text helpers ---------------------------------------------------------------------------

_TERMINAL = ".;:!?…"


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _strip_span(text: str, start: int, end: int, chars: str = " \t\n.;,:") -> tuple[int, int]:
    """Shrink [start, end) so the slice has no leading/trailing `chars`."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def _trim_value(text: str, start: int, end: int) -> tuple[int, int]:
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


def _unbalanced(text: str) -> bool:
    return text.count("“") > text.count("”") or text.count("(") > text.count(")") or text.count('"') % 2 == 1


def _mask(text: str, pattern: re.Pattern) -> str:
    """Blank out matches (same length) so later scans skip them."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>()“”\"]+[^\s<>()“”\".,;:!?]")
_EMAIL_RE = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b")
_QUOTE_RE = re.compile(r"“([^”\n]{2,300})”|\"([^\"\n]{2,300})\"|«([^»\n]{2,300})»")


# --- 1. normalisation -----------------------------------------------------------------------------

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2007\u2009\u202f\u3000"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)
_HEADING_SENTINEL = "\x01"


def _strip_markup(s: str) -> str:
    s = re.sub(r"<(https?://[^>\s]+)>", r"\1", s)
    s = re.sub(r"<(?:mailto:)?([^>\s@]+@[^>\s]+)>", r"\1", s)
    s = re.sub(
        r"!?\[([^\]\n]*)\]\(([^)\s]+)\)",
        lambda m: m[2] if m[1].strip() in ("", m[2]) else f"{m[1]} ({m[2]})",
        s,
    )
    s = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|>~\"'])", r"\1", s)  # pandoc escapes: 1\. → 1.
    s = re.sub(r"<br\s*/?>", "\n", s, flags=re.I)
    # A bold numbered heading glued to the heading before it: "NỘI DUNG:**1. Mục tiêu:**".
    s = re.sub(
        r"([:.])[ \t]*(\*\*|__)(?=[ \t]*(?:[IVXLC]+\.|\d{1,2}(?:\.\d{1,2})*\.?|[a-zđ]\))[ \t])",
        r"\1\n\2",
        s,
    )
    lines = []
    for line in s.split("\n"):
        stripped = line.strip()
        if re.fullmatch(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?", stripped):
            continue  # table separator row
        if re.fullmatch(r"([-*_=~])(\s*\1){2,}", stripped):
            lines.append("")  # horizontal rule, "***" under a header
            continue
        m = re.match(r"#{1,6}(?=\s)", stripped)
        if m:
            content = stripped[m.end() :].strip().rstrip("#").strip()
            lines.append(f"{_HEADING_SENTINEL}{len(m.group(0))}{content}")
            continue
        if stripped.startswith(">"):
            line = stripped.lstrip("> ")
        if stripped.startswith("|") and stripped.endswith("|"):
            line = "\t".join(cell.strip() for cell in stripped.strip("|").split("|"))
        lines.append(line)
    s = "\n".join(lines)
    s = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", s)
    s = s.replace("**", "")
    s = re.sub(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])", r"\1", s)
    s = re.sub(r"(?<!\w)_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?!\w)", r"\1", s)
    s = re.sub(r"`([^`\n]+)`", r"\1", s)
    return s


@dataclass(eq=False)
class _Para:
    """One paragraph of the normalised text."""

    start: int
    end: int
    text: str
    region: str  # header, title, subtitle, body, footer
    md: int = 0  # Markdown heading level
    marker: str = ""
    mtype: str = ""  # roman, num, numparen, multi2, alpha, dash, plus, bullet, caps, h1 … or ""
    bstart: int = 0  # where the text after the marker starts
    parent: _Para | None = None
    children: list = field(default_factory=list)
    extras: list = field(default_factory=list)  # unnumbered paragraphs that follow it
    section: str = ""

    @property
    def body(self) -> str:
        return self.text[self.bstart - self.start :]


_MARKER_RE = re.compile(
    r"(?:(?P<roman>[IVXLC]{1,5})\s?[.)/]"
    r"|(?P<multi>\d{1,2}(?:\.\d{1,2}){1,3})\.?\)?"
    r"|(?P<num>\d{1,2})\s?(?P<numclose>[.)])"
    r"|(?P<alpha>[a-zđ])\s?[.)]"
    r"|(?P<sym>[-–—+•●○◦▪■►✓*](?:\s*[-–—+•●○◦▪■►✓*])*))\s*"
)
_SYMBOL_TYPES = {"-": "dash", "–": "dash", "—": "dash", "+": "plus", "•": "bullet", "●": "bullet", "*": "star"}


def _split_marker(text: str) -> tuple[str, int]:
    """(marker type, length of the marker with its spaces), or ("", 0)."""
    m = _MARKER_RE.match(text)
    if not m or m.end() >= len(text):
        return "", 0
    rest = text[m.end() :]
    spaced = m.group(0)[-1:].isspace()
    if m["roman"]:
        return ("roman", m.end()) if rest[0].isupper() else ("", 0)
    if m["multi"]:
        return (f"multi{m['multi'].count('.') + 1}", m.end()) if spaced and not rest[0].isdigit() else ("", 0)
    if m["num"]:
        if rest[0].isdigit() or (not spaced and not rest[0].isupper()):
            return "", 0
        return ("numparen" if m["numclose"] == ")" else "num"), m.end()
    if m["alpha"]:
        return ("alpha", m.end()) if spaced else ("", 0)
    symbol = m["sym"].replace(" ", "")[-1]
    if symbol in "-–—" and rest[0].isdigit() and not spaced:
        return "", 0
    return _SYMBOL_TYPES.get(symbol, "square"), m.end()


def _headerish(line: str) -> bool:
    f = fold(line)
    if re.fullmatch(r"[*\-_=~. ]+", line):
        return True
    if re.match(r"so\s*[:.]", f) or re.search(r",\s*ngay\b.*\bthang\b.*\bnam\b", f):
        return True
    if re.fullmatch(r"doc lap\W+tu do\W+hanh phuc\W*", f):
        return True
    return _is_caps(line) and bool(re.search(r"\b(doan|ban|bch|btv|hoi|uy ban|cong hoa|tncs)\b", f))


def _is_special_start(line: str) -> bool:
    """A line that always starts a paragraph."""
    f = fold(line[:40])
    return (
        bool(_split_marker(line)[0])
        or f.startswith("(phan cong")
        or f.startswith("noi nhan")
        or bool(re.match(r"(tm|t/m|kt|k/t)\.?\s", f))
    )


def _should_join(a: str, b: str, blank: bool) -> bool:
    if _is_special_start(b) or _is_caps(b) or _is_caps(a):
        return False
    if _unbalanced(a) and not blank:
        return True
    if a[-1] in _TERMINAL:
        return False
    starts_low = b[0].islower() or b[0].isdigit() or (b[0] in '(“"' and not fold(b).startswith("(phan cong"))
    if blank:
        return starts_low
    return starts_low or len(a) >= 50


def _normalise(raw: str) -> tuple[str, list[_Para]]:
    s = unicodedata.normalize("NFC", raw or "").translate(_SPACES).translate(_INVISIBLE)
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\v", "\n")
    s = _strip_markup(s)
    lines: list[tuple[list[str], int]] = []  # (cells, markdown level)
    for line in s.split("\n"):
        md = 0
        if line.startswith(_HEADING_SENTINEL):
            md, line = int(line[1]), line[2:]
        cells: list[str] = []
        for cell in re.split(r"\t+| {3,}", line.strip()):
            cell = re.sub(r"\s+", " ", cell).strip()
            if cells and re.search(r"(?i:ngày)$", cells[-1]) and re.match(r"(?i:tháng)\b", cell):
                cells[-1] += " " + cell  # "ngày    tháng 5 năm 2023": the day is left blank, not a new cell
            elif cell:
                cells.append(cell)
        lines.append((cells, md))

    def joined(i: int) -> str:
        return " ".join(lines[i][0])

    nonempty = [i for i, (cells, _md) in enumerate(lines) if cells]
    # The "KẾ HOẠCH" line ends the header.
    kh = None
    for n, i in enumerate(nonempty[:40]):
        line = joined(i)
        f = fold(line)
        if re.match(r"ke hoach\b", f) and (
            f.strip(" :") == "ke hoach"
            or lines[i][1]
            or _is_caps(line[:30])
            or all(_headerish(joined(j)) for j in nonempty[:n])
        ):
            kh = i
            break
        if _split_marker(line)[0] == "roman":
            break
    if kh is None:
        head = 0
        for i in nonempty:
            if not _headerish(joined(i)):
                break
            head = i + 1
        header_idx = [i for i in nonempty if i < head]
        title_first = next((i for i in nonempty if i >= head), None)
    else:
        header_idx = [i for i in nonempty if i < kh]
        title_first = kh
    # The title: the "KẾ HOẠCH" line's rest, or the next paragraph.
    title_idx: list[int] = []
    kh_only = None
    if title_first is not None:
        first = joined(title_first)
        rest_of_kh = re.sub(r"^(?i:kế hoạch)\s*[:\-–]?\s*", "", first) if kh is not None else first
        if kh is not None and not rest_of_kh:
            kh_only = title_first
            after = [i for i in nonempty if i > title_first]
            title_first = after[0] if after else None
        if title_first is not None:
            title_idx = [title_first]
            for i in nonempty:
                if i <= title_first:
                    continue
                prev, nxt = " ".join(joined(j) for j in title_idx), joined(i)
                contiguous = i == title_idx[-1] + 1
                ends_with_link = re.search(r"(\b(và|của|trong|cho|với|năm|về|tại)|[-–,])$", prev, re.I)
                if _is_special_start(nxt) or re.fullmatch(r"[*\-_=~. ]+", nxt):
                    break
                if (
                    (_unbalanced(prev) and (contiguous or nxt[0].islower()))
                    or (contiguous and (nxt[0].islower() or ends_with_link))
                    or (contiguous and _is_caps(prev) and _is_caps(nxt))
                ):
                    title_idx.append(i)
                else:
                    break
    after_title = (title_idx[-1] if title_idx else (kh_only if kh_only is not None else -1)) + 1
    footer_start = len(lines)
    for i in nonempty:
        if i < after_title:
            continue
        f = fold(lines[i][0][0])
        if f.startswith("noi nhan") or re.match(r"(tm|t/m|kt|k/t)\.?\s", f) and _is_caps(lines[i][0][0]):
            footer_start = i
            break
    # Body paragraphs: join broken lines.
    paragraphs: list[tuple[str, int]] = []
    blank = False
    for i in range(after_title, footer_start):
        cells, md = lines[i]
        if not cells:
            blank = True
            continue
        line = " ".join(cells)
        if i < len(lines) and title_idx and i == after_title and line.startswith("(") and line.endswith(")"):
            paragraphs.append((line, -1))  # a subtitle such as "(Ban hành kèm theo …)"
            blank = False
            continue
        if paragraphs and not md and paragraphs[-1][1] == 0 and _should_join(paragraphs[-1][0], line, blank):
            paragraphs[-1] = (paragraphs[-1][0] + " " + line, 0)
        else:
            paragraphs.append((line, md))
        blank = False

    out: list[str] = []
    paras: list[_Para] = []
    pos = 0

    def emit(text: str, region: str, sep: str, md: int = 0) -> None:
        nonlocal pos
        if out:
            out.append(sep)
            pos += len(sep)
        paras.append(_Para(pos, pos + len(text), text, region, md=md, bstart=pos))
        out.append(text)
        pos += len(text)

    for i in header_idx:
        for cell in lines[i][0]:
            emit(cell, "header", "\n")
    if kh_only is not None:
        emit(joined(kh_only), "kh", "\n\n")
    if title_idx:
        emit(" ".join(joined(i) for i in title_idx), "title", "\n\n" if out else "")
    for text, md in paragraphs:
        emit(text, "subtitle" if md == -1 else "body", "\n\n", md=max(md, 0))
    previous_blank = True
    for i in range(footer_start, len(lines)):
        if not lines[i][0]:
            previous_blank = True
            continue
        for cell in lines[i][0]:
            emit(cell, "footer", "\n\n" if previous_blank else "\n")
            previous_blank = False
    return "".join(out), paras
