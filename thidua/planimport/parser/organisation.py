"""Organisation ("Tổ chức thực hiện"): the steering committee, the coordinating department, what every unit
must do, and the address reports go to."""

from __future__ import annotations

import re

from thidua.core.text import fold
from thidua.planimport.parser.assignments import groups_in_subject
from thidua.planimport.parser.milestones import milestone_of
from thidua.planimport.parser.paragraphs import Para
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.text import EMAIL_RE, strip_span, trim_value

# The committee named as the steering committee: "Thường trực Thành Đoàn là Ban Chỉ đạo …" (group 1).
STEERING_SUBJECT_RE = re.compile(r"(.+?)\s+(?:là|làm)\s+(?:Trưởng\s+)?Ban\s+[Cc]hỉ\s+đạo")
# The members listed after it: "Ban Chỉ đạo Hội thi gồm: …", "Ban Chỉ đạo: …" (group 1).
STEERING_MEMBERS_RE = re.compile(r"Ban\s+[Cc]hỉ\s+đạo[^:]{0,60}(?:gồm|:)\s*(.+)")
# A coordinating duty, folded: "theo dõi", "thường trực", "đầu mối", "tổng hợp", "tham mưu".
COORDINATOR_DUTY_FOLDED_RE = re.compile(r"theo doi|thuong truc|dau moi|tong hop|tham muu")
# The unit a coordinating sentence starts with: "Ban Tổ chức Thành Đoàn | là đơn vị thường trực …" (group 1).
COORDINATOR_SUBJECT_RE = re.compile(
    r"(.+?)\s+(?:phối hợp|chủ trì|là\s|có trách nhiệm|tham mưu|theo dõi|thường trực|làm\s)"
)
# A schedule of submissions, folded: "theo thời gian sau", "theo các mốc sau".
SCHEDULE_FOLDED_RE = re.compile(r"thoi gian sau|cac moc")
# The department reports go to, before the address: "gửi về Ban Tổ chức Thành Đoàn (email: …)" (group 1).
SUBMIT_TO_UNIT_RE = re.compile(r"(?:qua|về|cho|đến)\s+((?:Ban|Văn phòng|Trung tâm)[^(,;:.]+?)\s*(?:\(|,|$|\s-\s)")


def org_paras(state: ParseState) -> list[Para]:
    """The organisation section's paragraphs (headings, items and their followers), once each, in text order."""
    out: list[Para] = []
    for p in sorted({id(n): n for n in state.org_nodes}.values(), key=lambda q: q.start):
        out.append(p)
        out.extend(p.extras)
    return sorted({id(p): p for p in out}.values(), key=lambda q: q.start)


def is_submission(p: Para) -> bool:
    """True for a paragraph about sending something by a date: a deadline, an address, a schedule."""
    return bool(milestone_of(p) or EMAIL_RE.search(p.body) or SCHEDULE_FOLDED_RE.search(fold(p.body)))


def _steering(state: ParseState, org: list[Para], out: dict) -> Para | None:
    """The steering committee: who "is the Ban Chỉ đạo", else its members; the paragraph it was read from."""
    steering_para = None
    for p in org:
        if "ban chi dao" in fold(p.body) and out["steering_committee"] is None:
            m = STEERING_SUBJECT_RE.match(p.body)
            if m:
                s, e = p.bstart, p.bstart + m.end(1)
            else:
                m = STEERING_MEMBERS_RE.search(p.body)
                s, e = (p.bstart + m.start(1), p.end) if m else (p.bstart, p.end)
            s, e = trim_value(state.text, s, e)
            out["steering_committee"] = state.slice(s, e)
            state.span("steering_committee", s, e)
            steering_para = p
    return steering_para


def _coordinator(state: ParseState, org: list[Para], out: dict, steering_para: Para | None) -> Para | None:
    """The department that coordinates (not the root): the first unit a paragraph about following up,
    standing or advising starts with; the paragraph is its duties. Returns that paragraph."""
    for p in org:
        if p is steering_para or milestone_of(p):
            continue
        if not COORDINATOR_DUTY_FOLDED_RE.search(fold(p.body)):
            continue
        m = COORDINATOR_SUBJECT_RE.match(p.body)
        if not m:
            continue
        code = state.directory.match(m.group(1))
        if code and state.directory.root and code != state.directory.root["code"]:
            s, e = strip_span(state.text, p.bstart, p.end, " \t\n")
            out["coordinator"] = {"unit": code, "duties": state.slice(s, e)}
            state.span("coordinator.unit", p.bstart, p.bstart + m.end(1))
            state.span("coordinator.duties", s, e)
            return p
    return None


def _unit_duties(state: ParseState, org: list[Para], skip: tuple) -> list[Para]:
    """What every unit must do: paragraphs addressed to groups of units (and what is below them), without the
    deadlines and addresses, which are milestones."""
    duties: list[Para] = []
    for p in org:
        if p in skip or p.region != "body":
            continue
        if p.parent is not None and p.parent in duties:
            if not is_submission(p):
                duties.append(p)
            continue
        if p in [x for d in duties for x in d.extras] and not is_submission(p):
            duties.append(p)
            continue
        groups, _units = groups_in_subject(state, p)
        if groups and not is_submission(p):
            duties.append(p)
    return duties


def read_organisation(state: ParseState) -> dict:
    """{steering_committee, coordinator, unit_duties} from the organisation section; null for what is not
    written (the coordinator may still come from the submission address, see coordinator_from_email)."""
    out = {"steering_committee": None, "coordinator": None, "unit_duties": None}
    org = org_paras(state)
    steering_para = _steering(state, org, out)
    coordinator_para = _coordinator(state, org, out, steering_para)
    duties = _unit_duties(state, org, (steering_para, coordinator_para))
    if duties:
        out["unit_duties"] = "\n".join(p.text for p in duties)
        state.span("unit_duties", duties[0].start, duties[-1].end)
    return out


def read_submission_email(state: ParseState) -> str | None:
    """The address reports go to: the first e-mail of the organisation section, else of the body."""
    for p in [*org_paras(state), *[q for q in state.paras if q.region == "body"]]:
        m = EMAIL_RE.search(p.text)
        if m:
            state.span("submission_email", p.start + m.start(), p.start + m.end())
            return m.group(0)
    return None


def coordinator_from_email(state: ParseState, org: dict, submission_email: str | None, issuer_unit: str) -> None:
    """Without a coordinator, the department the address belongs to ("gửi về Ban Tổ chức Thành Đoàn (email:
    …)") coordinates, unless it is the issuer."""
    if org["coordinator"] is not None or not submission_email:
        return
    for p in state.paras:
        if submission_email in p.text:
            m = SUBMIT_TO_UNIT_RE.search(p.text)
            code = state.directory.match(m.group(1)) if m else None
            if code and code != issuer_unit:
                org["coordinator"] = {"unit": code, "duties": None}
                state.span("coordinator.unit", p.start + m.start(1), p.start + m.end(1))
            break
