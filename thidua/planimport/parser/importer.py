"""The importer proper: sections, goals, activities, assignments, milestones, the rest."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from thidua.campaigns.checks import Finding, check_definition
from thidua.campaigns.definition import FORMAT, validate
from thidua.core.text import fold
from thidua.core.timeutils import vn_datetime
from thidua.planimport.parser.assignments import groups_in_subject
from thidua.planimport.parser.dates import TIME_RE, WEEKDAY_RE, WrittenDate, find_dates, weekday_near
from thidua.planimport.parser.footer import read_footer
from thidua.planimport.parser.header import read_header, settle_issuer
from thidua.planimport.parser.outline import (
    build_outline,
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
from thidua.planimport.parser.sections import walk
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.text import (
    EMAIL_RE,
    capitalise,
    strip_span,
    trim_value,
)
from thidua.planimport.parser.title import campaign_slug, find_plan_year, read_title, theme_in_context
from thidua.units.models import UnitGroup, UnitKind

# --- 4. the importer ------------------------------------------------------------------------------

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

    # -- goals --------------------------------------------------------------------------------

    # -- activities ---------------------------------------------------------------------------

    # -- assignments --------------------------------------------------------------------------

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
            groups, _units = groups_in_subject(self.state, p)
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
                groups, units = groups_in_subject(self.state, node)
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
        context, closing = outline.context, outline.closing
        walk(self.state, outline.roots, None)
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
