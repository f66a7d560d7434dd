"""Goals ("Mục tiêu", "Chỉ tiêu"): one goal per item, with the target its first number states."""

from __future__ import annotations

from thidua.planimport.parser.numbers import find_quantities
from thidua.planimport.parser.outline import is_assignment_line
from thidua.planimport.parser.paragraphs import Para
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.targets import goal_target, number_not_attached
from thidua.planimport.parser.text import strip_span


def add_goal(state: ParseState, start: int, end: int) -> None:
    """Add the text between the offsets as goal MT<n>; its first target-like number is the target, the others
    are warned about."""
    start, end = strip_span(state.text, start, end, " \t\n")
    if end <= start:
        return
    text = state.slice(start, end)
    n = len(state.goals) + 1
    where = f"goals[{n}]"
    state.span(f"{where}.text", start, end)
    target = None
    numbers = find_quantities(text)
    if numbers:
        first = numbers[0]
        target, tspan = goal_target(text, first)
        state.span(f"{where}.target", start + first.start, start + tspan)
        for extra in numbers[1:]:
            number_not_attached(state, where, text, extra, text)
    state.goals.append({"code": f"MT{n}", "text": text, "target": target})


def add_follower_goals(state: ParseState, node: Para) -> None:
    """Each unnumbered paragraph after `node` is a goal of its own, unless it assigns units."""
    for e in node.extras:
        if not is_assignment_line(e):
            add_goal(state, e.bstart, e.end)
