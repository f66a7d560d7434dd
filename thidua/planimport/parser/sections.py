"""The walk through the outline: each heading opens a section by its words, and each section's items go to
their reader (goals, activities) or are kept for later (period, audience, organisation).

Sections are recognised by their words, not their position: goals "mục tiêu / chỉ tiêu"; activities "công
việc cụ thể / hoạt động / nội dung …"; organisation "phân công / tổ chức thực hiện"; period "thời gian";
audience "đối tượng". Below a goals or activities heading, an item is a goal or an activity unless it opens
another section.
"""

from __future__ import annotations

import re

from thidua.core.text import fold
from thidua.planimport.parser.activities import AGENDA_ITEM_RE, add_activity, add_follower_activities, is_field
from thidua.planimport.parser.dates import find_dates
from thidua.planimport.parser.duties import is_side_heading
from thidua.planimport.parser.goals import add_follower_goals, add_goal, add_quota_goal
from thidua.planimport.parser.milestones import registration_from
from thidua.planimport.parser.outline import (
    heading_like,
    is_assignment_line,
    label_value,
    mark_section,
    section_of,
)
from thidua.planimport.parser.paragraphs import Para
from thidua.planimport.parser.state import ParseState

# An item under the activities that gives a detail of the event or the plan, not an activity, by its label
# (folded): "Chủ đề: …", "1/ Hình thức", "Thể loại: …", "Số lượng …", "Cơ cấu giải thưởng", "Kinh phí",
# "Đăng kí: …", "Thời gian thi: …", "Địa điểm", "Địa bàn", "Phụ trách chung: …", "Ban giám khảo" ….
DETAIL_LABEL_FOLDED_RE = re.compile(
    r"(chu de|hinh thuc|the loai|so luong|co cau giai|giai thuong|kinh phi|trang phuc|yeu cau|luu y|"
    r"phu trach|ban to chuc|ban giam khao|thanh phan|quy mo|tieu chi|cach thuc|phuong thuc|luat thi|"
    r"dieu kien|the le|noi dung thi|dang k[yi]|dia diem|doi tuong|thoi gian|dia ban|ho so|tien trinh|"
    r"co cau|giai\b|ket qua|phan thuong|khen thuong)"
)
# An item under the activities labelled only "Nội dung" (folded), with its text on the next lines: the content of
# the event (the songs, the themes), not an activity — when nothing is numbered below it.
CONTENT_LABEL_FOLDED_RE = re.compile(r"noi dung")
# An item that is itself a period, folded: "Ngày 27 tháng 7 năm 2021", "Từ 15-30/8/2010", "Tháng 3/2023".
PERIOD_ITEM_FOLDED_RE = re.compile(r"(ngay|tu|thang|trong|\d)")
# A line that registers by a date, folded: "Đăng ký danh sách từ ngày 11/3/2024 đến 16h30 ngày 15/3/2024 …".
REGISTRATION_LINE_FOLDED_RE = re.compile(r"(thoi gian |han )?dang k[yi]\b")
# Sections a detail item may open instead of being skipped: "Thời gian: …" (period), "Đối tượng: …".
DETAIL_SECTIONS = ("period", "audience", "organisation", "registration")


def walk(state: ParseState, nodes: list[Para], inherited: str | None) -> None:
    """Read `nodes` (and what is below them) inside the section `inherited` (None at the top)."""
    for node in nodes:
        _visit(state, node, inherited)


def _is_agenda_item(node: Para) -> bool:
    """True for a line of an event's programme: "9 giờ: khai mạc", "8g30 - 9g00: đón đại biểu"."""
    return bool(AGENDA_ITEM_RE.match(node.body))


def _is_detail(node: Para) -> bool:
    """True for an item that gives a detail (its label says so) and holds no activity with its own fields."""
    if _is_agenda_item(node):
        return True
    label, _value = label_value(node)
    if CONTENT_LABEL_FOLDED_RE.fullmatch(fold(label).strip(" :.")) and not node.children:
        return True
    if not DETAIL_LABEL_FOLDED_RE.match(fold(label).strip(" :.")):
        return False
    below = [node, *node.children]
    return not any(c is not node and any(is_field(g) for g in c.children) for c in below)


def _quotas(state: ParseState, node: Para) -> None:
    """The quotas a paragraph and its followers state ("Mỗi lớp tham dự 10 em học sinh"), as goals."""
    for p in (node, *node.extras):
        if p.quota_read:
            continue
        p.quota_read = True
        add_quota_goal(state, p)


def _visit_detail(state: ParseState, node: Para) -> None:
    """A detail under the activities: the section it names ("Thời gian: …"), else nothing of it is an activity."""
    _quotas(state, node)
    for c in node.children:
        _quotas(state, c)
    kind = section_of(node, allow_label=True)
    if kind in DETAIL_SECTIONS:
        _open_section(state, node, kind)
        return
    mark_section(node, "details")


def _visit(state: ParseState, node: Para, inherited: str | None) -> None:
    if inherited not in ("goals", "activities"):
        _quotas(state, node)
    if inherited != "goals" and (
        section_of(node, allow_label=True) == "registration"
        or (REGISTRATION_LINE_FOLDED_RE.match(fold(node.body)) and find_dates(node.body))
    ):
        _open_section(state, node, "registration")  # "Đăng kí: ngày 1-11-2009" wherever it stands
        return
    if is_side_heading(node):  # "Phía huyện Đoàn Mộ Đức:" — that unit's duties follow
        _open_section(state, node, "organisation")
        return
    if inherited in ("rules", "details") and section_of(node, allow_label=True) not in DETAIL_SECTIONS:
        mark_section(node, inherited)  # the rules of a contest, a detail: nothing below is an activity
        return
    if inherited == "activities" and _is_detail(node):
        _visit_detail(state, node)
        return
    # A "Label: value" line can open a section only at the top, under "Thời gian, đối tượng" or "Thời gian".
    kind = section_of(node, allow_label=inherited in (None, "time_audience", "period"))
    if inherited in ("goals", "activities") and kind in (None, inherited):
        mark_section(node, inherited)
        if inherited == "goals":
            _goal_or_group(state, node)
        else:
            _activity_or_group(state, node)
        return
    if kind is None:
        kind = inherited or "other"
        mark_section(node, kind)
        if kind == "organisation":
            state.org_nodes.append(node)
        walk(state, node.children, kind)
        return
    _open_section(state, node, kind)


def _value_span(node: Para) -> tuple[int, int] | None:
    """Where a label's value is: after its colon, else (a label alone) the next unnumbered line."""
    _label, value = label_value(node)
    if value is not None:
        return value, node.end
    if node.extras and not node.children:
        return node.extras[0].bstart, node.extras[0].end  # "Thời gian:" with the value on the next line
    return None


def _open_value_section(state: ParseState, node: Para, kind: str) -> None:
    """Period, audience, registration: the first value of each is kept; what is below is walked."""
    value_span = _value_span(node)
    if kind == "period" and state.period_source is None and value_span:
        state.period_source = value_span
    elif kind == "audience" and state.audience_source is None and value_span:
        state.audience_source = value_span
    elif kind == "registration":
        # "Thời gian đăng ký: 18/01/2013-04/02/2013"; a heading "THỜI GIAN ĐĂNG KÝ – ĐỊA ĐIỂM" has its first
        # dated item below it ("Đăng ký danh sách từ ngày 11/3/2024 đến 16h30 ngày 15/3/2024")
        if value_span is None and find_dates(node.body):
            value_span = (node.bstart, node.end)  # "Đăng ký danh sách từ … đến 16h30 ngày 15/3/2024 …"
        if value_span is None:
            dated = next((c for c in node.children if find_dates(c.body)), None)
            value_span = (dated.bstart, dated.end) if dated is not None else None
        if value_span:
            registration_from(state, *value_span)
    walk(state, node.children, "details" if kind == "registration" else kind)
    if kind == "period" and state.period_source is None:
        # "II. THỜI GIAN" / "- Ngày 27 tháng 7 năm 2021.": the first item below that no label claimed
        first = next(
            (c for c in node.children if c.section == "period" and PERIOD_ITEM_FOLDED_RE.match(fold(c.body))), None
        )
        if first is not None:
            state.period_source = (first.bstart, first.end)


def _open_section(state: ParseState, node: Para, kind: str) -> None:
    """A heading (or label) that opens section `kind`: its value, its followers, then what is below it."""
    node.section = kind
    for e in node.extras:
        e.section = kind
    _label, value = label_value(node)
    if kind in ("period", "audience", "registration"):
        _open_value_section(state, node, kind)
    elif kind == "goals":
        if value is not None and not node.children:
            add_goal(state, value, node.end)  # "Chỉ tiêu: 100% …"
        add_follower_goals(state, node)
        walk(state, node.children, "goals")
    elif kind == "activities":
        if value is not None and not node.children and not node.extras:
            add_activity(state, node, own_start=value)  # "Hoạt động: …" on one line
        else:
            add_follower_activities(state, node.extras)
            walk(state, node.children, "activities")
    elif kind == "organisation":
        state.org_nodes.append(node)
        walk(state, node.children, "organisation")
    else:
        walk(state, node.children, kind)


def _goal_or_group(state: ParseState, node: Para) -> None:
    """An item under goals: a group heading ("1. Về công tác tuyên truyền:") walks on, anything else is a goal,
    and so is everything below it."""
    if node.children and heading_like(node):
        add_follower_goals(state, node)
        walk(state, node.children, "goals")
        return
    add_goal(state, node.bstart, node.end)
    add_follower_goals(state, node)
    for c in node.children:
        _goal_or_group(state, c)


def _activity_or_group(state: ParseState, node: Para) -> None:
    """An item under activities: a group heading walks on; an item with field lines ("Thời gian: …") or its own
    assignment line is one activity with everything below it."""
    field_structured = any(is_field(c) or _is_agenda_item(c) for c in node.children)
    own_assignment = any(is_assignment_line(e) for e in node.extras)
    if node.children and not field_structured and not own_assignment and heading_like(node):
        add_follower_activities(state, node.extras)
        walk(state, node.children, "activities")
        return
    add_activity(state, node)
