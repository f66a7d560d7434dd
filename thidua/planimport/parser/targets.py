"""Targets: the number a goal or an activity commits to ("100% cơ sở Đoàn", "20.000 lượt đoàn viên"), and the
warning for target-like numbers left unattached."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from thidua.campaigns.checks import Finding
from thidua.planimport.parser.numbers import CLASSIFIERS, Quantity, find_quantities
from thidua.planimport.parser.state import ParseState

# Words that end the subject after a goal's number: verbs, prepositions and the like ("100% cơ sở Đoàn | tham
# mưu …", "20.000 lượt đoàn viên | tham gia …").
SUBJECT_STOPS = (
    "tham mưu",
    "tham gia",
    "đẩy nhanh",
    "hoàn thành",
    "thực hiện",
    "tổ chức",
    "triển khai",
    "đăng ký",
    "cài đặt",
    "sử dụng",
    "xây dựng",
    "phát động",
    "ứng dụng",
    "tiếp cận",
    "hưởng ứng",
    "ra quân",
    "giới thiệu",
    "duy trì",
    "bảo đảm",
    "đảm bảo",
    "cập nhật",
    "khai báo",
    "sở hữu",
    "truy cập",
    "học tập",
    "tìm hiểu",
    "trở lên",
    "nâng cao",
    "được",
    "có",
    "đạt",
    "trên",
    "tại",
    "trong",
    "của",
    "thuộc",
    "về",
    "cho",
    "để",
    "nhằm",
    "từ",
    "đến",
    "theo",
    "khi",
    "đã",
    "sẽ",
    "phải",
    "ký",
    "nhận",
    "tạo",
    "lập",
    "là",
    "với",
    "tích cực",
    "chủ động",
    "đều",
    "cùng",
    "gắn",
    "vận động",
    "hiến",
    "trao",
    "thu hút",
    "ủng hộ",
)
# A subject stop at the start of the (lower-cased) rest, as a whole word.
SUBJECT_STOP_RE = re.compile("(?:" + "|".join(re.escape(s) for s in SUBJECT_STOPS) + r")(?!\w)")
# Quantifiers before the subject, left out of it: "100% | các | cơ sở Đoàn", "tổng số", "những", "số".
SUBJECT_LEAD_RE = re.compile(r"\s*(?:(?:các|những|tổng số|số)\s+)?", re.I)
# A word of the subject, or a comma between its words.
SUBJECT_TOKEN_RE = re.compile(r"[^\s,;:.()“”\"]+|,")
# Where the unit after an activity's number stops: punctuation, ", " or a preposition ("500 lượt đoàn viên | tham
# gia", "20 suất học bổng | cho …").
ACTIVITY_UNIT_STOP_RE = re.compile(r"[.;:()\n]|,\s|\s(?:và|nhằm|trong|tại|cho|từ|vào|với|để|gồm|trên)\s")
# A word.
WORD_RE = re.compile(r"\S+")


def number_not_attached(state: ParseState, where: str, text: str, number: Quantity, subject: str) -> None:
    """Warn that a target-like number in `text` was not attached to a target (it may be an indicator)."""
    shown = text[number.start : number.measure_end].strip()
    context = text[max(0, number.start - 30) : min(len(text), number.measure_end + 40)].strip()
    state.late.append(
        Finding(
            "number_not_attached",
            where,
            _("The number “%(number)s” (… %(context)s …) is not attached to a target: add an indicator if it is one.")
            % {"number": shown, "context": context},
            subject[:120],
        )
    )


def noun_phrase(text: str, start: int) -> tuple[str, int]:
    """The words after `start` up to a verb or preposition: '100% các cơ sở Đoàn tham mưu' → 'cơ sở Đoàn'."""
    m = SUBJECT_LEAD_RE.match(text[start:])
    pos = start + m.end()
    words: list[tuple[int, int]] = []
    for w in SUBJECT_TOKEN_RE.finditer(text[pos:]):
        token = w.group(0)
        rest = text[pos + w.start() :].lower()
        if token == ",":
            if not words:
                break
            words.append((pos + w.start(), pos + w.end()))
            continue
        if words and (token[0].isdigit() or SUBJECT_STOP_RE.match(rest)):
            break
        if len([x for x in words if text[x[0] : x[1]] != ","]) >= 8:
            break  # a subject is a few words; more is a sentence
        nxt = pos + w.end()
        words.append((pos + w.start(), nxt))
        if nxt < len(text) and text[nxt] in ';:.()“”"':
            break
    while words and text[words[-1][0] : words[-1][1]].lower() in (",", "và", "hoặc", "cùng", "các"):
        words.pop()
    if not words:
        return "", start
    return text[words[0][0] : words[-1][1]], words[-1][1]


def goal_target(text: str, number: Quantity) -> tuple[dict, int]:
    """({value, unit, subject}, end of the subject) for a goal's number: "100% cơ sở Đoàn" → %, "cơ sở Đoàn";
    "20.000 lượt đoàn viên" → "lượt", "đoàn viên"; "500 đoàn viên" → "đoàn viên" as unit and subject."""
    phrase, phrase_end = noun_phrase(text, number.measure_end)
    if number.percent:
        return {"value": number.value, "unit": "%", "subject": phrase or None}, phrase_end
    low = phrase.lower()
    for classifier in sorted(CLASSIFIERS, key=len, reverse=True):
        if low == classifier or low.startswith(classifier + " "):
            subject = phrase[len(classifier) :].strip(" ,") or None
            return {"value": number.value, "unit": phrase[: len(classifier)], "subject": subject}, phrase_end
    return {"value": number.value, "unit": phrase or None, "subject": phrase or None}, phrase_end


def _first_count(state: ParseState, ranges: list[tuple[int, int]]) -> tuple[Quantity | None, int | None]:
    """The first counted quantity (not a percentage) in the ranges, and the offset of its range."""
    for start, end in ranges:
        for num in find_quantities(state.slice(start, end)):
            if not num.percent:
                return num, start
    return None, None


def read_activity_target(
    state: ParseState,
    where: str,
    target_fields: list[tuple[int, int]],
    described: list[tuple[int, int]],
    title: str,
) -> dict | None:
    """An activity's target {value, unit}: the first counted quantity of its "Chỉ tiêu:" / "Số lượng:" lines,
    else of its description; the other target-like numbers there are warned about as not attached."""
    target = None
    attached, attached_at = _first_count(state, target_fields + described)
    if attached:
        seg_start = attached_at + attached.measure_end
        seg = state.text[seg_start : seg_start + 240]
        stop = ACTIVITY_UNIT_STOP_RE.search(seg)
        words = list(WORD_RE.finditer(seg[: stop.start() if stop else len(seg)]))[:10]
        unit = " ".join(w.group(0) for w in words) or None
        unit_end = attached.measure_end + (words[-1].end() if words else 0)
        target = {"value": attached.value, "unit": unit}
        state.span(f"{where}.target", attached_at + attached.start, attached_at + unit_end)
    for start, end in described + [v for v in target_fields if v not in described]:
        chunk = state.slice(start, end)
        for num in find_quantities(chunk):
            if attached and start + num.start == attached_at + attached.start:
                continue
            number_not_attached(state, where, chunk, num, title)
    return target
