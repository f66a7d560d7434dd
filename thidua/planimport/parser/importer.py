"""The importer proper: sections, goals, activities, assignments, milestones, the rest."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from thidua.campaigns.checks import Finding, check_definition
from thidua.campaigns.definition import FORMAT, validate
from thidua.core.text import fold
from thidua.core.timeutils import vn_datetime
from thidua.planimport.parser.dates import TIME_RE, WEEKDAY_RE, WrittenDate, find_dates, weekday_near
from thidua.planimport.parser.directory import placeholder_code, unit_key
from thidua.planimport.parser.footer import read_footer
from thidua.planimport.parser.header import read_header, settle_issuer
from thidua.planimport.parser.numbers import CLASSIFIERS, Quantity, find_quantities
from thidua.planimport.parser.outline import (
    build_outline,
    descendants,
    heading_like,
    is_assignment_line,
    label_value,
    mark_section,
    section_of,
)
from thidua.planimport.parser.paragraphs import Para
from thidua.planimport.parser.period import (
    read_audience,
    read_period,
    settle_period_range,
    warn_unknown_period,
    year_within_period,
)
from thidua.planimport.parser.result import DEFAULT_DEADLINE_TIME, ImportResult
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.text import (
    EMAIL_RE,
    QUOTE_RE,
    URL_RE,
    capitalise,
    strip_span,
    trim_value,
)
from thidua.planimport.parser.title import campaign_slug, find_plan_year, read_title, theme_in_context
from thidua.units.models import UnitGroup, UnitKind

# --- 4. the importer ------------------------------------------------------------------------------

_FIELD_LABELS = re.compile(
    r"(thoi gian( du kien| to chuc)?|dia diem|noi dung|chi tieu|so luong|quy mo|hinh thuc|thanh phan|"
    r"doi tuong|phan cong|don vi (thuc hien|chu tri|phoi hop|to chuc|phu trach|thuong truc)|chu tri|phoi hop|"
    r"trach nhiem|dang ky|lien he|ket qua)$"
)
_ASSIGNMENT_LABEL = re.compile(
    r"\(?\s*(?P<label>phân công(?:\s+thực\s+hiện)?|đơn vị\s+(?:thực hiện|chủ trì|phối hợp|tổ chức|phụ trách|thường trực)"
    r"|chủ trì|phối hợp)\s*(?::\s*|\s+)",
    re.I,
)
_ROLE_RE = re.compile(
    r"(?<!\w)(?:(?P<lead>(?:là\s+đơn\s+vị\s+)?(?:đồng\s+)?chủ\s+trì(?:\s+thực\s+hiện)?|là\s+đơn\s+vị\s+(?:thường\s+trực|đầu\s+mối))"
    r"|(?P<with>phối\s+hợp\s+(?:với|cùng)|cùng\s+phối\s+hợp\s+với|phối\s+hợp\s+chặt\s+chẽ\s+với)"
    r"|(?P<co>phối\s+hợp(?:\s+thực\s+hiện)?|tham\s+mưu)"
    r"|(?P<do>(?:triển\s+khai|tổ\s+chức|cùng)?\s*thực\s+hiện|triển\s+khai|tổ\s+chức|hướng\s+dẫn|theo\s+dõi|"
    r"tổng\s+hợp|đảm\s+nhận|phụ\s+trách))(?!\w)",
)  # role words are lower case in running text; "Trung tâm Hỗ trợ …" is a name
_PROTECTED_RE = re.compile(
    r"(?i:quận)\s*[,\-–]\s*(?i:huyện)|(?i:ban)\s*,\s*(?i:văn phòng)|(?i:phường)\s*,\s*(?i:xã)(?:\s*,\s*(?i:thị trấn))?"
)
_SUBJECT_STOPS = (
    "tham mưu", "tham gia", "đẩy nhanh", "hoàn thành", "thực hiện", "tổ chức", "triển khai", "đăng ký",
    "cài đặt", "sử dụng", "xây dựng", "phát động", "ứng dụng", "tiếp cận", "hưởng ứng", "ra quân",
    "giới thiệu", "duy trì", "bảo đảm", "đảm bảo", "cập nhật", "khai báo", "sở hữu", "truy cập", "học tập",
    "tìm hiểu", "trở lên", "nâng cao", "được", "có", "đạt", "trên", "tại", "trong", "của", "thuộc", "về",
    "cho", "để", "nhằm", "từ", "đến", "theo", "khi", "đã", "sẽ", "phải", "ký", "nhận", "tạo", "lập", "là",
    "với", "tích cực", "chủ động", "đều", "cùng", "gắn", "vận động", "hiến", "trao", "thu hút",
)  # fmt: skip
_DEADLINE_RE = re.compile(
    r"(?<!\w)(?P<kw>trước|chậm\s+nhất(?:\s+là)?(?:\s+vào)?|hạn\s+chót(?:\s+(?:nộp|nhận|gửi))?|hạn\s+cuối|"
    r"hạn\s+nộp|muộn\s+nhất|không\s+muộn\s+hơn|đến\s+hết|hạn)(?!\w)\s*:?",
    re.I,
)
_DOCUMENT_RE = re.compile(
    r"(?<!\w)(?:kế hoạch|báo cáo|danh sách|hồ sơ|bảng đăng ký|bản đăng ký|phiếu đăng ký|đăng ký|văn bản|"
    r"tờ trình|biên bản|bài dự thi|sản phẩm|số liệu|đề xuất|dự thảo|tập tin|file)(?!\w)",
    re.I,
)
_LEADING_VERBS = re.compile(
    r"^(?:(?:tổ chức|triển khai|thực hiện|đồng loạt|ra quân|phát động|duy trì|tiếp tục)\s+)+(?:(?:các|những)\s+)?",
    re.I,
)
_TITLE_CUTS = re.compile(
    r",?\s+(?:trong đó|nhằm|cho|trong|tại|dự kiến|vào|từ ngày|với|trên|để|qua đó|đồng thời)\s|,?\s+ngày\s+\d|\s\(|:\s|;\s|\.\s|\.$"
)


@dataclass
class _Deadline:
    start: int  # offsets in the paragraph's body
    kw_end: int
    date: WrittenDate  # offsets relative to kw_end
    time: re.Match | None
    gap: str  # text between the keyword and the date
    label: str  # what is due ("Báo cáo sơ kết")
    label_start: int


class _Importer:
    def __init__(self, raw: str, issuer_code: str | None, slug: str | None) -> None:
        self.state = ParseState.read(raw)
        self.issuer_code_arg = issuer_code
        self.slug_arg = slug

    # -- header -------------------------------------------------------------------------------

    # -- structure ----------------------------------------------------------------------------

    def walk(self, nodes: list[Para], inherited: str | None) -> None:
        for node in nodes:
            self.visit(node, inherited)

    def visit(self, node: Para, inherited: str | None) -> None:
        kind = section_of(node, allow_label=inherited in (None, "time_audience"))
        if inherited in ("goals", "activities") and kind in (None, inherited):
            mark_section(node, inherited)
            if inherited == "goals":
                self.goal_or_group(node)
            else:
                self.activity_or_group(node)
            return
        if kind is None:
            kind = inherited or "other"
            mark_section(node, kind)
            if kind == "organisation":
                self.state.org_nodes.append(node)
            self.walk(node.children, kind)
            return
        node.section = kind
        for e in node.extras:
            e.section = kind
        label, value = label_value(node)
        value_span = (value, node.end) if value is not None else None
        if value_span is None and node.extras and not node.children:
            value_span = (node.extras[0].bstart, node.extras[0].end)
        if kind == "period":
            if self.state.period_source is None and value_span:
                self.state.period_source = value_span
            self.walk(node.children, kind)
        elif kind == "audience":
            if self.state.audience_source is None and value_span:
                self.state.audience_source = value_span
            self.walk(node.children, kind)
        elif kind == "goals":
            if value is not None and not node.children:
                self.add_goal(value, node.end, node)
            for e in node.extras:
                if not is_assignment_line(e):
                    self.add_goal(e.bstart, e.end, e)
            self.walk(node.children, "goals")
        elif kind == "activities":
            if value is not None and not node.children and not node.extras:
                self.add_activity(node, own_start=value)
            else:
                self.activities_from_extras(node.extras)
                self.walk(node.children, "activities")
        elif kind == "organisation":
            self.state.org_nodes.append(node)
            self.walk(node.children, "organisation")
        else:
            self.walk(node.children, kind)

    # -- goals --------------------------------------------------------------------------------
    def goal_or_group(self, node: Para) -> None:
        if node.children and heading_like(node):
            for e in node.extras:
                if not is_assignment_line(e):
                    self.add_goal(e.bstart, e.end, e)
            self.walk(node.children, "goals")
            return
        self.add_goal(node.bstart, node.end, node)
        for e in node.extras:
            if not is_assignment_line(e):
                self.add_goal(e.bstart, e.end, e)
        for c in node.children:
            self.goal_or_group(c)

    def add_goal(self, start: int, end: int, node: Para) -> None:
        start, end = strip_span(self.state.text, start, end, " \t\n")
        if end <= start:
            return
        text = self.state.slice(start, end)
        n = len(self.state.goals) + 1
        where = f"goals[{n}]"
        self.state.span(f"{where}.text", start, end)
        target = None
        numbers = find_quantities(text)
        if numbers:
            first = numbers[0]
            target, tspan = self.goal_target(text, first)
            self.state.span(f"{where}.target", start + first.start, start + tspan)
            for extra in numbers[1:]:
                self.not_attached(where, text, extra, text)
        self.state.goals.append({"code": f"MT{n}", "text": text, "target": target})

    def goal_target(self, text: str, number: Quantity) -> tuple[dict, int]:
        phrase, phrase_end = self.noun_phrase(text, number.measure_end)
        if number.percent:
            return {"value": number.value, "unit": "%", "subject": phrase or None}, phrase_end
        low = phrase.lower()
        for classifier in sorted(CLASSIFIERS, key=len, reverse=True):
            if low == classifier or low.startswith(classifier + " "):
                subject = phrase[len(classifier) :].strip(" ,") or None
                return {"value": number.value, "unit": phrase[: len(classifier)], "subject": subject}, phrase_end
        return {"value": number.value, "unit": phrase or None, "subject": phrase or None}, phrase_end

    @staticmethod
    def noun_phrase(text: str, start: int) -> tuple[str, int]:
        """The words after `start` up to a verb or preposition: '100% các cơ sở Đoàn tham mưu' → 'cơ sở Đoàn'."""
        m = re.match(r"\s*(?:(?:các|những|tổng số|số)\s+)?", text[start:], re.I)
        pos = start + m.end()
        words: list[tuple[int, int]] = []
        for w in re.finditer(r"[^\s,;:.()“”\"]+|,", text[pos:]):
            token = w.group(0)
            rest = text[pos + w.start() :].lower()
            if token == ",":
                if not words:
                    break
                words.append((pos + w.start(), pos + w.end()))
                continue
            if words and (token[0].isdigit() or any(re.match(re.escape(s) + r"(?!\w)", rest) for s in _SUBJECT_STOPS)):
                break
            if len([x for x in words if text[x[0] : x[1]] != ","]) >= 8:
                break
            nxt = pos + w.end()
            words.append((pos + w.start(), nxt))
            if nxt < len(text) and text[nxt] in ';:.()“”"':
                break
        while words and text[words[-1][0] : words[-1][1]].lower() in (",", "và", "hoặc", "cùng", "các"):
            words.pop()
        if not words:
            return "", start
        return text[words[0][0] : words[-1][1]], words[-1][1]

    def not_attached(self, where: str, text: str, number: Quantity, subject: str) -> None:
        shown = text[number.start : number.measure_end].strip()
        context = text[max(0, number.start - 30) : min(len(text), number.measure_end + 40)].strip()
        self.state.late.append(
            Finding(
                "number_not_attached",
                where,
                _(
                    "The number “%(number)s” (… %(context)s …) is not attached to a target: add an indicator if it is one."
                )
                % {"number": shown, "context": context},
                subject[:120],
            )
        )

    # -- activities ---------------------------------------------------------------------------
    def is_field(self, p: Para) -> bool:
        label, value = label_value(p)
        return value is not None and bool(_FIELD_LABELS.match(fold(label).strip()))

    def activity_or_group(self, node: Para) -> None:
        field_structured = any(self.is_field(c) for c in node.children)
        own_assignment = any(is_assignment_line(e) for e in node.extras)
        if node.children and not field_structured and not own_assignment and heading_like(node):
            self.activities_from_extras(node.extras)
            self.walk(node.children, "activities")
            return
        self.add_activity(node)

    def activities_from_extras(self, extras: list[Para]) -> None:
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
                self.add_activity(e)

    def add_activity(self, node: Para, own_start: int | None = None) -> None:
        n = len(self.state.activities) + 1
        where = f"activities[{n}]"
        parts = [node, *descendants(node)]
        assignment_paras = [p for p in parts if is_assignment_line(p)]
        fields: dict[str, tuple[int, int]] = {}
        described: list[tuple[int, int]] = []
        for p in parts:
            if p in assignment_paras:
                continue
            if p is not node and self.is_field(p):
                label, value = label_value(p)
                key = fold(label).strip()
                fields.setdefault(key, (value, p.end))
                if re.match(r"(don vi|chu tri|phoi hop)", key):
                    assignment_paras.append(p)
                    continue
            start = own_start if (p is node and own_start is not None) else (p.bstart if p is node else p.start)
            described.append(strip_span(self.state.text, start, p.end, " \t\n"))
        if not described:
            described = [strip_span(self.state.text, node.bstart, node.end, " \t\n")]
        description = "\n".join(self.state.slice(s, e) for s, e in described if e > s) or node.body or "—"
        d_start, d_end = described[0][0], described[-1][1]
        self.state.span(f"{where}.description", d_start, d_end)

        # Where to look for the facts: the description (without sub-points' URLs masked).
        first_start, first_end = described[0]
        first = self.state.slice(first_start, first_end)
        programme = None
        for q in QUOTE_RE.finditer(first):
            before = fold(first[max(0, q.start() - 40) : q.start()])
            if re.search(
                r"(chuong trinh|cuoc van dong|hoi thi|cuoc thi|giai|phong trao|chien dich|ngay hoi|dien dan|"
                r"hoat dong|mo hinh|cong trinh|dot|hoi trai|le hoi|hanh trinh|du an|the thao|tuyen duong|"
                r"giai thuong|le|hoi nghi|toa dam|chuyen de|trang|chuyen muc|doi hinh|fanpage|chuyen trang|nen tang|tap huan|chuoi)"
                r"(\s+[^\s“”\"]+){0,2}\s*$",
                before,
            ):
                programme = q.group(q.lastindex)
                self.state.span(
                    f"{where}.programme", first_start + q.start(q.lastindex), first_start + q.end(q.lastindex)
                )
                break
        url = None
        for start, end in described:
            m = URL_RE.search(self.state.slice(start, end))
            if m:
                url = m.group(0) if m.group(0).startswith("http") else "http://" + m.group(0)
                self.state.span(f"{where}.url", start + m.start(), start + m.end())
                break

        # Title: a label ("Lễ ra quân:") or the description's first clause.
        label, value = label_value(node)
        if own_start is None and (node.body.strip().endswith(":") or (value is not None and len(label.split()) <= 12)):
            title = label.strip(" :")
            title_span = (node.bstart, node.bstart + len(title))
        elif programme:
            title = programme if len(programme) <= 80 else programme[:80].rsplit(" ", 1)[0].rstrip(" ,;-–") + "…"
            title_span = (self.state.spans[f"{where}.programme"].start, self.state.spans[f"{where}.programme"].end)
        else:
            title = self.short_title(first)
            found_at = first.find(title.rstrip("…")[1:])
            title_span = (first_start + max(found_at - 1, 0), first_start + max(found_at - 1, 0) + len(title))
        title = capitalise(title.strip()) or capitalise(description[:80])
        if len(title) > 200:
            title = title[:197].rsplit(" ", 1)[0] + "…"

        # Date, weekday, venue: a "Thời gian:" / "Địa điểm:" line first, else the description.
        date_src = next((v for k, v in fields.items() if k.startswith("thoi gian")), None) or (first_start, first_end)
        date = end_date = weekday = None
        tentative = False
        src = self.state.slice(*date_src)
        for d in find_dates(src):
            before = src[max(0, d.start - 40) : d.start]
            if re.search(
                r"(trước|chậm nhất|hạn chót|hạn|muộn nhất)\s*(\d{1,2}\s*(g|h|giờ)\s*\d{0,2}\s*)?(ngày\s*)?$",
                before,
                re.I,
            ):
                continue
            rng = self.resolve_range(src, d, f"{where}.date")
            if rng is None:
                continue
            date, end_date = rng[0].isoformat(), (rng[1].isoformat() if rng[1] != rng[0] else None)
            self.state.span(f"{where}.date", date_src[0] + d.start, date_src[0] + rng[2])
            if end_date:
                self.state.span(f"{where}.end_date", date_src[0] + d.start, date_src[0] + rng[2])
            label_text = fold(self.state.text[max(0, date_src[0] - 30) : date_src[0]])
            tentative = bool(re.search(r"du kien", fold(before)) or "du kien" in label_text)
            wd = weekday_near(src, d)
            if wd:
                weekday = src[wd[0] : wd[1]]
                self.state.span(f"{where}.weekday", date_src[0] + wd[0], date_src[0] + wd[1])
            venue_src = src[rng[2] : rng[2] + 120]
            m = re.match(r"\s*(?:\([^)]*\)\s*)?,?\s*(?:(?:sáng|chiều|tối)\s+)?tại\s+", venue_src)
            if m and "dia diem" not in fields:
                self.venue_from(f"{where}.venue", date_src[0] + rng[2] + m.end())
            break
        venue = None
        if "dia diem" in fields:
            s, e = trim_value(self.state.text, *fields["dia diem"])
            self.state.span(f"{where}.venue", s, e)
        elif f"{where}.venue" not in self.state.spans:
            m = re.search(
                r"(?<!\w)tại\s+(?=(?:Hội trường|Nhà Văn hóa|Nhà văn hóa|Nhà Thiếu nhi|Công viên|Quảng trường|Trường|Sân|"
                r"Khu|Trung tâm|Phố đi bộ|Bến|Nhà thi đấu|Cung|Hội quán|Bảo tàng|Đền|Khu di tích|Địa đạo|Rừng|Bãi|Chợ|Bệnh viện|UBND)\b)",
                first,
            )
            if m:
                self.venue_from(f"{where}.venue", first_start + m.end())
        if f"{where}.venue" in self.state.spans:
            sp = self.state.spans[f"{where}.venue"]
            venue = self.state.slice(sp.start, sp.end)

        # Target: the first counted quantity (not a percentage) in the description or a "Chỉ tiêu:" line.
        target = None
        scanned: list[tuple[int, int]] = described
        attached: Quantity | None = None
        attached_at = None
        target_fields = [v for k, v in fields.items() if k in ("chi tieu", "so luong", "quy mo")]
        for start, end in target_fields + scanned:
            for num in find_quantities(self.state.slice(start, end)):
                if not num.percent:
                    attached, attached_at = num, start
                    break
            if attached:
                break
        if attached:
            seg_start = attached_at + attached.measure_end
            seg = self.state.text[seg_start : seg_start + 240]
            stop = re.search(r"[.;:()\n]|,\s|\s(?:và|nhằm|trong|tại|cho|từ|vào|với|để|gồm|trên)\s", seg)
            words = list(re.finditer(r"\S+", seg[: stop.start() if stop else len(seg)]))[:10]
            unit = " ".join(w.group(0) for w in words) or None
            unit_end = attached.measure_end + (words[-1].end() if words else 0)
            target = {"value": attached.value, "unit": unit}
            self.state.span(f"{where}.target", attached_at + attached.start, attached_at + unit_end)
        for start, end in scanned + [v for v in target_fields if v not in scanned]:
            chunk = self.state.slice(start, end)
            for num in find_quantities(chunk):
                if attached and start + num.start == attached_at + attached.start:
                    continue
                self.not_attached(where, chunk, num, title)

        # Assignments.
        assignment_text = "\n".join(p.text for p in sorted(assignment_paras, key=lambda p: p.start)) or None
        if assignment_paras:
            first_a = min(assignment_paras, key=lambda p: p.start)
            last_a = max(assignment_paras, key=lambda p: p.start)
            self.state.span(f"{where}.assignment_text", first_a.start, last_a.end)
        assignments = self.assignments(where, sorted(assignment_paras, key=lambda p: p.start), title)
        if not assignments:
            self.state.late.append(
                Finding(
                    "activity_unassigned",
                    where,
                    _("No unit is assigned to this activity (no “Phân công …” line)."),
                    title,
                )
            )
        self.state.span(f"{where}.title", title_span[0], min(title_span[1], d_end))
        self.state.activities.append(
            {
                "code": f"CV{n}",
                "title": title,
                "description": description,
                "programme": programme,
                "url": url,
                "venue": venue,
                "date": date,
                "end_date": end_date,
                "date_tentative": tentative if date else False,
                "weekday": weekday,
                "target": target,
                "assignment_text": assignment_text,
                "assignments": assignments,
            }
        )

    def venue_from(self, path: str, start: int) -> None:
        seg = self.state.text[start : start + 160]
        end = len(seg)
        for m in re.finditer(r"[.;(\n]|,\s+(?=[a-zà-ỹđ])|\s+(?:với|nhằm|cho|dự kiến|từ|vào|để|và)\s", seg):
            if m.group(0).startswith(".") and re.match(r"\.\w", seg[m.start() :]):
                continue
            end = m.start()
            break
        s, e = trim_value(self.state.text, start, start + end)
        self.state.span(path, s, e)

    @staticmethod
    def short_title(first: str) -> str:
        masked = first
        for q in QUOTE_RE.finditer(first):
            masked = masked[: q.start()] + "x" * (q.end() - q.start()) + masked[q.end() :]
        cut = len(first)
        for m in _TITLE_CUTS.finditer(masked):
            if m.start() >= 12:
                cut = m.start()
                break
        title = first[:cut].strip(" ,;:.")
        stripped = _LEADING_VERBS.sub("", title)
        if stripped and stripped[0] not in '“"«':
            title = stripped
        if len(title) > 120:
            title = title[:120].rsplit(" ", 1)[0].rstrip(" ,;") + "…"
        return title

    def resolve_range(self, src: str, d: WrittenDate, where: str) -> tuple[dt.date, dt.date, int] | None:
        """The date (or range) starting at `d`: (first, last, end offset in src)."""
        partner = None
        for other in find_dates(src):
            if other.start <= d.start:
                continue
            gap = src[d.end : other.start]
            if re.fullmatch(r"\s*(?:\([^)]{0,20}\))?\s*(?:-|–|đến|tới)(?:\s+hết)?(?:\s+ngày)?\s*", gap, re.I):
                partner = other
            break
        end_d = partner or d
        year = end_d.year or d.year
        if year is None:
            year = self.state.plan_year
            if year is None:
                return None
            self.state.late.append(
                Finding(
                    "year_assumed",
                    where.rsplit(".", 1)[0],
                    _("No year is written: %(year)s is assumed.") % {"year": year},
                    "",
                )
            )
        first_range = d.resolve(d.year or year)
        last_range = end_d.resolve(year)
        if not first_range or not last_range:
            return None
        return first_range[0], last_range[1], end_d.end

    # -- assignments --------------------------------------------------------------------------
    def assignments(self, where: str, paras: list[Para], subject: str) -> list[dict]:
        segments: list[dict] = []  # {names: [(start, end)], after, before, label}
        for p in paras:
            body_start = p.bstart
            body = p.body
            m = _ASSIGNMENT_LABEL.match(body)
            label_role = None
            offset = 0
            if m:
                offset = m.end()
                label = fold(m["label"])
                if "chu tri" in label:
                    label_role = "lead"
                elif "phoi hop" in label:
                    label_role = "co_lead"
            content_start = body_start + offset
            content = self.state.text[content_start : p.end]
            content = re.sub(r"[\s.;)]+$", lambda x: " " * len(x.group(0)), content)
            pos = 0
            pending_before = None
            for r in _ROLE_RE.finditer(content):
                chunk_start, chunk_end = pos, r.start()
                names = self.split_names(content_start, content[chunk_start:chunk_end], chunk_start)
                kind = r.lastgroup
                if names:
                    segments.append({"names": names, "before": pending_before, "after": None, "label": label_role})
                    pending_before = None
                if kind == "with":
                    if segments and segments[-1]["after"] is None and names:
                        segments[-1]["after"] = "with"
                    pending_before = "co_lead"
                elif segments and names:
                    segments[-1]["after"] = kind
                elif (
                    segments
                    and segments[-1]["after"] in (None, "do")
                    and not content[chunk_start:chunk_end].strip(" ,;")
                ):
                    segments[-1]["after"] = segments[-1]["after"] if kind == "do" else segments[-1]["after"] or kind
                pos = r.end()
            names = self.split_names(content_start, content[pos:], pos)
            if names:
                segments.append({"names": names, "before": pending_before, "after": None, "label": label_role})
        explicit = any(
            s["after"] in ("lead", "with") or s["before"] == "co_lead" or s["label"] is not None for s in segments
        )
        entries: list[tuple[str, int, int]] = []  # role, start, end
        for s in segments:
            if not explicit:
                role = None
            elif s["label"]:
                role = s["label"]
            elif s["after"] in ("lead", "with") and s["before"] is None:
                role = "lead"
            else:
                role = "co_lead"
            for start, end in s["names"]:
                entries.append((role, start, end))
        if not explicit:
            entries = [("lead" if i == 0 else "co_lead", s, e) for i, (_r, s, e) in enumerate(entries)]
        elif not any(r == "lead" for r, _s, _e in entries) and entries:
            entries[0] = ("lead", entries[0][1], entries[0][2])
        entries.sort(key=lambda x: 0 if x[0] == "lead" else 1)  # stable: leads first, text order kept
        out: list[dict] = []
        seen: set[tuple] = set()
        for role, start, end in entries:
            name = self.state.slice(start, end)
            group = self.group_of(name)
            unit = None if group else self.state.directory.match(name)
            key = ("g", group) if group else ("u", unit or unit_key(name))
            if key in seen:
                continue
            seen.add(key)
            path = f"{where}.assignments[{len(out) + 1}]"
            self.state.span(path, start, end)
            if not group and not unit:
                unit = placeholder_code(name)
                closest = self.state.directory.closest(name)
                self.state.suggestions[path] = closest
                offered = "; ".join(f"{c} — {n} ({score:.2f})" for c, n, score in closest) or _("none")
                self.state.late.append(
                    Finding(
                        "unit_not_in_directory",
                        path,
                        _("“%(name)s” is not in the unit directory (placeholder code %(code)s). Closest: %(offered)s.")
                        % {"name": name, "code": unit, "offered": offered},
                        subject,
                    )
                )
            if group and (name, group) in self.state.approximate_groups:
                self.state.late.append(
                    Finding(
                        "group_approximate",
                        path,
                        _("“%(name)s” was read as the group “%(group)s”: check it.") % {"name": name, "group": group},
                        subject,
                    )
                )
            out.append({"role": role, "name": name, "unit": unit, "group": group})
        return out

    def split_names(self, base: int, chunk: str, chunk_offset: int, strict: bool = True) -> list[tuple[int, int]]:
        """Unit names in a chunk of a "Phân công" line, as (start, end) offsets in the text."""
        protected = [(m.start(), m.end()) for m in _PROTECTED_RE.finditer(chunk)]
        cuts = []
        for m in re.finditer(r"[,;]|\s(?:và|cùng|với)\s", chunk):
            if any(a <= m.start() < b for a, b in protected):
                continue
            cuts.append((m.start(), m.end()))
        pieces = []
        pos = 0
        for a, b in [*cuts, (len(chunk), len(chunk))]:
            pieces.append((pos, a))
            pos = b
        # Re-join "X và Y" when the whole is a unit ("Đoàn Trường Đại học Khoa học Xã hội và Nhân văn").
        merged: list[tuple[int, int]] = []
        for a, b in pieces:
            if merged:
                pa, pb = merged[-1]
                sep = chunk[pb:a]
                if (
                    sep.strip() in ("và", "&")
                    and not self.state.directory.match(chunk[pa:pb])
                    and self.state.directory.match(chunk[pa:b])
                ):
                    merged[-1] = (pa, b)
                    continue
            merged.append((a, b))
        out = []
        for a, b in merged:
            s, e = base + chunk_offset + a, base + chunk_offset + b
            s, e = strip_span(self.state.text, s, e, " \t\n,;.:()")
            if self.state.text[e : e + 1] == "." and re.search(r"(?<!\w)(TP|Tp|Q|P|H|TT|TX)$", self.state.text[s:e]):
                e += 1  # "TP." is an abbreviation, not the end of a sentence
            piece = self.state.slice(s, e)
            m = re.match(r"(?:(?:và|cùng|với|giao|cho|các đơn vị:)\s+)+", piece, re.I)
            if m:
                s += m.end()
            piece = self.state.slice(s, e)
            if (
                sum(c.isalnum() for c in piece) >= 2
                and any(c.isalpha() for c in piece)
                and (
                    not strict
                    or piece[0].isupper()
                    or piece[0].isdigit()
                    or re.match(r"(các|toàn thể|tất cả)\s", piece)
                )
                and not re.fullmatch(r"(?i:các đơn vị|đơn vị|thực hiện)", piece)
            ):
                out.append((s, e))
        return out

    def group_of(self, name: str) -> str | None:
        k = unit_key(name)
        plural = bool(re.match(r"(cac|toan the|tat ca|toan bo|nhung)\b", k))
        k2 = re.sub(r"^(cac|toan the|tat ca|toan bo|nhung)\s+", "", k)
        issuer_kind = self.state.directory.kind(self.state.issuer_unit) if self.state.issuer_unit else None
        city = issuer_kind in (None, UnitKind.CITY)
        if re.match(r"(co so doan|to chuc co so doan|don vi|co so|chi doan)\s+truc thuoc", k2):
            if k2.startswith("chi doan"):
                return UnitGroup.BRANCHES.value
            if "truc thuoc thanh doan" in k2 or city:
                return UnitGroup.DIRECT_UNITS.value
            return UnitGroup.GRASSROOTS.value
        if re.match(r"(quan huyen( doan)?|quan doan huyen doan|quan doan va huyen doan|quan va huyen doan)\b", k2):
            self.state.approximate_groups.append((name, UnitGroup.DIRECT_UNITS.value))
            return UnitGroup.DIRECT_UNITS.value
        if re.match(r"ban( va)? van phong\b|ban vp\b", k2) or (
            plural and re.fullmatch(r"ban( chuyen mon)?( thanh doan)?", k2)
        ):
            return UnitGroup.DEPARTMENTS.value
        if k2.startswith("don vi su nghiep"):
            return UnitGroup.INSTITUTIONS.value
        if k2.startswith("doanh nghiep") and (plural or "truc thuoc" in k2 or k2 == "doanh nghiep"):
            return UnitGroup.ENTERPRISES.value
        if re.match(r"co so doan\b", k2) or re.match(r"doan (phuong|xa|thi tran) (xa|thi tran)\b", k2):
            return UnitGroup.GRASSROOTS.value
        if plural and re.match(r"doan (phuong|xa|thi tran)\b", k2):
            return UnitGroup.GRASSROOTS.value
        if plural and k2.startswith("chi doan"):
            return UnitGroup.BRANCHES.value
        return None

    def groups_in_subject(self, p: Para) -> tuple[list[str], list[str]]:
        """Groups and units named before the verb of a paragraph: 'Các Ban - Văn phòng, … căn cứ …'."""
        body = p.body
        m = re.search(
            r"(?<!\w)(gửi|nộp|báo cáo|hoàn thành|căn cứ|chủ động|triển khai|tổ chức|thực hiện|đăng ký|có trách nhiệm|"
            r"tham mưu|theo dõi|phối hợp|chịu trách nhiệm|xây dựng|cập nhật)(?!\w)",
            body,
            re.I,
        )
        if m:
            subject = body[: m.start()]
        else:
            colon = body.find(":")
            subject = body[:colon] if colon > 0 else body
        groups: list[str] = []
        units: list[str] = []
        if not subject.strip():
            return groups, units
        start = p.bstart
        for s, e in self.split_names(start, subject, 0, strict=False):
            name = self.state.slice(s, e)
            g = self.group_of(name)
            if g:
                if g not in groups:
                    groups.append(g)
                continue
            code = self.state.directory.match(name)
            if code and code not in units and code != self.state.issuer_unit:
                units.append(code)
        return groups, units

    # -- period, audience ---------------------------------------------------------------------

    # -- organisation: steering, coordinator, duties, milestones --------------------------------
    def org_paras(self) -> list[Para]:
        out: list[Para] = []
        for p in sorted({id(n): n for n in self.state.org_nodes}.values(), key=lambda q: q.start):
            out.append(p)
            out.extend(p.extras)
        return sorted({id(p): p for p in out}.values(), key=lambda q: q.start)

    def read_organisation(self) -> dict:
        out = {"steering_committee": None, "coordinator": None, "unit_duties": None}
        org = self.org_paras()
        steering_para = coordinator_para = None
        for p in org:
            f = fold(p.body)
            if "ban chi dao" in f and out["steering_committee"] is None:
                m = re.match(r"(.+?)\s+(?:là|làm)\s+(?:Trưởng\s+)?Ban\s+[Cc]hỉ\s+đạo", p.body)
                if m:
                    s, e = p.bstart, p.bstart + m.end(1)
                else:
                    m = re.search(r"Ban\s+[Cc]hỉ\s+đạo[^:]{0,60}(?:gồm|:)\s*(.+)", p.body)
                    s, e = (p.bstart + m.start(1), p.end) if m else (p.bstart, p.end)
                s, e = trim_value(self.state.text, s, e)
                out["steering_committee"] = self.state.slice(s, e)
                self.state.span("steering_committee", s, e)
                steering_para = p
        for p in org:
            if p is steering_para or self.milestone_of(p):
                continue
            f = fold(p.body)
            if not re.search(r"theo doi|thuong truc|dau moi|tong hop|tham muu", f):
                continue
            m = re.match(
                r"(.+?)\s+(?:phối hợp|chủ trì|là\s|có trách nhiệm|tham mưu|theo dõi|thường trực|làm\s)", p.body
            )
            if not m:
                continue
            code = self.state.directory.match(m.group(1))
            if code and self.state.directory.root and code != self.state.directory.root["code"]:
                s, e = strip_span(self.state.text, p.bstart, p.end, " \t\n")
                out["coordinator"] = {"unit": code, "duties": self.state.slice(s, e)}
                self.state.span("coordinator.unit", p.bstart, p.bstart + m.end(1))
                self.state.span("coordinator.duties", s, e)
                coordinator_para = p
                break
        # What every unit must do: paragraphs addressed to groups of units, without the deadlines.
        duties: list[Para] = []
        for p in org:
            if p in (steering_para, coordinator_para) or p.region != "body":
                continue
            if p.parent is not None and p.parent in duties:
                if not self.is_submission(p):
                    duties.append(p)
                continue
            if p in [x for d in duties for x in d.extras] and not self.is_submission(p):
                duties.append(p)
                continue
            groups, _units = self.groups_in_subject(p)
            if groups and not self.is_submission(p):
                duties.append(p)
        if duties:
            out["unit_duties"] = "\n".join(p.text for p in duties)
            self.state.span("unit_duties", duties[0].start, duties[-1].end)
        return out

    def is_submission(self, p: Para) -> bool:
        return bool(
            self.milestone_of(p) or EMAIL_RE.search(p.body) or re.search(r"thoi gian sau|cac moc", fold(p.body))
        )

    def milestone_of(self, p: Para) -> _Deadline | None:
        """The deadline a paragraph sets for a document ("Báo cáo sơ kết: trước 11g00 ngày …"), if any."""
        if p.section in ("activities", "goals", "period", "audience", "time_audience") or p.region != "body":
            return None
        body = p.body
        for kw in _DEADLINE_RE.finditer(body):
            window = body[kw.end() : kw.end() + 90]
            dates = find_dates(window)
            if not dates:
                continue
            d = dates[0]
            gap = window[: d.start]
            label, label_start, rest_at = body[: kw.start()], 0, 0
            doc = re.match(r"([^.;:]{1,60}?):", gap)
            if doc and _DOCUMENT_RE.search(doc.group(1)):  # "Hạn chót gửi kế hoạch: 17g00 ngày …"
                label, label_start, rest_at = doc.group(1), kw.end() + doc.start(1), doc.end()
            rest = gap[rest_at:]
            stripped = WEEKDAY_RE.sub(" ", TIME_RE.sub(" ", rest))
            if not re.fullmatch(r"[\s,():]*(?:(?i:ngày|lúc|vào|hết|sáng|chiều)[\s,():]*)*", stripped):
                continue
            context = fold(body[: kw.start()]) + " " + fold(p.parent.body if p.parent else "")
            if not _DOCUMENT_RE.search(label) and not re.search(r"\b(gui|nop)\b", context):
                continue
            return _Deadline(kw.start(), kw.end(), d, TIME_RE.search(rest), gap, label, label_start)
        return None

    def read_milestones(self, submission_email: str | None, issuer_is_city: bool) -> None:
        counts: Counter = Counter()
        others = 0
        for p in self.state.paras:
            found = self.milestone_of(p)
            if not found:
                continue
            d, time, gap = found.date, found.time, found.gap
            body = p.body
            base = p.bstart
            f = fold(found.label)
            if re.search(r"dang ky thi dua|ban dang ky thi dua|dang ky chi tieu", fold(body)):
                kind = "registration"
            elif "so ket" in f:
                kind = "midterm"
            elif "tong ket" in f:
                kind = "final"
            elif re.search(r"\bke hoach\b", f):
                kind = "plan"
            else:
                kind = "other"
            date_start = found.kw_end + d.start
            year = d.year or year_within_period(self.state, d)
            where_index = len(self.state.milestones) + 1
            if year is None:
                continue
            if d.year is None:
                self.state.late.append(
                    Finding(
                        "year_assumed",
                        f"milestones[{where_index}]" if kind != "registration" else "registration_deadline",
                        _("No year is written: %(year)s is assumed.") % {"year": year},
                        "",
                    )
                )
            resolved = d.resolve(year)
            if not resolved:
                continue
            day = resolved[1]
            if time:
                hour = int(time["h"])
                minute = int(time["m1"] or time["m2"] or time["m3"] or 0)
                if hour > 23 or minute > 59:
                    hour, minute = DEFAULT_DEADLINE_TIME
            else:
                hour, minute = DEFAULT_DEADLINE_TIME
            deadline = vn_datetime(day, hour, minute).isoformat()
            text_end = found.kw_end + d.end
            wd = weekday_near(body, WrittenDate(date_start, found.kw_end + d.end, d.day, d.month, d.year))
            weekday = None
            if wd is None:
                m = WEEKDAY_RE.search(gap)
                if m:
                    wd = (found.kw_end + m.start(), found.kw_end + m.end())
            if wd:
                weekday = body[wd[0] : wd[1]]
                if wd[1] > text_end:
                    close = body.find(")", wd[1])
                    text_end = close + 1 if 0 <= close - wd[1] <= 2 else wd[1]
            deadline_text = body[found.start : text_end].strip()
            if kind == "registration":
                if self.state.registration is None:
                    self.state.registration = (deadline, base + found.start, base + text_end)
                continue
            # Title: the document named ("Báo cáo sơ kết"), else the label.
            label = found.label.strip(" -–:,;")
            label_at = base + found.label_start + found.label.find(label) if label else base
            m = re.search(
                r"(?<!\w)(kế hoạch|báo cáo|danh sách|hồ sơ|bảng đăng ký|bản đăng ký|đăng ký|văn bản|tờ trình|bài dự thi|"
                r"sản phẩm|số liệu|đề xuất)(?!\w)",
                label,
                re.I,
            )
            title_start = title_end = None
            if m:
                tail = label[m.start() :]
                stop = re.search(
                    r"(?<!\w)(gửi|về|qua|cho|trước|chậm|hạn|tại|nộp|theo|bằng|của các|lên)(?!\w)|[,;:(]",
                    tail[len(m.group(0)) :],
                    re.I,
                )
                title = tail[: len(m.group(0)) + (stop.start() if stop else len(tail))].strip()
                title_start = label_at + m.start()
                title_end = title_start + len(title)
            else:
                title = label or {"plan": "Kế hoạch", "midterm": "Báo cáo sơ kết", "final": "Báo cáo tổng kết"}.get(
                    kind, ""
                )
                if label:
                    title_start, title_end = label_at, label_at + len(label)
            title = capitalise(title.strip()) or "Văn bản"
            if len(title) > 200:
                title = title[:197].rsplit(" ", 1)[0] + "…"
            if kind == "other":
                others += 1
                code = f"M{others}"
            else:
                prefix = {"plan": "KH", "midterm": "SK", "final": "TK"}[kind]
                counts[kind] += 1
                code = prefix if counts[kind] == 1 else f"{prefix}{counts[kind]}"
            where = f"milestones[{where_index}]"
            # Who sends it: groups named in the paragraph or its ancestors.
            groups, units = [], []
            node: Para | None = p
            while node is not None and not groups and not units:
                groups, units = self.groups_in_subject(node)
                node = node.parent
            if not groups and not units:
                groups = [UnitGroup.DIRECT_UNITS.value if issuer_is_city else UnitGroup.GRASSROOTS.value]
            email = None
            node = p
            while node is not None and email is None:
                m = EMAIL_RE.search(node.body)
                email = m.group(0) if m else None
                node = node.parent
            submit_to = email or submission_email
            if title_start is not None:
                self.state.span(f"{where}.title", title_start, title_end)
            self.state.span(f"{where}.deadline", base + found.start, base + text_end)
            self.state.span(f"{where}.deadline_text", base + found.start, base + text_end)
            if wd:
                self.state.span(f"{where}.weekday", base + wd[0], base + wd[1])
            self.state.milestones.append(
                {
                    "code": code,
                    "kind": kind,
                    "title": title,
                    "deadline": deadline,
                    "deadline_text": deadline_text,
                    "weekday": weekday,
                    "submit_to": submit_to,
                    "reviewer": None,
                    "expected": {"groups": groups, "units": units},
                }
            )

    # -- footer -------------------------------------------------------------------------------

    # -- the whole ----------------------------------------------------------------------------
    def run(self) -> ImportResult:
        issuer = read_header(self.state)
        distribution, signature = read_footer(self.state)
        settle_issuer(self.state, issuer, signature["on_behalf"], self.issuer_code_arg)
        issuer_is_city = self.state.directory.kind(issuer["unit"]) in (None, UnitKind.CITY)

        title, theme = read_title(self.state)
        self.state.plan_year = find_plan_year(self.state, issuer, title or "")

        outline = build_outline(self.state)
        context, roots, closing = outline.context, outline.roots, outline.closing
        self.walk(roots, None)
        if theme is None:
            theme = theme_in_context(self.state, context)
        context_text = None
        if context:
            s, e = context[0].start, context[-1].end
            context_text = self.state.slice(s, e)
            self.state.span("context", s, e)
        period = read_period(self.state, context)
        settle_period_range(self.state, period, issuer["date"])
        audience = read_audience(self.state)
        submission_email = None
        for p in [*self.org_paras(), *[q for q in self.state.paras if q.region == "body"]]:
            m = EMAIL_RE.search(p.text)
            if m:
                submission_email = m.group(0)
                self.state.span("submission_email", p.start + m.start(), p.start + m.end())
                break
        org = self.read_organisation()
        if org["coordinator"] is None and submission_email:
            for p in self.state.paras:
                if submission_email in p.text:
                    m = re.search(
                        r"(?:qua|về|cho|đến)\s+((?:Ban|Văn phòng|Trung tâm)[^(,;:.]+?)\s*(?:\(|,|$|\s-\s)", p.text
                    )
                    code = self.state.directory.match(m.group(1)) if m else None
                    if code and code != issuer["unit"]:
                        org["coordinator"] = {"unit": code, "duties": None}
                        self.state.span("coordinator.unit", p.start + m.start(1), p.start + m.end(1))
                    break
        self.read_milestones(submission_email, issuer_is_city)
        closing_text = None
        if closing:
            s, e = closing[0].start, closing[-1].end
            closing_text = self.state.slice(s, e)
            self.state.span("closing_text", s, e)
        registration = None
        if self.state.registration:
            registration = self.state.registration[0]
            self.state.span("registration_deadline", self.state.registration[1], self.state.registration[2])

        warn_unknown_period(self.state, period)
        slug = self.slug_arg or campaign_slug(self.state, title, theme)
        definition = {
            "format": FORMAT,
            "slug": slug,
            "status": "draft",
            "title": title or "Kế hoạch (không có tiêu đề)",
            "theme": theme,
            "context": context_text,
            "issuer": issuer,
            "period": period,
            "audience": audience,
            "steering_committee": org["steering_committee"],
            "coordinator": org["coordinator"] or {"unit": None, "duties": None},
            "unit_duties": org["unit_duties"],
            "submission_email": submission_email,
            "registration_deadline": registration,
            "goals": self.state.goals,
            "activities": self.state.activities,
            "indicators": [],
            "milestones": self.state.milestones,
            "closing_text": closing_text,
            "distribution": distribution,
            "signature": signature,
        }
        validate(definition)
        reported = {f.where for f in self.state.late if f.code == "unit_not_in_directory"}
        checks = [
            f
            for f in check_definition(definition)
            if not (f.code == "unit_not_in_directory" and f.where in reported)
            and not (f.code == "period_start_unknown" and period["start"] is None)
        ]
        warnings = [*self.state.early, *checks, *self.state.late]
        return ImportResult(self.state.text, definition, self.state.spans, warnings, self.state.suggestions)


def import_text(text: str, *, issuer_code: str | None = None, slug: str | None = None) -> ImportResult:
    """Read a plan's text and return the draft definition, where each field came from and the warnings."""
    return _Importer(text, issuer_code, slug).run()
