"""Assignments: the units a "(Phân công …)" line names, who leads and who co-leads, and groups of units.

Where the line tells roles apart ("chủ trì" → lead; "phối hợp", "phối hợp với", "tham mưu" → co-lead;
"X phối hợp với Y" → X leads), roles follow the text, leads first. Otherwise the first unit named leads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from thidua.campaigns.checks import Finding
from thidua.core.text import fold
from thidua.planimport.parser.directory import placeholder_code, unit_key
from thidua.planimport.parser.paragraphs import Para
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.text import strip_span
from thidua.units.models import UnitGroup

# The label in front of the units: "(Phân công Ban …", "Phân công thực hiện: …", "Đơn vị chủ trì: …",
# "Chủ trì: …", "Phối hợp …".
ASSIGNMENT_LABEL_RE = re.compile(
    r"\(?\s*(?P<label>phân công(?:\s+thực\s+hiện)?|đơn vị\s+(?:thực hiện|chủ trì|phối hợp|tổ chức|phụ trách|thường trực)"
    r"|chủ trì|phối hợp)\s*(?::\s*|\s+)",
    re.I,
)
# Role words between unit names, in lower case as running text writes them ("Trung tâm Hỗ trợ …" is a name):
#   lead: "chủ trì", "đồng chủ trì", "là đơn vị thường trực";  with: "phối hợp với", "phối hợp chặt chẽ với";
#   co: "phối hợp", "tham mưu";  do: "thực hiện", "triển khai", "tổ chức", "theo dõi", "phụ trách" …
ROLE_RE = re.compile(
    r"(?<!\w)(?:(?P<lead>(?:là\s+đơn\s+vị\s+)?(?:đồng\s+)?chủ\s+trì(?:\s+thực\s+hiện)?|là\s+đơn\s+vị\s+(?:thường\s+trực|đầu\s+mối))"
    r"|(?P<with>phối\s+hợp\s+(?:với|cùng)|cùng\s+phối\s+hợp\s+với|phối\s+hợp\s+chặt\s+chẽ\s+với)"
    r"|(?P<co>phối\s+hợp(?:\s+thực\s+hiện)?|tham\s+mưu)"
    r"|(?P<do>(?:triển\s+khai|tổ\s+chức|cùng)?\s*thực\s+hiện|triển\s+khai|tổ\s+chức|hướng\s+dẫn|theo\s+dõi|"
    r"tổng\s+hợp|đảm\s+nhận|phụ\s+trách))(?!\w)",
)
# Group names whose comma is not a list separator: "Quận, Huyện Đoàn", "Ban, Văn phòng", "phường, xã, thị trấn".
PROTECTED_RE = re.compile(
    r"(?i:quận)\s*[,\-–]\s*(?i:huyện)|(?i:ban)\s*,\s*(?i:văn phòng)|(?i:phường)\s*,\s*(?i:xã)(?:\s*,\s*(?i:thị trấn))?"
)
# What closes an assignment line: "… thực hiện.)", "…;".
TRAILING_PUNCTUATION_RE = re.compile(r"[\s.;)]+$")
# Where unit names split: "," ";" " và " " cùng " " với ".
NAME_SEPARATOR_RE = re.compile(r"[,;]|\s(?:và|cùng|với)\s")
# An abbreviation whose full stop belongs to it: "TP." in "Đoàn Thanh niên TP.", "Q.", "P.", "TT.", "TX.".
ABBREVIATION_END_RE = re.compile(r"(?<!\w)(TP|Tp|Q|P|H|TT|TX)$")
# Link words left in front of a name: "và …", "giao cho …", "các đơn vị: …".
LEADING_LINK_RE = re.compile(r"(?:(?:và|cùng|với|giao|cho|các đơn vị:)\s+)+", re.I)
# A group named in lower case: "các cơ sở Đoàn …", "toàn thể …", "tất cả …".
GROUP_START_RE = re.compile(r"(các|toàn thể|tất cả)\s")
# Words that are not a unit: "các đơn vị", "đơn vị", "thực hiện".
NOT_A_NAME_RE = re.compile(r"(?i:các đơn vị|đơn vị|thực hiện)")
# What the subject of a sentence about units ends with, its verb: "Các cơ sở Đoàn | gửi báo cáo …".
SUBJECT_VERB_RE = re.compile(
    r"(?<!\w)(gửi|nộp|báo cáo|hoàn thành|căn cứ|chủ động|triển khai|tổ chức|thực hiện|đăng ký|có trách nhiệm|"
    r"tham mưu|theo dõi|phối hợp|chịu trách nhiệm|xây dựng|cập nhật)(?!\w)",
    re.I,
)

# Groups of units, on keys (folded, abbreviations spelled out):
# "các", "toàn thể", "tất cả", "toàn bộ", "những" in front of a name make it plural.
PLURAL_KEY_RE = re.compile(r"(cac|toan the|tat ca|toan bo|nhung)\b")
# The same words with their space, dropped before the group is recognised: "cac co so doan …" → "co so doan …".
PLURAL_PREFIX_KEY_RE = re.compile(r"^(cac|toan the|tat ca|toan bo|nhung)\s+")
# "cơ sở Đoàn trực thuộc (Thành Đoàn)", "đơn vị trực thuộc", "chi đoàn trực thuộc".
DIRECT_KEY_RE = re.compile(r"(co so doan|to chuc co so doan|don vi|co so|chi doan)\s+truc thuoc")
# "Quận - Huyện Đoàn", "Quận Đoàn, Huyện Đoàn" … — read as the direct units, with a warning.
DISTRICTS_KEY_RE = re.compile(r"(quan huyen( doan)?|quan doan huyen doan|quan doan va huyen doan|quan va huyen doan)\b")
# "Ban - Văn phòng", "Ban, VP".
DEPARTMENTS_KEY_RE = re.compile(r"ban( va)? van phong\b|ban vp\b")
# "các Ban (chuyên môn) (Thành Đoàn)".
BANS_KEY_RE = re.compile(r"ban( chuyen mon)?( thanh doan)?")
# "cơ sở Đoàn …".
GRASSROOTS_KEY_RE = re.compile(r"co so doan\b")
# "Đoàn phường, xã, thị trấn".
WARDS_COMMUNES_KEY_RE = re.compile(r"doan (phuong|xa|thi tran) (xa|thi tran)\b")
# "(các) Đoàn phường".
WARD_KEY_RE = re.compile(r"doan (phuong|xa|thi tran)\b")


def group_of(state: ParseState, name: str) -> str | None:
    """The UnitGroup value a plural or generic name stands for ("các cơ sở Đoàn trực thuộc Thành Đoàn" →
    direct_units), else None. A loose reading is remembered in state.approximate_groups."""
    k = unit_key(name)
    plural = bool(PLURAL_KEY_RE.match(k))
    k2 = PLURAL_PREFIX_KEY_RE.sub("", k)
    if DIRECT_KEY_RE.match(k2):
        if k2.startswith("chi doan"):
            return UnitGroup.BRANCHES.value
        if "truc thuoc thanh doan" in k2 or state.issuer_is_city:
            return UnitGroup.DIRECT_UNITS.value
        return UnitGroup.GRASSROOTS.value
    if DISTRICTS_KEY_RE.match(k2):
        state.approximate_groups.append((name, UnitGroup.DIRECT_UNITS.value))
        return UnitGroup.DIRECT_UNITS.value
    if DEPARTMENTS_KEY_RE.match(k2) or (plural and BANS_KEY_RE.fullmatch(k2)):
        return UnitGroup.DEPARTMENTS.value
    if k2.startswith("don vi su nghiep"):
        return UnitGroup.INSTITUTIONS.value
    if k2.startswith("doanh nghiep") and (plural or "truc thuoc" in k2 or k2 == "doanh nghiep"):
        return UnitGroup.ENTERPRISES.value
    if GRASSROOTS_KEY_RE.match(k2) or WARDS_COMMUNES_KEY_RE.match(k2):
        return UnitGroup.GRASSROOTS.value
    if plural and WARD_KEY_RE.match(k2):
        return UnitGroup.GRASSROOTS.value
    if plural and k2.startswith("chi doan"):
        return UnitGroup.BRANCHES.value
    return None


def _pieces(state: ParseState, chunk: str) -> list[tuple[int, int]]:
    """The chunk cut at separators (not inside a protected group name); "X và Y" joined again when the whole
    is a unit ("Đoàn Trường Đại học Khoa học Xã hội và Nhân văn")."""
    protected = [(m.start(), m.end()) for m in PROTECTED_RE.finditer(chunk)]
    cuts = []
    for m in NAME_SEPARATOR_RE.finditer(chunk):
        if any(a <= m.start() < b for a, b in protected):
            continue
        cuts.append((m.start(), m.end()))
    pieces = []
    pos = 0
    for a, b in [*cuts, (len(chunk), len(chunk))]:
        pieces.append((pos, a))
        pos = b
    merged: list[tuple[int, int]] = []
    for a, b in pieces:
        if merged:
            pa, pb = merged[-1]
            sep = chunk[pb:a]
            if (
                sep.strip() in ("và", "&")
                and not state.directory.match(chunk[pa:pb])
                and state.directory.match(chunk[pa:b])
            ):
                merged[-1] = (pa, b)
                continue
        merged.append((a, b))
    return merged


def _is_name(piece: str, strict: bool) -> bool:
    # Strict (an assignment line): a name starts with a capital or a digit, or is a group ("các …").
    return (
        sum(c.isalnum() for c in piece) >= 2
        and any(c.isalpha() for c in piece)
        and (not strict or piece[0].isupper() or piece[0].isdigit() or bool(GROUP_START_RE.match(piece)))
        and not NOT_A_NAME_RE.fullmatch(piece)
    )


def split_names(
    state: ParseState, base: int, chunk: str, chunk_offset: int, strict: bool = True
) -> list[tuple[int, int]]:
    """Unit names in a chunk of a "Phân công …" line, as (start, end) offsets in the text; the chunk starts at
    base + chunk_offset."""
    out = []
    for a, b in _pieces(state, chunk):
        s, e = base + chunk_offset + a, base + chunk_offset + b
        s, e = strip_span(state.text, s, e, " \t\n,;.:()")
        if state.text[e : e + 1] == "." and ABBREVIATION_END_RE.search(state.text[s:e]):
            e += 1  # "TP." is an abbreviation, not the end of a sentence
        m = LEADING_LINK_RE.match(state.slice(s, e))
        if m:
            s += m.end()
        if _is_name(state.slice(s, e), strict):
            out.append((s, e))
    return out


def groups_in_subject(state: ParseState, p: Para) -> tuple[list[str], list[str]]:
    """Groups and units named before the verb of a paragraph: 'Các Ban - Văn phòng, … căn cứ …'; units other
    than the issuer only."""
    body = p.body
    m = SUBJECT_VERB_RE.search(body)
    if m:
        subject = body[: m.start()]
    else:
        colon = body.find(":")
        subject = body[:colon] if colon > 0 else body
    groups: list[str] = []
    units: list[str] = []
    if not subject.strip():
        return groups, units
    for s, e in split_names(state, p.bstart, subject, 0, strict=False):
        name = state.slice(s, e)
        g = group_of(state, name)
        if g:
            if g not in groups:
                groups.append(g)
            continue
        code = state.directory.match(name)
        if code and code not in units and code != state.issuer_unit:
            units.append(code)
    return groups, units


@dataclass
class _Segment:
    """Consecutive unit names of a line, and the role words around them."""

    names: list[tuple[int, int]]
    before: str | None  # "co_lead" after "phối hợp với"
    after: str | None = None  # the role group that follows the names: lead, with, co, do
    label: str | None = None  # the role the line's label gives ("Chủ trì: …")


def _label_role(label: str) -> str | None:
    label = fold(label)
    if "chu tri" in label:
        return "lead"
    if "phoi hop" in label:
        return "co_lead"
    return None


def _line_segments(state: ParseState, p: Para, segments: list[_Segment]) -> None:
    """Append the segments of one assignment line: the names between role words."""
    m = ASSIGNMENT_LABEL_RE.match(p.body)
    label_role = _label_role(m["label"]) if m else None
    content_start = p.bstart + (m.end() if m else 0)
    content = TRAILING_PUNCTUATION_RE.sub(lambda x: " " * len(x.group(0)), state.text[content_start : p.end])
    pos = 0
    pending_before = None
    for r in ROLE_RE.finditer(content):
        chunk = content[pos : r.start()]
        names = split_names(state, content_start, chunk, pos)
        kind = r.lastgroup
        if names:
            segments.append(_Segment(names, pending_before, label=label_role))
            pending_before = None
        if kind == "with":  # "X phối hợp với Y": X leads, Y co-leads
            if segments and segments[-1].after is None and names:
                segments[-1].after = "with"
            pending_before = "co_lead"
        elif segments and names:
            segments[-1].after = kind
        elif segments and segments[-1].after in (None, "do") and not chunk.strip(" ,;"):
            # "X triển khai, chủ trì …": a role right after another one still describes X.
            segments[-1].after = segments[-1].after if kind == "do" else segments[-1].after or kind
        pos = r.end()
    names = split_names(state, content_start, content[pos:], pos)
    if names:
        segments.append(_Segment(names, pending_before, label=label_role))


def _roles(segments: list[_Segment]) -> list[tuple[str, int, int]]:
    """(role, start, end) per name, leads first; without role words, the first name leads."""
    explicit = any(s.after in ("lead", "with") or s.before == "co_lead" or s.label is not None for s in segments)
    entries: list[tuple[str | None, int, int]] = []
    for s in segments:
        if not explicit:
            role = None
        elif s.label:
            role = s.label
        elif s.after in ("lead", "with") and s.before is None:
            role = "lead"
        else:
            role = "co_lead"
        for start, end in s.names:
            entries.append((role, start, end))
    if not explicit:
        entries = [("lead" if i == 0 else "co_lead", s, e) for i, (_r, s, e) in enumerate(entries)]
    elif not any(r == "lead" for r, _s, _e in entries) and entries:
        entries[0] = ("lead", entries[0][1], entries[0][2])
    entries.sort(key=lambda x: 0 if x[0] == "lead" else 1)  # stable: leads first, text order kept
    return entries


def _warn_unknown_unit(state: ParseState, path: str, name: str, subject: str) -> str:
    """The placeholder code for a name not in the directory, with the warning naming the closest units."""
    unit = placeholder_code(name)
    closest = state.directory.closest(name)
    state.suggestions[path] = closest
    offered = "; ".join(f"{c} — {n} ({score:.2f})" for c, n, score in closest) or _("none")
    state.late.append(
        Finding(
            "unit_not_in_directory",
            path,
            _("“%(name)s” is not in the unit directory (placeholder code %(code)s). Closest: %(offered)s.")
            % {"name": name, "code": unit, "offered": offered},
            subject,
        )
    )
    return unit


def read_assignments(state: ParseState, where: str, paras: list[Para], subject: str) -> list[dict]:
    """The assignments [{role, name, unit, group}] of the lines `paras`, each unit or group once, leads first;
    spans at where.assignments[n], warnings about unknown units and loosely read groups."""
    segments: list[_Segment] = []
    for p in paras:
        _line_segments(state, p, segments)
    out: list[dict] = []
    seen: set[tuple] = set()
    for role, start, end in _roles(segments):
        name = state.slice(start, end)
        group = group_of(state, name)
        unit = None if group else state.directory.match(name)
        key = ("g", group) if group else ("u", unit or unit_key(name))
        if key in seen:
            continue
        seen.add(key)
        path = f"{where}.assignments[{len(out) + 1}]"
        state.span(path, start, end)
        if not group and not unit:
            unit = _warn_unknown_unit(state, path, name, subject)
        if group and (name, group) in state.approximate_groups:
            state.late.append(
                Finding(
                    "group_approximate",
                    path,
                    _("“%(name)s” was read as the group “%(group)s”: check it.") % {"name": name, "group": group},
                    subject,
                )
            )
        out.append({"role": role, "name": name, "unit": unit, "group": group})
    return out
