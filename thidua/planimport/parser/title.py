"""The title, the quoted theme, the plan's year and the campaign's slug."""

from __future__ import annotations

import re
from collections import Counter

from django.utils.translation import gettext as _

from thidua.campaigns.checks import Finding
from thidua.core.text import fold
from thidua.planimport.parser.layout import (
    DISPATCH_SUBJECT_FOLDED_RE,
    DOC_TYPE_FOLDED_RE,
    KE_HOACH_FOLDED_RE,
    KE_HOACH_PREFIX_RE,
)
from thidua.planimport.parser.paragraphs import Para
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.text import QUOTE_RE, URL_RE, capitalise, mask

# The words that introduce a theme before its quotes, folded: "với chủ đề “…”", "thông điệp", "khẩu hiệu",
# "phát động …", "phương châm" (at most 40 characters before the quote, in the same sentence).
THEME_LEAD_FOLDED_RE = re.compile(r"(chu de|thong diep|khau hieu|phat dong|phuong cham)[^.]{0,40}$")
# The subject a first sentence announces, when the plan has no title: "…, Ban Thường vụ thông báo đến các cơ sở về
# việc đẩy mạnh đăng ký tham gia Hội thi “Sáng mãi tên Người” lần I năm 2014 như sau:" (group "t": the subject).
SUBJECT_IN_TEXT_RE = re.compile(r"(?i:về việc)\s+(?P<t>[^:;]{10,200}?)\s*,?\s*(?i:như sau|cụ thể như sau)\s*:")
# The year of a title: "… năm 2023".
TITLE_YEAR_RE = re.compile(r"(?i:năm)\s+((?:19|20)\d\d)\b")
# A year as a word: "2023" in "Tháng Thanh niên 2023".
YEAR_WORD_RE = re.compile(r"\b((?:19|20)\d\d)\b")
# A year written in the text, alone or ending a date: "2023", "20/4/2023" (not "2023" inside "12.2023.1").
TEXT_YEAR_RE = re.compile(r"(?<![\d/.-])(?:\d{1,2}/\d{1,2}/)?((?:19|20)\d\d)(?!\d)")
# The first year of an anniversary's dates in brackets, which is not the campaign's: "(15/10/1956 - 15/10/2015)",
# "(1931 – 2021)" (the campaign's year is the last).
ANNIVERSARY_START_RE = re.compile(r"(?<=\()\s*(?:\d{1,2}\s*/\s*\d{1,2}\s*/\s*)?(?:19|20)\d\d(?=\s*[-–])")
# What separates the words of a slug.
SLUG_SEPARATOR_RE = re.compile(r"[^a-z0-9]+")


def read_title(state: ParseState) -> tuple[str | None, str | None]:
    """(title, theme) from the title paragraph: "KẾ HOẠCH Tổ chức …" loses its "KẾ HOẠCH", the theme is the
    first quoted text in it. (None, None) without a title."""
    title_para = next((p for p in state.paras if p.region == "title"), None)
    if title_para is None:
        return _title_from_subject(state)
    t_start = title_para.start
    # A "KẾ HOẠCH" line standing alone ("kh" region) was already left out, unless a header came before it.
    has_prefix = any(p.region == "header" for p in state.paras) or not any(p.region == "kh" for p in state.paras)
    m = KE_HOACH_PREFIX_RE.match(title_para.text) if has_prefix else None
    if m and m.end() < len(title_para.text) and KE_HOACH_FOLDED_RE.match(fold(title_para.text)):
        t_start += m.end()
    title = capitalise(state.slice(t_start, title_para.end).strip())
    state.span("title", t_start, title_para.end)
    _warn_title_without_heading(state, title_para)
    theme = None
    q = QUOTE_RE.search(title_para.text)
    if q:
        theme = q.group(q.lastindex)
        state.span("theme", title_para.start + q.start(q.lastindex), title_para.start + q.end(q.lastindex))
    return title, theme


def _title_from_subject(state: ParseState) -> tuple[str | None, str | None]:
    """A plan without a title (a dispatch copied without its header) whose first paragraph announces its subject
    ("… về việc đẩy mạnh đăng ký tham gia Hội thi “…” như sau:"): that subject is the title, warned; else none."""
    first = next((p for p in state.paras if p.region == "body"), None)
    m = SUBJECT_IN_TEXT_RE.search(first.text) if first is not None else None
    if m is None:
        return None, None
    start, end = first.start + m.start("t"), first.start + m.end("t")
    state.span("title", start, end)
    _warn_title_without_heading(state, None)
    q = QUOTE_RE.search(m["t"])
    if q:
        state.span("theme", start + q.start(q.lastindex), start + q.end(q.lastindex))
    return capitalise(m["t"]), (q.group(q.lastindex) if q else None)


def _warn_title_without_heading(state: ParseState, title_para: Para | None) -> None:
    """A title read from the first lines (or, `title_para` None, the first sentence) of a plan that has no "KẾ
    HOẠCH" (or other document type) heading and no "V/v …" subject may be a sentence of the body: say so."""
    f = fold(title_para.text) if title_para is not None else ""
    if title_para is not None and (
        any(p.region == "kh" for p in state.paras) or DOC_TYPE_FOLDED_RE.match(f) or DISPATCH_SUBJECT_FOLDED_RE.match(f)
    ):
        return
    state.early.append(
        Finding(
            "title_without_heading",
            "title",
            _("The plan has no “KẾ HOẠCH” heading: its title was read from its first lines. Check it."),
            _("Title"),
        )
    )


def theme_in_context(state: ParseState, context: list[Para]) -> str | None:
    """A theme the preamble quotes after "chủ đề", "thông điệp", "khẩu hiệu" …, else None."""
    for p in context:
        for q in QUOTE_RE.finditer(p.text):
            if THEME_LEAD_FOLDED_RE.search(fold(p.text[: q.start()])):
                state.span("theme", p.start + q.start(q.lastindex), p.start + q.end(q.lastindex))
                return q.group(q.lastindex)
    return None


def find_plan_year(state: ParseState, issuer: dict, title: str) -> int | None:
    """The plan's year: the issue date's, else the title's, else the year the text writes most; None if none."""
    if issuer.get("date"):
        return int(issuer["date"][:4])
    m = TITLE_YEAR_RE.search(title) or YEAR_WORD_RE.search(title)
    if m:
        return int(m.group(1))
    years = Counter(int(y) for y in TEXT_YEAR_RE.findall(mask(state.text, URL_RE)))
    return years.most_common(1)[0][0] if years else None


def make_slug(text: str, year: int | None) -> str:
    """A slug of at most 60 characters from `text`, ending with the year unless it is in it already."""
    base = SLUG_SEPARATOR_RE.sub("-", fold(text)).strip("-") or "ke-hoach"
    suffix = f"-{year}" if year and str(year) not in base[:60] else ""
    limit = 60 - len(suffix)
    if len(base) > limit:
        base = base[:limit]
        base = base.rsplit("-", 1)[0] if "-" in base else base  # cut at a word
    return (base.strip("-") or "ke-hoach") + suffix


def campaign_slug(state: ParseState, title: str | None, theme: str | None) -> str:
    """The slug made from the theme (else the title) and the year it names (else the plan's year)."""
    m = YEAR_WORD_RE.search(ANNIVERSARY_START_RE.sub("", f"{theme or ''} {title or ''}"))
    year = int(m.group(1)) if m else state.plan_year
    return make_slug(theme or title or "", year)
