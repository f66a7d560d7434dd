"""The distribution list ("Nơi nhận:"): who receives the plan, one line each."""

from __future__ import annotations

import re

from thidua.core.text import fold
from thidua.planimport.parser.paragraphs import Para, split_marker
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.text import is_caps, strip_span

# The list's heading and what separates it from a first recipient on the same line: "Nơi nhận:", "Nơi nhận: -".
RECIPIENTS_HEADING_RE = re.compile(r"^(?i:nơi nhận)\s*:?\s*")


def is_recipients_heading(p: Para) -> bool:
    """True for the "Nơi nhận:" line (with or without accents)."""
    return fold(p.text).startswith("noi nhan")


def heading_recipient_start(p: Para) -> int | None:
    """Where a recipient written on the heading line starts ("Nơi nhận: Như trên;"), else None."""
    rest = RECIPIENTS_HEADING_RE.sub("", p.text)
    return p.end - len(rest) if rest else None


def recipient_start(p: Para, signature_seen: bool) -> int | None:
    """Where the recipient on a list line starts, else None: a bulleted line ("- Thành ủy: Ban Tổ chức;"),
    or before the signature block a plain line ending like a list item (";" or ".")."""
    mtype, length = split_marker(p.text)
    if mtype and mtype not in ("roman", "num"):  # "1." / "I." number a text, not a list of recipients
        return p.start + length
    # Below the "TM." line, unbulleted lines are the signature's column.
    if not is_caps(p.text) and p.text.rstrip()[-1:] in ";." and not signature_seen:
        return p.start
    return None


def add_recipient(state: ParseState, distribution: list[str], start: int, end: int) -> None:
    """Append the recipient between the offsets (trimmed) and record its span as distribution[n]."""
    start, end = strip_span(state.text, start, end, " \t\n")
    if end > start:
        distribution.append(state.slice(start, end))
        state.span(f"distribution[{len(distribution)}]", start, end)
