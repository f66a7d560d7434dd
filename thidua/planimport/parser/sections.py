"""The walk through the outline: each heading opens a section by its words, and each section's items go to
their reader (goals, activities) or are kept for later (period, audience, organisation).

Sections are recognised by their words, not their position: goals "mục tiêu / chỉ tiêu"; activities "công
việc cụ thể / hoạt động / nội dung …"; organisation "phân công / tổ chức thực hiện"; period "thời gian";
audience "đối tượng". Below a goals or activities heading, an item is a goal or an activity unless it opens
another section.
"""

from __future__ import annotations

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


def walk(state: ParseState, nodes: list[Para], inherited: str | None) -> None:
    """Read `nodes` (and what is below them) inside the section `inherited` (None at the top)."""
    for node in nodes:
        _visit(state, node, inherited)


def _visit(state: ParseState, node: Para, inherited: str | None) -> None:
    # A "Label: value" line can open a section only at the top or under "Thời gian, đối tượng".
    kind = section_of(node, allow_label=inherited in (None, "time_audience"))
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
