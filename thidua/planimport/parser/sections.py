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
from thidua.planimport.parser.activities import add_activity, add_follower_activities, is_field
from thidua.planimport.parser.goals import add_follower_goals, add_goal
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
# Sections a detail item may open instead of being skipped: "Thời gian: …" (period), "Đối tượng: …".
DETAIL_SECTIONS = ("period", "audience", "organisation", "registration")


def walk(state: ParseState, nodes: list[Para], inherited: str | None) -> None:
    """Read `nodes` (and what is below them) inside the section `inherited` (None at the top)."""
    for node in nodes:
        _visit(state, node, inherited)


def _is_detail(node: Para) -> bool:
    """True for an item that gives a detail (its label says so) and holds no activity with its own fields."""
    label, _value = label_value(node)
    if not DETAIL_LABEL_FOLDED_RE.match(fold(label).strip(" :.")):
        return False
    below = [node, *node.children]
    return not any(c is not node and any(is_field(g) for g in c.children) for c in below)


def _visit_detail(state: ParseState, node: Para) -> None:
    """A detail under the activities: the section it names ("Thời gian: …"), else nothing of it is an activity."""
    kind = section_of(node, allow_label=True)
    if kind in DETAIL_SECTIONS:
        _open_section(state, node, kind)
        return
    mark_section(node, "details")


def _visit(state: ParseState, node: Para, inherited: str | None) -> None:
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


def _open_section(state: ParseState, node: Para, kind: str) -> None:
    """A heading (or label) that opens section `kind`: its value, its followers, then what is below it."""
    node.section = kind
    for e in node.extras:
        e.section = kind
    _label, value = label_value(node)
    value_span = (value, node.end) if value is not None else None
    if value_span is None and node.extras and not node.children:
        value_span = (node.extras[0].bstart, node.extras[0].end)  # "Thời gian:" with the value on the next line
    if kind == "period":
        if state.period_source is None and value_span:
            state.period_source = value_span
        walk(state, node.children, kind)
    elif kind == "audience":
        if state.audience_source is None and value_span:
            state.audience_source = value_span
        walk(state, node.children, kind)
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
    field_structured = any(is_field(c) for c in node.children)
    own_assignment = any(is_assignment_line(e) for e in node.extras)
    if node.children and not field_structured and not own_assignment and heading_like(node):
        add_follower_activities(state, node.extras)
        walk(state, node.children, "activities")
        return
    add_activity(state, node)
