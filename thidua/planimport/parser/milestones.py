"""Milestones: documents due by a deadline ("Báo cáo sơ kết: trước 11g00 ngày 06/5/2023 (thứ Sáu)").

Every paragraph outside goals and activities with a deadline for a document is a milestone; its kind comes
from the document (kế hoạch → plan ``KH``, sơ kết → midterm ``SK``, tổng kết → final ``TK``, others ``M1`` …).
A deadline for "đăng ký thi đua" becomes the registration deadline instead. A date without a time is due at
DEFAULT_DEADLINE_TIME.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from thidua.core.text import fold
from thidua.core.timeutils import vn_datetime
from thidua.planimport.parser.assignments import groups_in_subject
from thidua.planimport.parser.dates import TIME_RE, WEEKDAY_RE, WrittenDate, find_dates, weekday_near
from thidua.planimport.parser.paragraphs import Para
from thidua.planimport.parser.period import year_assumed, year_within_period
from thidua.planimport.parser.result import DEFAULT_DEADLINE_TIME
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.text import EMAIL_RE, capitalise
from thidua.units.models import UnitGroup

# The words of a deadline: "trước", "chậm nhất (là) (vào)", "hạn chót (nộp)", "hạn cuối", "muộn nhất", "không
# muộn hơn", "đến hết", "hạn:".
DEADLINE_RE = re.compile(
    r"(?<!\w)(?P<kw>trước|chậm\s+nhất(?:\s+là)?(?:\s+vào)?|hạn\s+chót(?:\s+(?:nộp|nhận|gửi))?|hạn\s+cuối|"
    r"hạn\s+nộp|hạn\s+đăng\s+k[ýí]|muộn\s+nhất|không\s+muộn\s+hơn|đến\s+hết|hạn|(?P<soft>đến|vào))(?!\w)\s*:?",
    re.I,
)
# "đến" / "vào" are a deadline only after sending, without a "từ" before: "nộp hồ sơ đến 17 giờ ngày 21/5/2018",
# "nộp về trường vào ngày 12, 13/9" — not "từ ngày 1/3 đến ngày 31/3".
SOFT_CONTEXT_FOLDED_RE = re.compile(r"\b(nop|gui|dang k[yi]|chuyen)\b[^.;]{0,60}$")
FROM_FOLDED_RE = re.compile(r"\btu\b[^.;]{0,30}$")
# A document that can be due: "kế hoạch", "báo cáo", "danh sách", "hồ sơ", "bảng đăng ký", "bài dự thi" ….
DOCUMENT_RE = re.compile(
    r"(?<!\w)(?:kế hoạch|báo cáo|danh sách|hồ sơ|bảng đăng k[ýí]|bản đăng k[ýí]|phiếu đăng k[ýí]|đăng k[ýí]|văn bản|"
    r"tờ trình|biên bản|bài dự thi|sản phẩm|số liệu|đề xuất|dự thảo|tập tin|file)(?!\w)",
    re.I,
)
# A label between the deadline word and the date: "Hạn chót gửi kế hoạch: 17g00 ngày …" (group 1).
GAP_LABEL_RE = re.compile(r"([^.;:]{1,60}?):")
# What may stand between the deadline word and the date once times and weekdays are blanked: "ngày", "lúc",
# "vào", "hết", "sáng", "chiều", commas, colons and parentheses.
DATE_GAP_RE = re.compile(r"[\s,():]*(?:(?:(?i:ngày|lúc|vào|hết|sáng|chiều)|\d{1,2}\s*,)[\s,():]*)*")
# Sending or handing in, folded: "gửi", "nộp".
SEND_FOLDED_RE = re.compile(r"\b(gui|nop)\b")
# Registering by a deadline, folded: "các cơ sở Đoàn đăng kí số lượng … về Văn phòng … trước …".
REGISTER_FOLDED_RE = re.compile(r"\bdang k[yi]\b")
# The registration for the campaign, folded: "đăng ký thi đua", "bản đăng ký thi đua", "đăng ký chỉ tiêu".
REGISTRATION_FOLDED_RE = re.compile(r"dang k[yi] thi dua|ban dang k[yi] thi dua|dang k[yi] chi tieu")
# "kế hoạch" as a word, folded.
KE_HOACH_WORD_FOLDED_RE = re.compile(r"\bke hoach\b")
# The document a milestone's title names: "Báo cáo sơ kết …", "Danh sách …", "Bài dự thi …".
TITLE_DOCUMENT_RE = re.compile(
    r"(?<!\w)(kế hoạch|báo cáo|danh sách|hồ sơ|bảng đăng ký|bản đăng ký|đăng ký|văn bản|tờ trình|bài dự thi|"
    r"sản phẩm|số liệu|đề xuất)(?!\w)",
    re.I,
)
# Where the document's name ends: "Báo cáo sơ kết | gửi về …", "| qua email", "| theo mẫu", ",", "(".
TITLE_STOP_RE = re.compile(r"(?<!\w)(gửi|về|qua|cho|trước|chậm|hạn|tại|nộp|theo|bằng|của các|lên)(?!\w)|[,;:(]", re.I)
# Titles for a milestone that names no document, by kind.
DEFAULT_TITLES = {"plan": "Kế hoạch", "midterm": "Báo cáo sơ kết", "final": "Báo cáo tổng kết"}
CODE_PREFIXES = {"plan": "KH", "midterm": "SK", "final": "TK"}


@dataclass
class Deadline:
    """A deadline found in a paragraph's body."""

    start: int  # offsets in the paragraph's body
    kw_end: int
    date: WrittenDate  # offsets relative to kw_end
    time: re.Match | None
    gap: str  # text between the keyword and the date
    label: str  # what is due ("Báo cáo sơ kết")
    label_start: int


def _deadline_context(p: Para, body: str, kw: re.Match) -> bool:
    """Whether a deadline word can set a deadline here: "đến"/"vào" only after sending ("nộp hồ sơ đến 17 giờ
    …"); inside an activity only when a document is sent ("gửi danh sách … trước …"), in the period's text only
    after sending."""
    before = fold(body[: kw.start()])
    if kw["soft"] and (not SOFT_CONTEXT_FOLDED_RE.search(before) or FROM_FOLDED_RE.search(before)):
        return False
    if p.section == "activities":
        sent = SEND_FOLDED_RE.search(before) or REGISTER_FOLDED_RE.search(before)
        return bool(sent and DOCUMENT_RE.search(body[: kw.start()]))
    if p.section in ("period", "audience", "time_audience"):
        return bool(SEND_FOLDED_RE.search(before))
    return True


def milestone_of(p: Para) -> Deadline | None:
    """The deadline a paragraph sets for a document ("Báo cáo sơ kết: trước 11g00 ngày …"), if any."""
    if p.section == "goals" or p.region != "body":
        return None
    body = p.body
    for kw in DEADLINE_RE.finditer(body):
        if not _deadline_context(p, body, kw):
            continue
        window = body[kw.end() : kw.end() + 90]
        dates = find_dates(window)
        if not dates:
            continue
        d = dates[0]
        gap = window[: d.start]
        label, label_start, rest_at = body[: kw.start()], 0, 0
        doc = GAP_LABEL_RE.match(gap)
        if doc and DOCUMENT_RE.search(doc.group(1)):  # "Hạn chót gửi kế hoạch: 17g00 ngày …"
            label, label_start, rest_at = doc.group(1), kw.end() + doc.start(1), doc.end()
        rest = gap[rest_at:]
        # Only a time, a weekday and small words between the deadline word and the date: "trước 11g00 ngày".
        if not DATE_GAP_RE.fullmatch(WEEKDAY_RE.sub(" ", TIME_RE.sub(" ", rest))):
            continue
        # A document must be named, or the sentence must be about sending something.
        context = fold(body[: kw.start()]) + " " + fold(p.parent.body if p.parent else "")
        if not DOCUMENT_RE.search(label) and not SEND_FOLDED_RE.search(context):
            continue
        return Deadline(kw.start(), kw.end(), d, TIME_RE.search(rest), gap, label, label_start)
    return None


def _kind(found: Deadline, body: str) -> str:
    f = fold(found.label)
    if REGISTRATION_FOLDED_RE.search(fold(body)):
        return "registration"
    if "so ket" in f:
        return "midterm"
    if "tong ket" in f:
        return "final"
    if KE_HOACH_WORD_FOLDED_RE.search(f):
        return "plan"
    return "other"


def _time_of_day(found: Deadline) -> tuple[int, int]:
    """(hour, minute) written with the deadline; DEFAULT_DEADLINE_TIME when none or impossible."""
    time = found.time
    if not time:
        return DEFAULT_DEADLINE_TIME
    hour = int(time["h"])
    minute = int(time["m1"] or time["m2"] or time["m3"] or 0)
    if hour > 23 or minute > 59:
        return DEFAULT_DEADLINE_TIME
    return hour, minute


def _weekday(found: Deadline, body: str) -> tuple[tuple[int, int] | None, int]:
    """(where the weekday is in the body, or None; where the deadline's text ends, weekday included)."""
    d = found.date
    text_end = found.kw_end + d.end
    wd = weekday_near(body, WrittenDate(found.kw_end + d.start, found.kw_end + d.end, d.day, d.month, d.year))
    if wd is None:
        m = WEEKDAY_RE.search(found.gap)  # "trước thứ Sáu, ngày 06/5/2023"
        if m:
            wd = (found.kw_end + m.start(), found.kw_end + m.end())
    if wd and wd[1] > text_end:
        close = body.find(")", wd[1])
        text_end = close + 1 if 0 <= close - wd[1] <= 2 else wd[1]  # "(thứ Sáu)" with its parenthesis
    return wd, text_end


def _title(found: Deadline, kind: str, base: int) -> tuple[str, int | None, int | None]:
    """(title, start, end): the document named in the label ("Báo cáo sơ kết"), else the label, else by kind."""
    label = found.label.strip(" -–:,;")
    label_at = base + found.label_start + found.label.find(label) if label else base
    m = TITLE_DOCUMENT_RE.search(label)
    title_start = title_end = None
    if m:
        tail = label[m.start() :]
        stop = TITLE_STOP_RE.search(tail[len(m.group(0)) :])
        title = tail[: len(m.group(0)) + (stop.start() if stop else len(tail))].strip()
        title_start = label_at + m.start()
        title_end = title_start + len(title)
    else:
        title = label or DEFAULT_TITLES.get(kind, "")
        if label:
            title_start, title_end = label_at, label_at + len(label)
    title = capitalise(title.strip()) or "Văn bản"
    if len(title) > 200:
        title = title[:197].rsplit(" ", 1)[0] + "…"
    return title, title_start, title_end


def _code(kind: str, counts: Counter) -> str:
    """KH, SK, TK for the first of a kind, then KH2 …; M1, M2 … for the others."""
    counts[kind] += 1
    if kind == "other":
        return f"M{counts[kind]}"
    prefix = CODE_PREFIXES[kind]
    return prefix if counts[kind] == 1 else f"{prefix}{counts[kind]}"


def _senders(state: ParseState, p: Para) -> tuple[list[str], list[str]]:
    """(groups, units) expected to send it: named in the paragraph or its ancestors, else the issuer's level
    below (direct units for the city, grassroots units for a district)."""
    groups: list[str] = []
    units: list[str] = []
    node: Para | None = p
    while node is not None and not groups and not units:
        groups, units = groups_in_subject(state, node)
        node = node.parent
    if not groups and not units:
        groups = [UnitGroup.DIRECT_UNITS.value if state.issuer_is_city else UnitGroup.GRASSROOTS.value]
    return groups, units


def _email_near(p: Para) -> str | None:
    """The first e-mail address in the paragraph or its ancestors."""
    node: Para | None = p
    while node is not None:
        m = EMAIL_RE.search(node.body)
        if m:
            return m.group(0)
        node = node.parent
    return None


def _deadline(state: ParseState, found: Deadline, kind: str) -> str | None:
    """The deadline as an ISO date-time (+07:00), or None when no year can be had or the date does not exist;
    warns when the year is assumed."""
    d = found.date
    year = d.year or year_within_period(state, d)
    if year is None:
        return None
    if d.year is None:
        where = f"milestones[{len(state.milestones) + 1}]" if kind != "registration" else "registration_deadline"
        state.late.append(year_assumed(where, year))
    resolved = d.resolve(year)
    if not resolved:
        return None
    return vn_datetime(resolved[1], *_time_of_day(found)).isoformat()


def _add_milestone(
    state: ParseState,
    p: Para,
    found: Deadline,
    counts: Counter,
    submission_email: str | None,
) -> None:
    """Read one paragraph's deadline into a milestone (or the registration deadline)."""
    body, base = p.body, p.bstart
    kind = _kind(found, body)
    deadline = _deadline(state, found, kind)
    if deadline is None:
        return
    wd, text_end = _weekday(found, body)
    if kind == "registration":
        if state.registration is None:
            state.registration = (deadline, base + found.start, base + text_end)
        return
    title, title_start, title_end = _title(found, kind, base)
    code = _code(kind, counts)
    where = f"milestones[{len(state.milestones) + 1}]"
    groups, units = _senders(state, p)
    submit_to = _email_near(p) or submission_email
    if title_start is not None:
        state.span(f"{where}.title", title_start, title_end)
    state.span(f"{where}.deadline", base + found.start, base + text_end)
    state.span(f"{where}.deadline_text", base + found.start, base + text_end)
    if wd:
        state.span(f"{where}.weekday", base + wd[0], base + wd[1])
    state.milestones.append(
        {
            "code": code,
            "kind": kind,
            "title": title,
            "deadline": deadline,
            "deadline_text": body[found.start : text_end].strip(),
            "weekday": body[wd[0] : wd[1]] if wd else None,
            "submit_to": submit_to,
            "reviewer": None,
            "expected": {"groups": groups, "units": units},
        }
    )


def read_milestones(state: ParseState, submission_email: str | None) -> None:
    """Add a milestone for every deadline outside goals and activities, in text order; the registration
    deadline goes to state.registration. `submission_email` is the address when the paragraph names none."""
    counts: Counter = Counter()
    for p in state.paras:
        found = milestone_of(p)
        if found:
            _add_milestone(state, p, found, counts, submission_email)


def registration_from(state: ParseState, start: int, end: int) -> None:
    """The registration deadline from a "Thời gian đăng ký: 18/01/2013-04/02/2013" or "Đăng kí: ngày 1-11-2009"
    value: its last date, at the time written or DEFAULT_DEADLINE_TIME; nothing without a date."""
    text = state.slice(start, end)
    dates = find_dates(text)
    if not dates or state.registration is not None:
        return
    d = dates[-1]
    year = d.year or year_within_period(state, d)
    if year is None:
        return
    if d.year is None:
        state.late.append(year_assumed("registration_deadline", year))
    resolved = d.resolve(year)
    if not resolved:
        return
    time = TIME_RE.search(text)
    hour, minute = (int(time["h"]), int(time["m1"] or time["m2"] or time["m3"] or 0)) if time else DEFAULT_DEADLINE_TIME
    if hour > 23 or minute > 59:
        hour, minute = DEFAULT_DEADLINE_TIME
    state.registration = (vn_datetime(resolved[1], hour, minute).isoformat(), start + d.start, start + d.end)
