"""The mid-term and final summary reports (báo cáo sơ kết / tổng kết) from the live data: goal by
goal the indicators' city-wide totals (the dashboards' roll-ups, latest or approved only — in the
mid-term report, once its deadline has passed, as they stood at that deadline), the
activities carried out, the documents received on time / late / missing per deadline, the
initiatives, each emulation cluster's ranking and, in the final report, the commendation.

Every figure comes from the queries the pages use (thidua.progress.queries, submissions.queries,
commendation.scoring), so the report and the screens always agree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max

from thidua.campaigns.models import Campaign, Indicator, Milestone
from thidua.commendation import scoring
from thidua.commendation.models import Proposal
from thidua.core import timeutils
from thidua.core.templatetags.thidua import number
from thidua.documents.layout import Table, Writer, short_date, stamp_of
from thidua.documents.plan import header_of, signature_of
from thidua.initiatives.models import Initiative
from thidua.progress import queries as progress
from thidua.progress.models import ActivityEvent, SignOff
from thidua.submissions import queries as submissions
from thidua.units.models import Unit

MIDTERM, FINAL = "midterm", "final"


def units_concerned(campaign: Campaign) -> int:
    """The units a report goes through (the issuer's subtree: reporting rates, rankings): what its
    writing time grows with."""
    return Unit.objects.subtree(campaign.issuer_unit).count()


def build_midterm(campaign: Campaign, options) -> bytes:
    return _build(campaign, options, MIDTERM)


def build_final(campaign: Campaign, options) -> bytes:
    return _build(campaign, options, FINAL)


# --- the figures, as the report states them ------------------------------------------------------------


def figures_at(campaign: Campaign, kind: str, options) -> tuple[dt.datetime | None, Milestone | None]:
    """The instant the report's figures stand at, and the milestone it is the deadline of: the
    option when given; for the mid-term report, once the mid-term deadline has passed, that deadline
    (the figures the units had reported by then, not those entered for the final report since);
    otherwise (None, None): the latest figures."""
    if options.as_of is not None:
        return options.as_of, None
    if kind == MIDTERM:
        midterm = campaign.milestones.filter(kind=Milestone.Kind.MIDTERM).order_by("deadline").first()
        if midterm is not None and not timeutils.is_on_time(options.now, midterm.deadline):
            return midterm.deadline, midterm
    return None, None


def figures_date(campaign: Campaign, approved_only: bool) -> dt.date | None:
    """The day of the latest figure counted: the last change, or the last approval."""
    if approved_only:
        latest = SignOff.objects.filter(campaign=campaign, status=SignOff.Status.APPROVED).aggregate(
            t=Max("decided_at")
        )["t"]
    else:
        latest = progress.as_of(campaign, campaign.issuer_unit)
    return timeutils.local(latest).date() if latest else None


def figures_line(
    campaign: Campaign, approved_only: bool, at: dt.datetime | None = None, milestone: Milestone | None = None
) -> str:
    if at is not None:
        when = timeutils.local(at)
        moment = f"{when:%H}g{when:%M} ngày {short_date(when.date())}"
        if milestone is not None:
            moment = f"hạn gửi {_lower_first(milestone.title)} ({moment})"
        if approved_only:
            return f"Số liệu đã được xác nhận (phê duyệt) tính đến {moment}."
        return f"Số liệu tính đến {moment}."
    day = figures_date(campaign, approved_only)
    if day is None:
        return "Chưa có số liệu đã được xác nhận." if approved_only else "Chưa có đơn vị nào báo cáo số liệu."
    if approved_only:
        return f"Số liệu đã được xác nhận (phê duyệt) tính đến ngày {short_date(day)}."
    return f"Số liệu tính đến ngày {short_date(day)}."


def indicator_row(indicator: Indicator, fig: progress.Figure) -> list[str]:
    value = "Chưa báo cáo" if fig.value is None else scoring.progress_value(indicator, fig.value)
    target = scoring.progress_value(indicator, indicator.target_value) if indicator.target_value is not None else "—"
    reached = f"{number(fig.progress)} %" if fig.progress is not None else "—"
    return [indicator.name, value, target, reached, f"{number(fig.reported)}/{number(fig.expected)}"]


INDICATOR_HEADERS = ["Chỉ tiêu", "Kết quả", "Chỉ tiêu đề ra", "Đạt (%)", "Đơn vị đã báo cáo"]


def _indicator_table(writer: Writer, indicators, figures: dict[int, progress.Figure]) -> None:
    rows = [indicator_row(i, figures[i.pk]) for i in indicators]
    writer.table(Table(INDICATOR_HEADERS, rows, widths_mm=[62, 28, 25, 20, 30], numeric={1, 2, 3, 4}))


@dataclass
class Rates:
    milestone: Milestone
    summary: submissions.Summary


def reporting_rates(campaign: Campaign, kind: str, now: dt.datetime) -> list[Rates]:
    """Per deadline: units expected, received on time, late, missing, exempted (the board's summary).
    The mid-term report stops at the mid-term deadline."""
    milestones = list(campaign.milestones.all())
    if kind == MIDTERM:
        midterm = [m for m in milestones if m.kind == Milestone.Kind.MIDTERM]
        if midterm:
            milestones = [m for m in milestones if m.deadline <= midterm[0].deadline]
    rates = []
    for milestone in milestones:
        ids = submissions.expected_units(milestone, campaign).values_list("pk", flat=True)
        rates.append(Rates(milestone, submissions.summarise(submissions.statuses(milestone, ids, now=now))))
    return rates


def _percent(value) -> str:
    return "—" if value is None else f"{number(value)} %"


def rates_table(rates: list[Rates]) -> Table:
    rows = []
    for r in rates:
        s = r.summary
        deadline = timeutils.local(r.milestone.deadline)
        rows.append(
            [
                r.milestone.title,
                f"{deadline:%H}g{deadline:%M} {short_date(deadline.date())}",
                number(s.expected),
                number(s.on_time),
                number(s.late),
                number(s.missing),
                number(s.awaiting),
                number(s.exempted),
                _percent(s.reporting_rate),
                _percent(s.on_time_rate),
            ]
        )
    headers = ["Văn bản", "Hạn nộp", "Phải nộp", "Đúng hạn", "Trễ hạn", "Chưa nộp", "Chưa đến hạn", "Miễn"]
    return Table(
        [*headers, "Tỷ lệ đã nộp", "Tỷ lệ đúng hạn"],
        rows,
        widths_mm=[24, 20, 14, 14, 13, 14, 15, 12, 18, 21],
        numeric=set(range(2, 10)),
    )


def initiative_counts(campaign: Campaign) -> dict[str, int]:
    """Official initiatives (sent with an account, or screened): sent, feasible, forwarded, adopted."""
    official = Initiative.objects.official().filter(campaign=campaign)
    by_status = dict(official.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    counted = {s: n for s, n in by_status.items() if s not in (Initiative.Status.PENDING, Initiative.Status.MERGED)}
    forwarded = (
        Initiative.Status.FORWARDED,
        Initiative.Status.PILOTED,
        Initiative.Status.ADOPTED,
        Initiative.Status.DECLINED,
    )
    return {
        "sent": sum(counted.values()),
        "feasible": sum(counted.get(s, 0) for s in Initiative.FEASIBLE_STATUSES),
        "forwarded": sum(counted.get(s, 0) for s in forwarded),
        "adopted": counted.get(Initiative.Status.ADOPTED, 0),
    }


def ranking_table(ranked: list[scoring.Score]) -> Table:
    rows = [[str(s.rank), s.unit.name, number(s.total), number(s.max_total), f"{number(s.percent)} %"] for s in ranked]
    return Table(
        ["Hạng", "Đơn vị", "Điểm", "Tối đa", "Tỷ lệ"], rows, widths_mm=[15, 80, 22, 22, 26], numeric={0, 2, 3, 4}
    )


# --- the document -------------------------------------------------------------------------------------


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _build(campaign: Campaign, options, kind: str) -> bytes:
    label = "Sơ kết" if kind == MIDTERM else "Tổng kết"
    approved_only = options.approved_only
    at, milestone = figures_at(campaign, kind, options)
    writer = Writer(
        title=f"Báo cáo {label.lower()} {campaign.title}",
        subject=campaign.theme,
        author=campaign.issuer_name,
        stamp=stamp_of(at or figures_date(campaign, approved_only) or campaign.period_end),
    )
    writer.header(header_of(campaign, "BC"))
    writer.title("BÁO CÁO", f"{label} {_lower_first(campaign.title)}")
    plan = f"Kế hoạch số {campaign.document_number}" if campaign.document_number else "Kế hoạch"
    issuer = campaign.issuer_name or campaign.issuer_unit.name
    writer.paragraph(
        f"Thực hiện {plan} của {issuer} về {_lower_first(campaign.title)}, "
        f"{issuer} báo cáo {label.lower()} kết quả thực hiện như sau:"
    )
    writer.paragraph(figures_line(campaign, approved_only, at, milestone), italic=True)
    # Every indicator's city-wide figure at once (a few queries, not a few per table).
    every = list(campaign.indicators.all())
    figures = {
        f.indicator.pk: f for f in progress.figures_as(every, campaign.issuer_unit, approved=approved_only, at=at)
    }
    section = _Sections(writer)
    section("KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU")
    options.progress(5)
    for index, goal in enumerate(campaign.goals.prefetch_related("indicators"), start=1):
        writer.paragraph(f"{index}. {goal.text}", bold=False)
        indicators = list(goal.indicators.all())
        if indicators:
            _indicator_table(writer, indicators, figures)
        else:
            writer.paragraph("(Mục tiêu chưa có chỉ tiêu đo lường trong đợt thi đua.)", italic=True)
    options.progress(20)
    _activities(writer, section, campaign, figures)
    options.progress(35)
    section("TÌNH HÌNH GỬI VĂN BẢN CỦA CÁC ĐƠN VỊ")
    writer.table(rates_table(reporting_rates(campaign, kind, options.now)), size=10)
    options.progress(60)
    _initiatives(writer, section, campaign)
    _clusters(writer, section, campaign, kind, options.now, at)
    options.progress(95)
    if kind == FINAL:
        _commendation(writer, section, campaign)
    section("ĐÁNH GIÁ CHUNG VÀ ĐỀ XUẤT")
    for heading in ("1. Ưu điểm:", "2. Hạn chế:", "3. Đề xuất, kiến nghị:"):
        writer.paragraph(heading, bold=True)
        writer.paragraph("…")
    writer.closing(campaign.distribution, signature_of(campaign))
    return writer.to_bytes()


class _Sections:
    ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]

    def __init__(self, writer: Writer):
        self.writer, self.count = writer, 0

    def __call__(self, title: str) -> None:
        self.writer.heading(f"{self.ROMAN[self.count]}. {title}:")
        self.count += 1


def _activities(writer: Writer, section, campaign: Campaign, figures: dict[int, progress.Figure]) -> None:
    section("KẾT QUẢ CÁC CÔNG VIỆC CỤ THỂ")
    events = dict(
        ActivityEvent.objects.filter(campaign=campaign, withdrawn_at__isnull=True)
        .values("activity_id")
        .annotate(n=Count("pk"))
        .values_list("activity_id", "n")
    )
    units = dict(
        ActivityEvent.objects.filter(campaign=campaign, withdrawn_at__isnull=True)
        .values("activity_id")
        .annotate(n=Count("unit", distinct=True))
        .values_list("activity_id", "n")
    )
    for index, activity in enumerate(campaign.activities.prefetch_related("indicators"), start=1):
        writer.paragraph(f"{index}. {activity.title}", bold=True)
        count = events.get(activity.pk, 0)
        indicators = list(activity.indicators.all())
        if count:
            writer.paragraph(
                f"Nhật ký hoạt động: {number(count)} hoạt động của {number(units.get(activity.pk, 0))} đơn vị."
            )
        elif not indicators:
            writer.paragraph("Chưa có đơn vị nào ghi nhận hoạt động.")
        if indicators:
            _indicator_table(writer, indicators, figures)
    others = list(campaign.indicators.filter(goal__isnull=True, activity__isnull=True))
    if others:  # indicators the coordinator added that belong to no goal and no activity
        writer.paragraph("Các chỉ tiêu khác", bold=True)
        _indicator_table(writer, others, figures)


def _initiatives(writer: Writer, section, campaign: Campaign) -> None:
    counts = initiative_counts(campaign)
    if not counts["sent"]:
        return
    section("SÁNG KIẾN CỦA CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC TRẺ")
    writer.table(
        Table(
            ["Sáng kiến đã gửi", "Được đánh giá khả thi", "Đã chuyển sở, ngành", "Được áp dụng"],
            [[number(counts[k]) for k in ("sent", "feasible", "forwarded", "adopted")]],
            numeric={0, 1, 2, 3},
        )
    )


def _clusters(writer: Writer, section, campaign: Campaign, kind: str, now, at) -> None:
    clusters = list(campaign.clusters.all())
    if not clusters or not campaign.criteria.exists():
        return
    section("KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG THEO CỤM, KHỐI THI ĐUA")
    if kind == MIDTERM:
        writer.paragraph("Kết quả tạm tính tại thời điểm sơ kết.", italic=True)
    rankings = scoring.rankings(campaign, clusters, now=now, figures_at=at)  # the indicators as the tables show them
    for index, cluster in enumerate(clusters, start=1):
        ranked = rankings[cluster.pk]
        writer.paragraph(f"{index}. {cluster.name} ({number(len(ranked))} đơn vị)", bold=True)
        if ranked:
            writer.table(ranking_table(ranked))


def _commendation(writer: Writer, section, campaign: Campaign) -> None:
    decisions = list(campaign.decisions.order_by("signed_on", "id"))
    pending = Proposal.objects.filter(
        campaign=campaign, status__in=[Proposal.Status.SUBMITTED, Proposal.Status.APPROVED]
    ).count()
    if not decisions and not pending:
        return
    section("CÔNG TÁC KHEN THƯỞNG")
    for decision in decisions:
        granted = list(decision.proposals.filter(status=Proposal.Status.DECIDED))
        collectives = sum(1 for p in granted if not p.is_individual)
        writer.paragraph(
            f"- Quyết định số {decision.number} ngày {short_date(decision.signed_on)}: khen thưởng "
            f"{number(collectives)} tập thể và {number(len(granted) - collectives)} cá nhân."
        )
    if pending:
        writer.paragraph(f"- Đang trình Ban Thường vụ xem xét: {number(pending)} đề nghị khen thưởng.")
