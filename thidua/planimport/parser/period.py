"""The campaign's period ("từ ngày ban hành đến ngày 30/6/2023"), the audience, and the year of a date
written without one."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from thidua.campaigns.checks import Finding
from thidua.core.text import fold
from thidua.planimport.parser.dates import WrittenDate, find_dates
from thidua.planimport.parser.paragraphs import Para
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.text import trim_value

# A period written in running text: "từ ngày 01/3/2023 đến ngày 31/3/2023", "kể từ nay đến hết năm 2023",
# "từ tháng 3 đến tháng 9/2022" (up to 80 characters between, ending with a year).
PERIOD_PHRASE_RE = re.compile(
    r"(?i:(?:kể\s+)?từ\s+(?:ngày\s+|nay\s+|tháng\s+)?)[^.;]{0,80}?(?i:đến)\s+[^.;]{0,40}?\d{4}"
)
# A period that starts when the plan is issued: "từ ngày ban hành kế hoạch", "từ khi ký", "từ nay", "sau khi
# ban hành".
FROM_ISSUE_RE = re.compile(r"(?i:từ\s+(?:ngày\s+|khi\s+)?(?:ban hành|ký)|từ nay|kể từ ngày ban hành|sau khi ban hành)")


# A round of a contest, folded: "Vòng sơ khảo: từ ngày … đến ngày …", "Đợt 1", "Vòng loại" — a period read there
# may be only the first part of the campaign.
ROUND_FOLDED_RE = re.compile(r"\b(vong|dot|so khao|so tuyen|ban ket|chung khao|chung ket)\b")


def year_assumed(where: str, year: int) -> Finding:
    """The warning for a date written without a year, at `where`."""
    return Finding("year_assumed", where, _("No year is written: %(year)s is assumed.") % {"year": year}, "")


def _period_source(state: ParseState, context: list[Para]) -> tuple[int, int] | None:
    """The "Thời gian:" section's value, else the first "từ … đến … <year>" outside goals and activities."""
    if state.period_source is not None:
        return state.period_source
    candidates = [
        q
        for q in state.paras
        if q.region == "body" and q.section not in ("activities", "goals", "registration", "details", "rules")
    ]
    for p in [*context, *candidates]:
        m = PERIOD_PHRASE_RE.search(p.text)
        if m:
            return p.start + m.start(), p.start + m.end()
    return None


def _period_dates(state: ParseState, text: str, s: int, period: dict, from_issue: bool) -> None:
    """Start and end from the dates of the period's text (at offset `s`): the last date ends it, the first
    starts it unless it starts at the issue."""
    dates = find_dates(text)
    if not dates:
        return
    end_d = dates[-1]
    year = end_d.year or state.plan_year
    if end_d.year is None and year is not None:
        state.late.append(year_assumed("period", year))
    if year is None:
        return
    last = end_d.resolve(year)
    if last:
        period["end"] = last[1].isoformat()
        state.span("period.end", s + end_d.start, s + end_d.end)
    if not from_issue:
        first_d = dates[0]
        first = first_d.resolve(first_d.year or year)
        if first:
            period["start"] = first[0].isoformat()
            state.span("period.start", s + first_d.start, s + first_d.end)


def _later_rounds(state: ParseState, s: int) -> list[Para]:
    """When the period was read from a round ("+ Vòng sơ khảo: Từ ngày 19/03 đến ngày 24/03"), the rounds after it
    in the same list ("+ Đêm chung khảo: 26/03/2009"); else none."""
    p = next((q for q in state.paras if q.start <= s < q.end), None)
    if p is None or not ROUND_FOLDED_RE.match(fold(p.body)):
        return []
    siblings = p.parent.children if p.parent else [q for q in state.paras if q.region == "body" and not q.parent]
    later = [q for q in siblings if q.start > p.start]
    return [q for q in later if q.mtype == p.mtype and ROUND_FOLDED_RE.search(fold(q.body[:40]))]


def _extend_to_last_round(state: ParseState, period: dict, s: int) -> None:
    """A period read from a first round ends with the last round's date written after it, with a warning: the
    campaign may end later still."""
    if not period["end"]:
        return
    end = dt.date.fromisoformat(period["end"])
    last = None
    for q in _later_rounds(state, s):
        for d in find_dates(q.body):
            span = d.resolve(d.year or end.year)
            if span and span[1] > end:
                end, last = span[1], (q.bstart + d.start, q.bstart + d.end)
    if last is None:
        return
    period["end"] = end.isoformat()
    state.span("period.end", *last)
    state.late.append(
        Finding(
            "period_from_rounds",
            "period",
            _("The period was read from the rounds of the contest, up to the last one (%(end)s): check it.")
            % {"end": end.strftime("%d/%m/%Y")},
            _("Period"),
        )
    )


def read_period(state: ParseState, context: list[Para]) -> dict:
    """The period {start, end, text}: start is an ISO date or "issue_date"; null for what is not written."""
    period = {"start": None, "end": None, "text": None}
    source = _period_source(state, context)
    if source is None:
        return period
    s, e = trim_value(state.text, *source)
    text = state.slice(s, e)
    period["text"] = text
    state.span("period.text", s, e)
    issue = FROM_ISSUE_RE.search(text)
    if issue:
        period["start"] = "issue_date"
        state.span("period.start", s + issue.start(), s + issue.end())
    _period_dates(state, text, s, period, bool(issue))
    _extend_to_last_round(state, period, s)
    return period


def settle_period_range(state: ParseState, period: dict, issue_date: str | None) -> None:
    """Remember the period's first and last day (the issue date for "issue_date"), when both are known."""
    period_start = issue_date if period["start"] == "issue_date" else period["start"]
    if period_start and period["end"]:
        state.period_range = (dt.date.fromisoformat(period_start), dt.date.fromisoformat(period["end"]))


def warn_unknown_period(state: ParseState, period: dict) -> None:
    """Warn when the plan does not say when the campaign starts or ends."""
    if period["start"] is None:
        state.early.append(
            Finding("period_start_unknown", "period", _("The plan does not say when the campaign starts."), _("Period"))
        )
    if period["end"] is None:
        state.early.append(
            Finding("period_end_unknown", "period", _("The plan does not say when the campaign ends."), _("Period"))
        )


def read_audience(state: ParseState) -> str | None:
    """The value of the "Đối tượng:" section, trimmed; None if the plan has none."""
    if not state.audience_source:
        return None
    s, e = trim_value(state.text, *state.audience_source)
    state.span("audience", s, e)
    return state.slice(s, e) or None


def year_within_period(state: ParseState, d: WrittenDate) -> int | None:
    """The year of a date written without one: the year that puts it inside the period, else the plan's."""
    if state.period_range:
        start, end = state.period_range
        for year in sorted({end.year, start.year}):
            span = d.resolve(year)
            if span and start <= span[0] <= end:
                return year
    return state.plan_year
