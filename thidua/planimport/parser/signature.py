"""The signature block: "TM. BAN THƯỜNG VỤ THÀNH ĐOÀN", the position ("BÍ THƯ"), the signer's name."""

from __future__ import annotations

import re

from thidua.core.text import fold
from thidua.planimport.parser.distribution import is_recipients_heading
from thidua.planimport.parser.paragraphs import ON_BEHALF_RE, SIGNATURE_LINE_RE, Para, split_marker
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.text import is_caps

# A note where the signature goes, folded: "(Đã ký)", "[Chữ ký]", "(Ký, ghi rõ họ tên)".
SIGNED_NOTE_FOLDED_RE = re.compile(r"\(?\[?(da ky|ky ten.*|chu ky.*|ky, ghi ro ho ten.*)\]?\)?\.?")
# A position in capitals, folded: "BÍ THƯ", "PHÓ BÍ THƯ", "TRƯỞNG BAN", "CHÁNH VĂN PHÒNG".
POSITION_FOLDED_RE = re.compile(r"\b(bi thu|truong ban|chu tich|pho|uy vien|giam doc|chanh van phong)\b")
# A person's name: two to six words of letters, "Ngô Minh Hải", "Nguyễn Thị Mỹ Hạnh".
SIGNER_NAME_RE = re.compile(r"(?:[^\W\d_][\w]*\s+){1,5}[^\W\d_][\w]*")


def empty_signature() -> dict:
    """The signature of a definition, nothing read yet."""
    return {"on_behalf": None, "position": None, "name": None}


def is_signature_line(p: Para) -> bool:
    """True for the line above the signer, in capitals: "TM. BAN THƯỜNG VỤ", "KT. BÍ THƯ"."""
    return bool(SIGNATURE_LINE_RE.match(fold(p.text))) and is_caps(p.text)


def read_on_behalf(state: ParseState, p: Para, signature: dict) -> None:
    """Keep the first "TM." line (the body signing) as on_behalf; a "KT." line is not a body."""
    if signature["on_behalf"] is None and ON_BEHALF_RE.match(fold(p.text)):
        signature["on_behalf"] = p.text
        state.span("signature.on_behalf", p.start, p.end)


def _is_signer_name(p: Para) -> bool:
    return bool(SIGNER_NAME_RE.fullmatch(p.text)) and all(w[0].isupper() for w in p.text.split())


def read_signer(state: ParseState, footer: list[Para], sig_index: int | None, signature: dict) -> None:
    """Position and name: after the TM./KT. line (else anywhere in the footer), the last line in capitals is
    the position, and the first name written after it is the signer."""
    start = sig_index if sig_index is not None else 0
    position = None
    for p in footer[start:]:
        f = fold(p.text)
        if ON_BEHALF_RE.match(f) or is_recipients_heading(p):
            continue
        if split_marker(p.text)[0] or SIGNED_NOTE_FOLDED_RE.fullmatch(f):
            continue  # a recipient of the list beside it, or "(Đã ký)"
        if is_caps(p.text):
            # Without a TM./KT. line, only a known position counts: capitals alone may be a recipient.
            if POSITION_FOLDED_RE.search(f) or sig_index is not None:
                position = p
            continue
        if position is not None and _is_signer_name(p):
            signature["name"] = p.text
            state.span("signature.name", p.start, p.end)
            break
    if position is not None:
        signature["position"] = position.text
        state.span("signature.position", position.start, position.end)
