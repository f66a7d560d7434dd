"""Goals ("Mục tiêu", "Chỉ tiêu"): one goal per item, with the target its first number states."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from thidua.campaigns.checks import Finding
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


# A quota written as a label or a rule, not under "Chỉ tiêu" (group "n" the number, group "unit" the words after
# it): "Mỗi lớp tham dự 10 em học sinh", "Mổi chi đoàn chuẩn bị ít nhất 02 tiết mục", "Tổng cộng: 31 người",
# "Số lượng gian hàng: 10 gian", "Số lượng thành viên: 15 em trở lên", "ít nhất một".
QUOTA_RE = re.compile(
    r"(?:(?i:mỗi|mổi)\s+[^,.;:\d]{1,30}?\s+(?:tham dự|tham gia|cử|chuẩn bị|có|đăng k[ýí]|gồm|được)\s+"
    r"|(?i:tổng cộng|tổng số|số lượng)[^:\d]{0,40}:\s*(?:[^\d:]{0,40}?\s)?)"
    r"(?:(?i:ít nhất|tối thiểu|từ)\s+)?(?P<n>\d{1,5}|một|hai|ba|bốn|năm|mười)\s+(?P<unit>[^\W\d]+(?:\s[^\W\d]+)?)"
)
# Words before the number that make it a limit, not a target: "tối đa 2 tiết mục", "không quá 3".
LIMIT_BEFORE_RE = re.compile(r"(?i:tối đa|nhiều nhất|không quá)\s*$")
# Units that are not targets: prizes, points, times ("Mỗi khối lớp có ba giải", "30 phút").
NOT_TARGET_UNIT_RE = re.compile(r"(?i:giải|điểm|phút|giờ|ngày|tuần|tháng|năm|lần)\b")
NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "mười": 10}


def add_quota_goal(state: ParseState, node: Para) -> bool:
    """A quota in a label or a rule ("Mỗi lớp tham dự 10 em học sinh") as a goal with its target, warned
    (``target_from_label``) so the coordinator confirms it; False when the paragraph states none."""
    m = QUOTA_RE.search(node.body)
    if not m or LIMIT_BEFORE_RE.search(node.body[: m.start("n")]) or NOT_TARGET_UNIT_RE.match(m["unit"]):
        return False
    start, end = strip_span(state.text, node.bstart, node.end, " \t\n")
    n = len(state.goals) + 1
    where = f"goals[{n}]"
    state.span(f"{where}.text", start, end)
    state.span(f"{where}.target", node.bstart + m.start("n"), node.bstart + m.end("unit"))
    value = NUMBER_WORDS.get(m["n"].lower()) or int(m["n"])
    target = {"value": value, "unit": m["unit"], "subject": None}
    state.goals.append({"code": f"MT{n}", "text": state.slice(start, end), "target": target})
    state.late.append(
        Finding(
            "target_from_label",
            where,
            _("“%(text)s” was read as a target (%(value)s %(unit)s): check it.")
            % {"text": m.group(0), "value": value, "unit": m["unit"]},
            _("Goals"),
        )
    )
    return True


# A target stated in a sentence of a plan without goals (a dispatch): "vận động 100% đoàn viên thanh niên ủng hộ",
# "phấn đấu 100% chi đoàn …", "đảm bảo 90% …" — a verb of mobilising, then a percentage of people.
TEXT_TARGET_RE = re.compile(
    r"(?i:vận động|phấn đấu|huy động|động viên|đảm bảo|bảo đảm)\s+(?:(?i:ít nhất|tối thiểu|trên)\s+)?"
    r"(?=\d{1,3}(?:[.,]\d+)?\s?%)"
)
# Where the sentence that holds such a target ends.
SENTENCE_END_RE = re.compile(r"[.;!?](?:\s|$)")


def add_text_targets(state: ParseState, paras: list[Para]) -> None:
    """A plan that sets no goal under a heading may state one in a sentence ("… vận động 100% đoàn viên thanh niên
    ủng hộ …"): each such sentence is a goal with its percentage as the target, warned (``target_from_text``) so
    the coordinator confirms it."""
    if state.goals:
        return
    for p in paras:
        for m in TEXT_TARGET_RE.finditer(p.body):
            numbers = find_quantities(p.body[m.end() :])
            if not numbers or numbers[0].start != 0 or not numbers[0].percent:
                continue
            head = p.body.rfind(". ", 0, m.start())  # the sentence around it
            cut = SENTENCE_END_RE.search(p.body, m.end())
            start, end = strip_span(
                state.text, p.bstart + (head + 2 if head >= 0 else 0), p.bstart + cut.start() + 1 if cut else p.end, " "
            )
            text = state.slice(start, end)
            number = numbers[0]
            target, tspan = goal_target(p.body[m.end() :], number)
            n = len(state.goals) + 1
            where = f"goals[{n}]"
            state.span(f"{where}.text", start, end)
            state.span(f"{where}.target", p.bstart + m.end() + number.start, p.bstart + m.end() + tspan)
            state.goals.append({"code": f"MT{n}", "text": text, "target": target})
            state.late.append(
                Finding(
                    "target_from_text",
                    where,
                    _("“%(text)s” was read as a target (%(value)s%%) from a sentence of the plan: check it.")
                    % {"text": p.body[m.start() : m.end() + tspan], "value": number.value},
                    _("Goals"),
                )
            )
