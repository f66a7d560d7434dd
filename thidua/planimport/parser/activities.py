"""Activities: one per item of the activities section, with its title, programme, URL, date, weekday, venue,
target and assignments."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from thidua.campaigns.checks import Finding
from thidua.core.text import fold
from thidua.planimport.parser.assignments import read_assignments
from thidua.planimport.parser.dates import WrittenDate, find_dates, weekday_near
from thidua.planimport.parser.outline import descendants, is_assignment_line, label_value
from thidua.planimport.parser.paragraphs import Para
from thidua.planimport.parser.period import year_assumed
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.targets import read_activity_target
from thidua.planimport.parser.text import QUOTE_RE, URL_RE, capitalise, strip_span, trim_value

# The label of a field line under an activity, folded: "Thời gian (dự kiến):", "Địa điểm:", "Chỉ tiêu:",
# "Số lượng:", "Đơn vị chủ trì:", "Phối hợp:", "Liên hệ:" ….
FIELD_LABEL_FOLDED_RE = re.compile(
    r"(thoi gian( du kien| to chuc| thi| thuc hien)?|dia diem|noi dung|chi tieu|so luong( \w+){0,2}|quy mo|"
    r"hinh thuc( thi| tham gia)?|thanh phan|chu de|the loai|"
    r"doi tuong|phan cong|don vi (thuc hien|chu tri|phoi hop|to chuc|phu trach|thuong truc)|chu tri|phoi hop|"
    r"trach nhiem|dang k[yi]|lien he|ket qua)$"
)
# A field that assigns units, folded: "Đơn vị thực hiện:", "Chủ trì:", "Phối hợp:".
ASSIGNMENT_FIELD_FOLDED_RE = re.compile(r"(don vi|chu tri|phoi hop)")
# The words in front of a quoted programme name, folded: "Chương trình “…”", "Cuộc thi “…”", "Hội trại “…”",
# "Ngày hội …“…”", "chuyên trang “…”" (up to two words between the kind and the quote).
PROGRAMME_LEAD_FOLDED_RE = re.compile(
    r"(chuong trinh|cuoc van dong|hoi thi|cuoc thi|giai|phong trao|chien dich|ngay hoi|dien dan|"
    r"hoat dong|mo hinh|cong trinh|dot|hoi trai|le hoi|hanh trinh|du an|the thao|tuyen duong|"
    r"giai thuong|le|hoi nghi|toa dam|chuyen de|trang|chuyen muc|doi hinh|fanpage|chuyen trang|nen tang|tap huan|chuoi)"
    r"(\s+[^\s“”\"]+){0,2}\s*$"
)
# A deadline right before a date, so the date is not the activity's: "trước 17g00 ngày 15/7", "hạn chót ngày …".
DEADLINE_BEFORE_RE = re.compile(
    r"(trước|chậm nhất|hạn chót|hạn|muộn nhất)\s*(\d{1,2}\s*(g|h|giờ)\s*\d{0,2}\s*)?(ngày\s*)?$", re.I
)
# What joins two dates into a range: " - ", " – ", " đến ", " (thứ Năm) đến hết ngày ".
RANGE_GAP_RE = re.compile(r"\s*(?:\([^)]{0,20}\))?\s*(?:-|–|đến|tới)(?:\s+hết)?(?:\s+ngày)?\s*", re.I)
# A venue right after the date: "… 04/5/2023 (thứ Năm) tại …", "…, sáng 16/7 tại …".
VENUE_AFTER_DATE_RE = re.compile(r"\s*(?:\([^)]*\)\s*)?,?\s*(?:(?:sáng|chiều|tối)\s+)?tại\s+")
# "tại" before a kind of place, anywhere in the description: "tại Hội trường Thành Đoàn", "tại Nhà Văn hóa
# Thanh niên", "tại Công viên …", "tại UBND …".
VENUE_PLACE_RE = re.compile(
    r"(?<!\w)tại\s+(?=(?:Hội trường|Nhà Văn hóa|Nhà văn hóa|Nhà Thiếu nhi|Công viên|Quảng trường|Trường|Sân|"
    r"Khu|Trung tâm|Phố đi bộ|Bến|Nhà thi đấu|Cung|Hội quán|Bảo tàng|Đền|Khu di tích|Địa đạo|Rừng|Bãi|Chợ|Bệnh viện|UBND)\b)"
)
# Where a venue ends: punctuation, ", " before a small letter, or a preposition ("… | với sự tham gia …").
VENUE_END_RE = re.compile(r"[.;(\n]|,\s+(?=[a-zà-ỹđ])|\s+(?:với|nhằm|cho|dự kiến|từ|vào|để|và)\s")
# A full stop inside a name or an address ("TP.HCM", "Q.1"), not the end of the venue.
DOT_IN_WORD_RE = re.compile(r"\.\w")
# The verbs a description starts with, left out of a short title: "Tổ chức các …", "Triển khai thực hiện …".
LEADING_VERBS_RE = re.compile(
    r"^(?:(?:tổ chức|triển khai|thực hiện|đồng loạt|ra quân|phát động|duy trì|tiếp tục)\s+)+(?:(?:các|những)\s+)?",
    re.I,
)
# Where a short title ends: a clause ("…, nhằm …", "… cho …", "… dự kiến …"), a date ("ngày 4"), "(", ":", ";"
# or a sentence's end.
TITLE_CUTS_RE = re.compile(
    r",?\s+(?:trong đó|nhằm|cho|trong|tại|dự kiến|vào|từ ngày|với|trên|để|qua đó|đồng thời)\s|,?\s+ngày\s+\d|\s\(|:\s|;\s|\.\s|\.$"
)


# A line of an event's programme, starting with a time of day: "9 giờ: khai mạc", "8g30 - 9g00: …".
AGENDA_ITEM_RE = re.compile(
    r"\d{1,2}\s*(?:giờ|g|h)\s*(?:\d{2})?(?:\s*phút)?\s*(?:[-–]\s*\d{1,2}\s*(?:giờ|g|h)\s*(?:\d{2})?)?\s*[:,]"
)


def is_field(p: Para) -> bool:
    """True for a "Label: value" line that gives a fact of the activity above it ("Địa điểm: …")."""
    label, value = label_value(p)
    return value is not None and bool(FIELD_LABEL_FOLDED_RE.match(fold(label).strip()))


@dataclass
class _Parts:
    """An activity's paragraphs sorted out: the description's ranges, the field lines, the assignment lines."""

    described: list[tuple[int, int]]
    fields: dict[str, tuple[int, int]]  # folded label → value range
    assignment_paras: list[Para]


def _parts(state: ParseState, node: Para, own_start: int | None) -> _Parts:
    parts = [node, *descendants(node)]
    assignment_paras = [p for p in parts if is_assignment_line(p)]
    fields: dict[str, tuple[int, int]] = {}
    described: list[tuple[int, int]] = []
    for p in parts:
        if p in assignment_paras:
            continue
        if p is not node and is_field(p):
            label, value = label_value(p)
            key = fold(label).strip()
            fields.setdefault(key, (value, p.end))
            if ASSIGNMENT_FIELD_FOLDED_RE.match(key):
                assignment_paras.append(p)
                continue
        start = own_start if (p is node and own_start is not None) else (p.bstart if p is node else p.start)
        described.append(strip_span(state.text, start, p.end, " \t\n"))
    if not described:
        described = [strip_span(state.text, node.bstart, node.end, " \t\n")]
    return _Parts(described, fields, assignment_paras)


def _dated_agenda_line(state: ParseState, node: Para, first_range: tuple[int, int]) -> tuple[int, int] | None:
    """When the item's own line has no date, the first line of its programme that has one ("9 giờ, thứ Sáu,
    ngày 26/3/2021: khai mạc"); None otherwise."""
    if find_dates(state.slice(*first_range)):
        return None
    for p in descendants(node):
        if AGENDA_ITEM_RE.match(p.body) and find_dates(p.body):
            return p.bstart, p.end
    return None


def _programme(state: ParseState, where: str, first: str, first_start: int) -> str | None:
    """The quoted name after "Chương trình", "Cuộc thi" … in the description's first paragraph."""
    for q in QUOTE_RE.finditer(first):
        before = fold(first[max(0, q.start() - 40) : q.start()])
        if PROGRAMME_LEAD_FOLDED_RE.search(before):
            state.span(f"{where}.programme", first_start + q.start(q.lastindex), first_start + q.end(q.lastindex))
            return q.group(q.lastindex)
    return None


def _url(state: ParseState, where: str, described: list[tuple[int, int]]) -> str | None:
    """The first web address of the description, with "http://" in front of a bare "www."."""
    for start, end in described:
        m = URL_RE.search(state.slice(start, end))
        if m:
            state.span(f"{where}.url", start + m.start(), start + m.end())
            return m.group(0) if m.group(0).startswith("http") else "http://" + m.group(0)
    return None


def short_title(first: str) -> str:
    """The description's first clause without its leading verbs, at most about 120 characters."""
    masked = first
    for q in QUOTE_RE.finditer(first):  # a cut inside quotes would split a name
        masked = masked[: q.start()] + "x" * (q.end() - q.start()) + masked[q.end() :]
    cut = len(first)
    for m in TITLE_CUTS_RE.finditer(masked):
        if m.start() >= 12:
            cut = m.start()
            break
    title = first[:cut].strip(" ,;:.")
    stripped = LEADING_VERBS_RE.sub("", title)
    if stripped and stripped[0] not in '“"«':
        title = stripped
    if len(title) > 120:
        title = title[:120].rsplit(" ", 1)[0].rstrip(" ,;") + "…"
    return title


def _title(
    state: ParseState,
    where: str,
    node: Para,
    own_start: int | None,
    programme: str | None,
    first_range: tuple[int, int],
) -> tuple[str, tuple[int, int]]:
    """(title, its span): a label ("Lễ ra quân:"), else the programme, else the description's first clause."""
    first_start, first_end = first_range
    first = state.slice(first_start, first_end)
    label, value = label_value(node)
    if own_start is None and (node.body.strip().endswith(":") or (value is not None and len(label.split()) <= 12)):
        title = label.strip(" :")
        return title, (node.bstart, node.bstart + len(title))
    if programme:
        title = programme if len(programme) <= 80 else programme[:80].rsplit(" ", 1)[0].rstrip(" ,;-–") + "…"
        sp = state.spans[f"{where}.programme"]
        return title, (sp.start, sp.end)
    title = short_title(first)
    found_at = first.find(title.rstrip("…")[1:])
    return title, (first_start + max(found_at - 1, 0), first_start + max(found_at - 1, 0) + len(title))


def resolve_range(state: ParseState, src: str, d: WrittenDate, where: str) -> tuple[dt.date, dt.date, int] | None:
    """The date (or range "04/5 - 06/5/2023") starting at `d`: (first, last, end offset in src); the plan's
    year when none is written (with a warning), None when there is none or the date does not exist."""
    partner = None
    for other in find_dates(src):
        if other.start <= d.start:
            continue
        if RANGE_GAP_RE.fullmatch(src[d.end : other.start]):
            partner = other
        break
    end_d = partner or d
    year = end_d.year or d.year
    if year is None:
        year = state.plan_year
        if year is None:
            return None
        state.late.append(year_assumed(where.rsplit(".", 1)[0], year))
    first_range = d.resolve(d.year or year)
    last_range = end_d.resolve(year)
    if not first_range or not last_range:
        return None
    return first_range[0], last_range[1], end_d.end


def venue_from(state: ParseState, path: str, start: int) -> None:
    """Record the venue that starts at `start` (up to punctuation or a preposition) as the span `path`."""
    seg = state.text[start : start + 160]
    end = len(seg)
    for m in VENUE_END_RE.finditer(seg):
        if m.group(0).startswith(".") and DOT_IN_WORD_RE.match(seg[m.start() :]):
            continue
        end = m.start()
        break
    s, e = trim_value(state.text, start, start + end)
    state.span(path, s, e)


@dataclass
class _When:
    """An activity's date as read."""

    date: str | None = None
    end_date: str | None = None
    weekday: str | None = None
    tentative: bool = False


def _read_date(state: ParseState, where: str, date_src: tuple[int, int], venue_given: bool) -> _When:
    """The first date of `date_src` that is not a deadline: range, weekday, "dự kiến"; a venue right after it
    ("… 04/5/2023 tại …") unless a "Địa điểm:" line gives it."""
    when = _When()
    src = state.slice(*date_src)
    for d in find_dates(src):
        before = src[max(0, d.start - 40) : d.start]
        if DEADLINE_BEFORE_RE.search(before):
            continue
        rng = resolve_range(state, src, d, f"{where}.date")
        if rng is None:
            continue
        when.date, when.end_date = rng[0].isoformat(), (rng[1].isoformat() if rng[1] != rng[0] else None)
        state.span(f"{where}.date", date_src[0] + d.start, date_src[0] + rng[2])
        if when.end_date:
            state.span(f"{where}.end_date", date_src[0] + d.start, date_src[0] + rng[2])
        label_text = fold(state.text[max(0, date_src[0] - 30) : date_src[0]])  # "Thời gian dự kiến: …"
        when.tentative = "du kien" in fold(before) or "du kien" in label_text
        wd = weekday_near(src, d)
        if wd:
            when.weekday = src[wd[0] : wd[1]]
            state.span(f"{where}.weekday", date_src[0] + wd[0], date_src[0] + wd[1])
        m = VENUE_AFTER_DATE_RE.match(src[rng[2] : rng[2] + 120])
        if m and not venue_given:
            venue_from(state, f"{where}.venue", date_src[0] + rng[2] + m.end())
        break
    return when


def _venue(state: ParseState, where: str, fields: dict, first_range: tuple[int, int]) -> str | None:
    """The venue: the "Địa điểm:" line, else the one after the date, else "tại" before a kind of place."""
    if "dia diem" in fields:
        s, e = trim_value(state.text, *fields["dia diem"])
        state.span(f"{where}.venue", s, e)
    elif f"{where}.venue" not in state.spans:
        m = VENUE_PLACE_RE.search(state.slice(*first_range))
        if m:
            venue_from(state, f"{where}.venue", first_range[0] + m.end())
    if f"{where}.venue" in state.spans:
        sp = state.spans[f"{where}.venue"]
        return state.slice(sp.start, sp.end)
    return None


def _assignments(state: ParseState, where: str, paras: list[Para], title: str) -> tuple[str | None, list[dict]]:
    """(the assignment lines as written, the assignments); warns when no unit is assigned."""
    paras = sorted(paras, key=lambda p: p.start)
    assignment_text = "\n".join(p.text for p in paras) or None
    if paras:
        state.span(f"{where}.assignment_text", paras[0].start, paras[-1].end)
    assignments = read_assignments(state, where, paras, title)
    if not assignments:
        state.late.append(
            Finding(
                "activity_unassigned",
                where,
                _("No unit is assigned to this activity (no “Phân công …” line)."),
                title,
            )
        )
    return assignment_text, assignments


def add_activity(state: ParseState, node: Para, own_start: int | None = None) -> None:
    """Add the paragraph (with everything below it) as activity CV<n>; `own_start` is where its text starts
    when it is the value of a "Label: value" line."""
    n = len(state.activities) + 1
    where = f"activities[{n}]"
    parts = _parts(state, node, own_start)
    described = parts.described
    description = "\n".join(state.slice(s, e) for s, e in described if e > s) or node.body or "—"
    d_end = described[-1][1]
    state.span(f"{where}.description", described[0][0], d_end)
    # The facts are looked for in the first paragraph of the description (not in sub-points).
    first_range = described[0]
    programme = _programme(state, where, state.slice(*first_range), first_range[0])
    url = _url(state, where, described)
    title, title_span = _title(state, where, node, own_start, programme, first_range)
    title = capitalise(title.strip()) or capitalise(description[:80])
    if len(title) > 200:
        title = title[:197].rsplit(" ", 1)[0] + "…"
    fields = parts.fields
    date_src = (
        next((v for k, v in fields.items() if k.startswith("thoi gian")), None)
        or _dated_agenda_line(state, node, first_range)
        or first_range
    )
    when = _read_date(state, where, date_src, "dia diem" in fields)
    venue = _venue(state, where, fields, first_range)
    target_fields = [v for k, v in fields.items() if k in ("chi tieu", "so luong", "quy mo")]
    target = read_activity_target(state, where, target_fields, described, title)
    assignment_text, assignments = _assignments(state, where, parts.assignment_paras, title)
    state.span(f"{where}.title", title_span[0], min(title_span[1], d_end))
    state.activities.append(
        {
            "code": f"CV{n}",
            "title": title,
            "description": description,
            "programme": programme,
            "url": url,
            "venue": venue,
            "date": when.date,
            "end_date": when.end_date,
            "date_tentative": when.tentative if when.date else False,
            "weekday": when.weekday,
            "target": target,
            "assignment_text": assignment_text,
            "assignments": assignments,
        }
    )


def add_follower_activities(state: ParseState, extras: list[Para]) -> None:
    """Each unnumbered paragraph under a heading is an activity; an assignment line goes with the one above."""
    pending: Para | None = None
    for e in extras:
        if is_assignment_line(e):
            if pending is not None:
                pending.extras.append(e)
            continue
        pending = e
        e.mtype = e.mtype or "extra"
    for e in extras:
        if e.mtype == "extra":
            add_activity(state, e)
