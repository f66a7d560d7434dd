"""Who does what, when the plan says it outside an activity's "(Phân công …)" line.

Real plans assign work in a few other ways:

- in "TỔ CHỨC THỰC HIỆN", one item per unit: "1. Quận Đoàn 1: chủ trì …", "-TPT Đội: Tham mưu lập kế hoạch …",
  or the unit as a heading with its duties below ("4.1. Đoàn Thanh niên" / "- Chủ trì tổ chức …");
- a sentence: "Giao Văn phòng Trung ương Đoàn tham mưu hướng dẫn, kiểm tra …";
- a label: "Phụ trách chung: Ban Thường vụ Đoàn trường";
- a heading for one side of a joint plan: "* Phía huyện Đoàn Mộ Đức:", "Đối với Quận Đoàn 1:".

Each becomes a named duty: a span ``unit_duties[n].unit`` over the unit's name (so the review page shows
where it was read), the role it has (lead when the duties say "chủ trì" / "tham mưu" / "phụ trách", else
co-lead) and its directory code when the directory knows it.
Every named duty is listed in one warning (``duties_to_check``): the coordinator checks the units and roles.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from thidua.campaigns.checks import Finding
from thidua.core.text import fold
from thidua.planimport.parser.header import match_issuer
from thidua.planimport.parser.paragraphs import Para
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.text import is_caps, strip_span

# The words a unit's name starts with (folded): "quận đoàn 1", "ban tổ chức", "tpt đội", "các chi đoàn" ….
UNIT_WORDS_FOLDED_RE = re.compile(
    r"(cac |toan the )?(quan doan|huyen doan|thanh doan|tinh doan|thi doan|doan|ban|bch|btv|hoi|phong|khoa|"
    r"chi doan|lien chi doan|lien doi|chi doi|trung tam|van phong|uy ban|tpt|tong phu trach|giao vien|"
    r"truong|cong doan|doi|to (?!chuc)|bi thu|thuong truc|thuong vu|cac don vi|don vi|co so doan|nha truong)\b"
)
# "Name: duties" — the name is short and the duties follow the colon (group "name", group "duties").
NAME_COLON_RE = re.compile(r"(?P<name>[^:;.()]{2,60}?)\s*:\s*(?P<duties>\S.*)", re.S)
# "Giao (cho) <name> <verb> …" (group "name").
GIAO_RE = re.compile(
    r"(?<!\w)[Gg]iao\s+(?:cho\s+)?(?P<name>[^,;:.()]{3,80}?)\s+"
    r"(?=chủ trì|tham mưu|phối hợp|thực hiện|theo dõi|triển khai|tổ chức|hướng dẫn|làm|là\s)"
)
# "Phụ trách chung: <name>" / "Phụ trách: <name>" (group "name").
IN_CHARGE_RE = re.compile(r"(?i:phụ trách(?: chung)?)\s*:\s*(?P<name>[^,;.()\n]{3,80})")
# A heading for one side of a joint plan: "Phía huyện Đoàn Mộ Đức :", "Đối với Quận Đoàn 1:" (group "name").
SIDE_HEADING_RE = re.compile(r"(?:[Pp]hía|Đối với|đối với)\s+(?P<name>[^:]{3,60}?)\s*:\s*$")
# Duties that make a unit the lead, folded.
LEAD_FOLDED_RE = re.compile(r"\b(chu tri|tham muu|phu trach|thuong truc|dau moi|to chuc|chi dao|huong dan)\b")
# A name that introduces members or people, not a unit with duties (folded): "Ban Chỉ đạo Chiến dịch gồm",
# "Ban Tổ chức", "Ban Giám khảo", "Thành phần".
NOT_DUTY_FOLDED_RE = re.compile(r"(\bgom$|^ban chi dao|^ban to chuc|^ban giam khao|^thanh phan)")
MAX_NAME_WORDS = 12
# The issuer's own committee named without its place, folded: "Ban Thường vụ Huyện Đoàn", "BCH Đoàn trường".
OWN_BODY_FOLDED_RE = re.compile(
    r"(ban thuong vu|ban chap hanh|bch|btv|thuong truc)\s+(huyen doan|quan doan|thanh doan|tinh doan|thi doan|"
    r"doan truong|doan xa|doan phuong|lien chi doan|chi doan|doan co so|doan)"
)
# A heading that lists the units doing the work, folded: "Đơn vị tổ chức", "Đơn vị thực hiện", "Đơn vị chủ trì".
UNITS_HEADING_FOLDED_RE = re.compile(r"don vi (to chuc|thuc hien|chu tri)")


def is_side_heading(p: Para) -> bool:
    """True for "* Phía huyện Đoàn Mộ Đức :", "Đối với Quận Đoàn 1:" — the duties of one unit follow."""
    m = SIDE_HEADING_RE.match(p.body.strip())
    return bool(m and UNIT_WORDS_FOLDED_RE.match(fold(m["name"])))


def _looks_like_unit(name: str) -> bool:
    """A unit's name: a few words starting with a unit word; not a committee's member list ("Ban Chỉ đạo … gồm")."""
    words, f = [w for w in name.split() if any(c.isalnum() for c in w)], fold(name)
    if NOT_DUTY_FOLDED_RE.search(f):
        return False
    return 0 < len(words) <= MAX_NAME_WORDS and bool(UNIT_WORDS_FOLDED_RE.match(f))


class _Duties:
    """The named duties read so far, each unit once."""

    def __init__(self, state: ParseState):
        self.state = state
        self.seen: set[str] = set()

    def add(self, start: int, end: int, duties: str) -> None:
        state = self.state
        start, end = strip_span(state.text, start, end, " \t\n.;,:-–*+•")
        name = state.slice(start, end)
        key = fold(name)
        if not name or key in self.seen:
            return
        self.seen.add(key)
        n = len(self.seen)
        state.span(f"unit_duties[{n}].unit", start, end)
        lead = bool(LEAD_FOLDED_RE.search(fold(duties)))
        unit = match_issuer(state, name)  # "Ban Thường vụ Quận Đoàn 1" is the district union itself
        if unit is None and OWN_BODY_FOLDED_RE.fullmatch(fold(name)):
            unit = state.issuer_unit  # "Ban Thường vụ Huyện Đoàn" with no name: the issuer's own
        state.named_duties.append({"name": name, "role": "lead" if lead else "co_lead", "unit": unit})


def _from_org_item(found: _Duties, p: Para) -> None:
    """An item of "Tổ chức thực hiện": "Quận Đoàn 1: chủ trì …", or a unit heading with its duties below."""
    body = p.body.strip()
    if UNITS_HEADING_FOLDED_RE.match(fold(body)):
        return  # "Đơn vị tổ chức": the heading, not a unit
    m = NAME_COLON_RE.match(body)
    if m and _looks_like_unit(m["name"]):
        found.add(p.bstart, p.bstart + m.end("name"), m["duties"])
        return
    if p.children and _looks_like_unit(body) and not body.endswith("."):
        below = " ".join(c.body for c in p.children)
        found.add(p.bstart, p.end, below)
        return
    heading = fold(p.parent.body) if p.parent is not None else ""
    if UNITS_HEADING_FOLDED_RE.search(heading) and _looks_like_unit(body.rstrip(".")):
        found.add(p.bstart, p.end, heading)  # "2. Đơn vị tổ chức" / "- Đoàn Thanh niên – Hội Sinh viên …"


def read_named_duties(state: ParseState, org: list[Para]) -> None:
    """Every named duty of the plan, in text order of the rules above; warns once about names not in the
    directory."""
    found = _Duties(state)
    for p in org:
        if p.region == "body" and not is_caps(p.body):
            _from_org_item(found, p)
    for p in state.paras:
        if p.region != "body":
            continue
        for m in GIAO_RE.finditer(p.body):
            if _looks_like_unit(m["name"]):
                found.add(p.bstart + m.start("name"), p.bstart + m.end("name"), p.body[m.end() :])
        m = IN_CHARGE_RE.search(p.body)
        if m and _looks_like_unit(m["name"]):
            found.add(p.bstart + m.start("name"), p.bstart + m.end("name"), "phụ trách")
        m = SIDE_HEADING_RE.match(p.body.strip())
        if m and is_side_heading(p):
            offset = p.body.index(m["name"])
            below = " ".join(c.body for c in [*p.children, *p.extras])
            found.add(p.bstart + offset, p.bstart + offset + len(m["name"]), below)
    if state.named_duties:
        names = ", ".join(d["name"] for d in state.named_duties)
        state.late.append(
            Finding(
                "duties_to_check",
                "unit_duties",
                _("Duties were read for: %(names)s. Check each unit and its role before publishing.")
                % {"names": names},
                _("Organisation"),
            )
        )
