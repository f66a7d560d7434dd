"""The footer region: the distribution list and the signature block, read in one pass.

In a .docx the two stand side by side in a table, so their lines alternate; one pass in text order keeps the
spans in the order they appear.
"""

from __future__ import annotations

from thidua.planimport.parser.distribution import (
    add_recipient,
    heading_recipient_start,
    is_recipients_heading,
    recipient_start,
)
from thidua.planimport.parser.signature import empty_signature, is_signature_line, read_on_behalf, read_signer
from thidua.planimport.parser.state import ParseState


def read_footer(state: ParseState) -> tuple[list[str], dict]:
    """(the recipients, the signature {on_behalf, position, name}); null for what is not written."""
    footer = state.region("footer")
    distribution: list[str] = []
    signature = empty_signature()
    in_list = False
    sig_index = None  # the first TM./KT. line
    for i, p in enumerate(footer):
        if is_recipients_heading(p):
            in_list = True
            start = heading_recipient_start(p)
            if start is not None:
                add_recipient(state, distribution, start, p.end)
            continue
        if is_signature_line(p):
            read_on_behalf(state, p, signature)
            sig_index = i if sig_index is None else sig_index
            continue
        start = recipient_start(p, sig_index is not None) if in_list else None
        if start is not None:
            add_recipient(state, distribution, start, p.end)
    read_signer(state, footer, sig_index, signature)
    return distribution, signature
