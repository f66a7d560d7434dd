"""Scores from live data: each unit's points on every criterion of the campaign's criteria set,
with the inputs and the formula that gave them, and the ranking inside each emulation cluster.

The formulas (docs/commendation.md says the same, in Vietnamese, on the ranking page):

- indicator: points = max × min(attainment, 100 %) where attainment is the unit's figure (its whole
  subtree, as the dashboards show it) against the indicator's target for a percentage, or against
  the unit's own registered commitment for a count; "lower is better" indicators the right way
  round. No commitment or target, or nothing reported: 0 points, said so. A unit whose subtree does
  not report the indicator: the line does not apply.
- documents: each document the unit must send counts 1 if received on time, ½ if late, 0 if
  missing; exempted documents and those whose deadline is still ahead do not count;
  points = max × (sum ÷ documents counted).
- registration: registered before the registration deadline: max; registered later (on behalf
  of the unit): ½ max; not registered: 0.
- activities: of the activities the unit leads (by name or through its group), the share it
  logged at least one event for (its own or its subtree's): points = max × done ÷ led.
- initiatives: feasible initiatives from the unit's subtree (official ones only: sent with an
  account or screened): points = max × min(count ÷ target, 1), target 1 unless the criterion says.
- manual: the reviewer's points; before review, the unit's own (marked provisional); capped at max.
  Both are kept on the line, so the pages show them side by side with what the review changed.

Total = the applicable lines' points + bonuses − penalties; percent = total ÷ the applicable lines'
maximum. Ranking in a cluster: percent, then (tie rule) each criterion's points in the criteria
set's order, then the unit's name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from thidua.campaigns.models import Assignment, Campaign, Cluster, Criterion, Indicator, kinds_of_groups
from thidua.commendation.models import Adjustment, AssessmentLine
from thidua.core import timeutils
from thidua.core.templatetags.thidua import number
from thidua.initiatives.models import Initiative
from thidua.progress import queries as progress
from thidua.progress.models import ActivityEvent
from thidua.submissions import queries as submissions
from thidua.submissions.models import Registration
from thidua.units.models import Unit

ZERO = Decimal(0)
HALF = Decimal("0.5")
CENT = Decimal("0.01")


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Line:
    criterion: Criterion
    points: Decimal
    applicable: bool = True
    explanation: str = ""
    provisional: bool = False  # a manual line scored by the unit itself, not yet reviewed
    # A manual line, side by side: the unit's own points (once sent for review), the reviewer's.
    self_points: Decimal | None = None
    reviewed_points: Decimal | None = None
    review_note: str = ""

    @property
    def max_points(self) -> Decimal:
        return self.criterion.max_points

    @property
    def review_change(self) -> Decimal | None:
        """What the review changed: reviewed − self-assessed points (−2 when the reviewer lowered them)."""
        if self.self_points is None or self.reviewed_points is None:
            return None
        return self.reviewed_points - self.self_points


@dataclass
class Score:
    unit: Unit
    lines: list[Line]
    adjustments: list[Adjustment] = field(default_factory=list)
    rank: int | None = None

    @property
    def adjustment_total(self) -> Decimal:
        return sum((a.points for a in self.adjustments), ZERO)

    @property
    def total(self) -> Decimal:
        return _round(sum((line.points for line in self.lines if line.applicable), ZERO) + self.adjustment_total)

    @property
    def max_total(self) -> Decimal:
        return sum((line.max_points for line in self.lines if line.applicable), ZERO)

    @property
    def percent(self) -> Decimal:
        return _round(100 * self.total / self.max_total) if self.max_total else ZERO

    def sort_key(self):
        return (-self.percent, *[-(line.points if line.applicable else ZERO) for line in self.lines], self.unit.name)


def _share(max_points: Decimal, done: Decimal, out_of: Decimal) -> Decimal:
    return _round(max_points * min(done / out_of, Decimal(1))) if out_of else ZERO


# --- one criterion, for many units at once ----------------------------------------------------------


class _Context:
    """What every formula needs for a set of units, fetched once. `figures_at`: the indicators'
    figures as they stood at that instant (the mid-term report's), the latest by default."""

    def __init__(self, campaign: Campaign, units: list[Unit], now, figures_at=None):
        self.campaign, self.units, self.now, self.figures_at = campaign, units, now, figures_at
        self.ids = [u.pk for u in units]
        self.indicators = {i.code: i for i in campaign.indicators.all()}


def _indicator_lines(ctx: _Context, criterion: Criterion) -> dict[int, Line]:
    indicator = ctx.indicators.get(criterion.indicator_code)
    if indicator is None:
        return {u.pk: Line(criterion, ZERO, False, _("The indicator is not in the campaign.")) for u in ctx.units}
    figures = progress.unit_figures(indicator, ctx.units, at=ctx.figures_at)
    commitments = progress.latest_commitments(indicator, ctx.ids)
    lines = {}
    for unit in ctx.units:
        figure = figures[unit.pk]
        if not (figure.expected or figure.reported):  # the unit's subtree does not report it
            lines[unit.pk] = Line(criterion, ZERO, False, _("Does not report this indicator."))
            continue
        cell = progress.Cell(indicator=indicator, figure=figure, commitment=commitments.get(unit.pk))
        lines[unit.pk] = _attainment_line(criterion, indicator, cell)
    return lines


def _attainment_line(criterion: Criterion, indicator: Indicator, cell) -> Line:
    value = cell.figure.value
    if value is None:
        return Line(criterion, ZERO, True, _("Nothing reported yet."))
    shown = progress_value(indicator, value)
    if not cell.reference:
        if indicator.kind == Indicator.Kind.COUNT:
            return Line(
                criterion, ZERO, True, _("%(value)s, but no commitment registered to judge it by.") % {"value": shown}
            )
        return Line(criterion, ZERO, True, _("%(value)s; the indicator has no target.") % {"value": shown})
    attainment = cell.attainment
    points = _round(criterion.max_points * min(attainment, Decimal(100)) / 100)
    against = _("commitment") if indicator.kind == Indicator.Kind.COUNT else _("target")
    return Line(
        criterion,
        points,
        True,
        _("%(value)s against a %(against)s of %(reference)s: %(attainment)s %%.")
        % {
            "value": shown,
            "against": against,
            "reference": progress_value(indicator, cell.reference),
            "attainment": number(attainment),
        },
    )


def progress_value(indicator: Indicator, value: Decimal) -> str:
    """1.234 or 85,5 %, as the dashboards write it."""
    return f"{number(value)} %" if indicator.kind != Indicator.Kind.COUNT else number(value)


def _documents_lines(ctx: _Context, criterion: Criterion) -> dict[int, Line]:
    sums = {pk: [ZERO, 0, 0, 0] for pk in ctx.ids}  # points, counted, on time, late
    for milestone in ctx.campaign.milestones.all():
        expected = set(
            submissions.expected_units(milestone, ctx.campaign).filter(pk__in=ctx.ids).values_list("pk", flat=True)
        )
        for unit_id, state in submissions.statuses(milestone, expected, now=ctx.now).items():
            entry = sums[unit_id]
            if state.status == submissions.Status.ON_TIME:
                entry[0] += 1
                entry[2] += 1
            elif state.status == submissions.Status.LATE:
                entry[0] += HALF
                entry[3] += 1
            elif state.status != submissions.Status.MISSING:
                continue  # exempted, or not yet due
            entry[1] += 1
    lines = {}
    for pk, (points, counted, on_time, late) in sums.items():
        if not counted:
            lines[pk] = Line(criterion, ZERO, False, _("No document judged yet."))
            continue
        lines[pk] = Line(
            criterion,
            _share(criterion.max_points, points, Decimal(counted)),
            True,
            _("%(on_time)s on time, %(late)s late, %(missing)s missing, of %(n)s documents due.")
            % {"on_time": on_time, "late": late, "missing": counted - on_time - late, "n": counted},
        )
    return lines


def _registration_lines(ctx: _Context, criterion: Criterion) -> dict[int, Line]:
    deadline = ctx.campaign.registration_deadline
    first = {}
    for registration in Registration.objects.filter(campaign=ctx.campaign, unit_id__in=ctx.ids).prefetch_related(
        "revisions"
    ):
        revisions = sorted(registration.revisions.all(), key=lambda r: r.number)
        first[registration.unit_id] = revisions[0] if revisions else None
    lines = {}
    for pk in ctx.ids:
        revision = first.get(pk)
        if revision is None:
            lines[pk] = Line(criterion, ZERO, True, _("Not registered."))
        elif deadline is None or timeutils.is_on_time(revision.created_at, deadline):
            lines[pk] = Line(
                criterion,
                criterion.max_points,
                True,
                _("Registered on %(date)s.") % {"date": _date(revision.created_at)},
            )
        else:
            lines[pk] = Line(
                criterion,
                _round(criterion.max_points * HALF),
                True,
                _("Registered on %(date)s, after the deadline.") % {"date": _date(revision.created_at)},
            )
    return lines


def _date(value) -> str:
    return timeutils.local(value).strftime("%d/%m/%Y")


def _led_activities(ctx: _Context, unit: Unit) -> list:
    led = []
    for activity in ctx.activities:
        for s in activity.assignments.all():
            if s.role != Assignment.Role.LEAD:
                continue
            if s.unit_code == unit.code or (s.group and unit.kind in kinds_of_groups([s.group])):
                led.append(activity)
                break
    return led


def _activities_lines(ctx: _Context, criterion: Criterion) -> dict[int, Line]:
    ctx.activities = list(ctx.campaign.activities.prefetch_related("assignments"))
    events = ActivityEvent.objects.filter(campaign=ctx.campaign, withdrawn_at__isnull=True).values_list(
        "activity_id", "unit__path"
    )
    done_paths = defaultdict(list)
    for activity_id, path in events:
        done_paths[activity_id].append(path)
    lines = {}
    for unit in ctx.units:
        led = _led_activities(ctx, unit)
        if not led:
            lines[unit.pk] = Line(criterion, ZERO, False, _("Leads no activity."))
            continue
        done = [a for a in led if any(p.startswith(unit.path) for p in done_paths[a.pk])]
        lines[unit.pk] = Line(
            criterion,
            _share(criterion.max_points, Decimal(len(done)), Decimal(len(led))),
            True,
            _("Carried out %(done)s of the %(led)s activities it leads.") % {"done": len(done), "led": len(led)},
        )
    return lines


def _initiatives_lines(ctx: _Context, criterion: Criterion) -> dict[int, Line]:
    target = criterion.target or Decimal(1)
    feasible = Initiative.objects.official().filter(campaign=ctx.campaign, status__in=Initiative.FEASIBLE_STATUSES)
    paths = list(feasible.values_list("unit__path", flat=True))  # one query, then counted per unit
    lines = {}
    for unit in ctx.units:
        count = sum(path.startswith(unit.path) for path in paths)
        lines[unit.pk] = Line(
            criterion,
            _share(criterion.max_points, Decimal(count), target),
            True,
            _("%(count)s feasible initiative(s), %(target)s needed for full points.")
            % {"count": count, "target": number(target)},
        )
    return lines


def _manual_lines(ctx: _Context, criterion: Criterion) -> dict[int, Line]:
    rows = {
        line.assessment.unit_id: line
        for line in AssessmentLine.objects.filter(
            assessment__campaign=ctx.campaign, assessment__unit_id__in=ctx.ids, criterion=criterion
        ).select_related("assessment")
    }
    lines = {}
    for pk in ctx.ids:
        row = rows.get(pk)
        sent = row is not None and row.assessment.status != row.assessment.Status.DRAFT
        shown = {  # a draft's points stay with the unit until it sends them
            "self_points": row.self_points if sent else None,
            "reviewed_points": row.reviewed_points if row is not None else None,
            "review_note": row.review_note if row is not None else "",
        }
        if row is not None and row.reviewed_points is not None:
            points = min(row.reviewed_points, criterion.max_points)
            lines[pk] = Line(criterion, points, True, row.review_note or _("Reviewed."), **shown)
        elif sent and row.self_points is not None:
            points = min(row.self_points, criterion.max_points)
            lines[pk] = Line(criterion, points, True, _("Self-assessed, not yet reviewed."), provisional=True, **shown)
        else:
            lines[pk] = Line(criterion, ZERO, True, _("Not scored yet."), **shown)
    return lines


FORMULAS = {
    Criterion.Source.INDICATOR: _indicator_lines,
    Criterion.Source.DOCUMENTS: _documents_lines,
    Criterion.Source.REGISTRATION: _registration_lines,
    Criterion.Source.ACTIVITIES: _activities_lines,
    Criterion.Source.INITIATIVES: _initiatives_lines,
    Criterion.Source.MANUAL: _manual_lines,
}


# --- scores and rankings -----------------------------------------------------------------------------


def scores(campaign: Campaign, units, *, now=None, figures_at=None) -> list[Score]:
    """Every unit's score, line by line (a few grouped queries per criterion, not per unit);
    `figures_at`: with the indicators' figures as they stood at that instant."""
    units = list(units)
    ctx = _Context(campaign, units, now or timeutils.now(), figures_at)
    criteria = list(campaign.criteria.all())
    by_criterion = [FORMULAS[c.source](ctx, c) for c in criteria]
    adjustments = defaultdict(list)
    for a in Adjustment.objects.filter(campaign=campaign, unit_id__in=ctx.ids, withdrawn_at__isnull=True):
        adjustments[a.unit_id].append(a)
    return [Score(unit=u, lines=[lines[u.pk] for lines in by_criterion], adjustments=adjustments[u.pk]) for u in units]


def ranking(campaign: Campaign, cluster: Cluster, *, now=None, figures_at=None) -> list[Score]:
    """The cluster's units, best first, each with its rank (the tie rule makes every rank distinct)."""
    return rankings(campaign, [cluster], now=now, figures_at=figures_at)[cluster.pk]


def rankings(campaign: Campaign, clusters, *, now=None, figures_at=None) -> dict[int, list[Score]]:
    """{cluster id: its ranking} for several clusters, every unit scored once (a unit in two
    clusters gets a rank in each)."""
    members = {c.pk: list(c.members(campaign).order_by("path")) for c in clusters}
    units = {u.pk: u for group in members.values() for u in group}
    scored = {s.unit.pk: s for s in scores(campaign, units.values(), now=now, figures_at=figures_at)}
    result = {}
    for cluster_pk, group in members.items():
        ranked = sorted(
            (Score(unit=u, lines=scored[u.pk].lines, adjustments=scored[u.pk].adjustments) for u in group),
            key=Score.sort_key,
        )
        for position, score in enumerate(ranked, start=1):
            score.rank = position
        result[cluster_pk] = ranked
    return result


def clusters_of(campaign: Campaign, unit: Unit) -> list[Cluster]:
    return [c for c in campaign.clusters.all() if c.members(campaign).filter(pk=unit.pk).exists()]
