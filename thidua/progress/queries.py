"""Reads of indicator figures: a subtree's total against its target (latest or approved only),
the breakdown by the units below, the series over time, performance against commitments.

Totals come from the aggregates kept by the writes (one row per unit and indicator), minus what
units closed during the campaign contributed to ratios and shares (a small set, one query).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr

from thidua.campaigns.models import Campaign, Indicator
from thidua.progress.models import Aggregate, IndicatorValue, SignOff, SignOffValue, ValueChange
from thidua.submissions.models import Commitment, RegistrationRevision
from thidua.units.models import Unit, path_prefix_q

ZERO = Decimal(0)


@dataclass
class Figure:
    indicator: Indicator
    numerator: Decimal = ZERO
    denominator: Decimal = ZERO
    reported: int = 0  # reporting units with a value
    expected: int = 0  # reporting units (in scope, open)
    updated_at: dt.datetime | None = None

    @property
    def has_data(self) -> bool:
        """'Not reported' is not zero: no unit has entered anything yet."""
        return self.reported > 0

    @property
    def value(self) -> Decimal | None:
        """The count, or the percentage for ratios and shares; None when nothing is reported."""
        if not self.has_data:
            return None
        kind = self.indicator.kind
        if kind == Indicator.Kind.COUNT:
            return self.numerator
        if kind == Indicator.Kind.RATIO:
            return (100 * self.numerator / self.denominator).quantize(Decimal("0.1")) if self.denominator else None
        return (100 * self.numerator / self.expected).quantize(Decimal("0.1")) if self.expected else None

    @property
    def progress(self) -> Decimal | None:
        """Share of the target reached, in percent (capped for the bar at 100)."""
        target = self.indicator.target_value
        if self.value is None or not target:
            return None
        return (100 * self.value / target).quantize(Decimal("0.1"))

    @property
    def bar(self) -> int:
        return int(min(self.progress or 0, 100))

    @property
    def missing(self) -> int:
        return max(self.expected - self.reported, 0)


def _counts_closed(indicator: Indicator) -> bool:
    return indicator.kind != Indicator.Kind.COUNT


def _closed_q(campaign: Campaign, field: str = "unit__closed_on") -> Q:
    """Units closed during (or before the end of) the campaign leave ratios and shares."""
    query = Q(**{f"{field}__isnull": False})
    if campaign.period_end:
        query &= Q(**{f"{field}__lte": campaign.period_end})
    return query


def _closed_in(unit: Unit, campaign: Campaign) -> bool:
    return unit.closed_on is not None and (not campaign.period_end or unit.closed_on <= campaign.period_end)


def reporting_units(indicator: Indicator, within: Unit):
    campaign = indicator.campaign
    if not campaign.issuer_unit.contains(within):
        return Unit.objects.none()
    qs = indicator.scope_queryset(campaign, within)
    if _counts_closed(indicator):
        qs = qs.exclude(_closed_q(campaign, "closed_on"))
    return qs


def figure(indicator: Indicator, unit: Unit, *, at: dt.datetime | None = None) -> Figure:
    """The latest total of the unit's subtree (or its total as it stood at `at`)."""
    return figures([indicator], unit, at=at)[0]


def figures(indicators, unit: Unit, *, at: dt.datetime | None = None) -> list[Figure]:
    """The totals of the unit's subtree for indicators of one campaign, in three queries whatever
    their number: the expected units counted together (one conditional count each, as
    `reporting_units` selects them), the subtree's totals, and the values of closed units to take
    out (tests/test_progress_rollup.py checks them against brute force).

    `at`: the totals as they stood at that instant — each unit's latest value recorded at or before
    it, from the history — rolled up the same way; None: the latest."""
    indicators = list(indicators)
    found = _roll_up(indicators, [unit], at=at)
    return [found[i.pk, unit.pk] for i in indicators]


def unit_figures(indicator: Indicator, units, *, at: dt.datetime | None = None) -> dict[int, Figure]:
    """{unit id: the unit's subtree total} for one indicator and many units, as `figure` gives them
    one by one, in a few queries whatever the number of units (one of each kind per depth among them)."""
    units = list(units)
    found = _roll_up([indicator], units, at=at)
    return {u.pk: found[indicator.pk, u.pk] for u in units}


def _roll_up(indicators: list[Indicator], units: list[Unit], *, at: dt.datetime | None) -> dict[tuple, Figure]:
    """{(indicator id, unit id): Figure}: the one roll-up behind `figure`, `figures` and `unit_figures`.

    A subtree's total is the sum of its reporting units' own values; live, it is read from the
    aggregates the writes keep (that same sum, maintained); as of an instant, it is summed from the
    history. Either way the expected units are counted from the scope, and the values of units
    closed during the campaign are taken out of ratios and shares."""
    results = {(i.pk, u.pk): Figure(indicator=i) for i in indicators for u in units}
    if not indicators or not units:
        return results
    campaign = indicators[0].campaign
    inside = [u for u in units if campaign.issuer_unit.contains(u)]
    counts = {f"i{i.pk}": Count("pk", filter=_scope_q(i, campaign)) for i in indicators}
    for unit, row in _per_subtree(Unit.objects.all(), "path", inside, (), counts):
        for i in indicators:
            results[i.pk, unit.pk].expected = row[f"i{i.pk}"]
    sums = {"n": Sum("v_num"), "d": Sum("v_den"), "r": Count("pk"), "t": Max("v_time")}
    if at is None:
        for agg in Aggregate.objects.filter(indicator__in=indicators, unit__in=units):
            result = results[agg.indicator_id, agg.unit_id]
            result.numerator, result.denominator = agg.numerator_sum, agg.denominator_sum
            result.reported, result.updated_at = agg.reported, agg.updated_at
    else:
        for unit, row in _per_subtree(_own_values(indicators, at=at), "unit__path", units, ("indicator_id",), sums):
            result = results[row["indicator_id"], unit.pk]
            result.numerator, result.denominator = row["n"], row["d"] or ZERO
            result.reported, result.updated_at = row["r"], row["t"]
    closing = [i for i in indicators if _counts_closed(i)]
    if closing:
        closed = _own_values(closing, at=at).filter(_closed_q(campaign))
        for unit, row in _per_subtree(closed, "unit__path", units, ("indicator_id",), sums):
            result = results[row["indicator_id"], unit.pk]
            result.numerator -= row["n"]
            result.denominator -= row["d"] or ZERO
            result.reported -= row["r"]
    return results


def _own_values(indicators, *, at: dt.datetime | None = None):
    """Each reporting unit's own value of the indicators, as rows with v_num, v_den and v_time: the
    current values, or as of `at` the latest change of each unit recorded at or before it."""
    if at is None:
        return IndicatorValue.objects.filter(indicator__in=indicators).annotate(
            v_num=F("numerator"), v_den=F("denominator"), v_time=F("updated_at")
        )
    latest = (
        ValueChange.objects.filter(indicator=OuterRef("indicator"), unit=OuterRef("unit"), changed_at__lte=at)
        .order_by("-changed_at", "-id")
        .values("pk")[:1]
    )
    return ValueChange.objects.filter(indicator__in=indicators, changed_at__lte=at, pk=Subquery(latest)).annotate(
        v_num=F("new_numerator"), v_den=F("new_denominator"), v_time=F("changed_at")
    )


def _per_subtree(queryset, path_field: str, units: list[Unit], keys: tuple[str, ...], aggregates: dict):
    """(unit, row) for each unit whose subtree holds rows of `queryset`, the row holding `aggregates`
    over them (grouped by `keys` too): one grouped query per depth among the units, whatever their
    number, each limited to the range of their common ancestor's subtree."""
    by_depth = defaultdict(dict)
    for unit in units:
        by_depth[unit.depth][unit.path] = unit
    for depth, by_path in sorted(by_depth.items()):
        if len(by_path) == 1:  # one subtree (the dashboards' case): a plain aggregate, nothing to group
            [(path, unit)] = by_path.items()
            rows = queryset.filter(path_prefix_q(path, path_field)).order_by()
            for row in rows.values(*keys).annotate(**aggregates) if keys else [rows.aggregate(**aggregates)]:
                yield unit, row
            continue
        common = os.path.commonprefix(list(by_path))
        common = common[: len(common) - len(common) % Unit.steplen]
        rows = queryset.filter(path_prefix_q(common, path_field)) if common else queryset
        rows = (
            rows.order_by()  # an ordered field would join the GROUP BY
            .annotate(subtree=Substr(path_field, 1, depth * Unit.steplen))
            .filter(subtree__in=list(by_path))
            .values(*keys, "subtree")
            .annotate(**aggregates)
        )
        for row in rows:
            yield by_path[row["subtree"]], row


def figures_as(indicators, unit: Unit, *, approved: bool, at: dt.datetime | None = None) -> list[Figure]:
    """The subtree's figures as the dashboards show them: the latest, or approved sign-offs only
    (as they stood at `at` when given)."""
    indicators = list(indicators)
    if approved:
        return [approved_figure(i, unit, at=at) for i in indicators]
    return figures(indicators, unit, at=at)


def _scope_q(indicator: Indicator, campaign: Campaign) -> Q:
    """The units `reporting_units` counts, as a condition on the issuer's subtree."""
    query = indicator.scope_q()
    if _counts_closed(indicator):
        query &= ~_closed_q(campaign, "closed_on")
    return query


def approved_figure(indicator: Indicator, unit: Unit, *, at: dt.datetime | None = None) -> Figure:
    """The total counting only figures in approved sign-offs (each unit's latest approved one).

    `at`: only the sign-offs sent at or before that instant (their figures are those of that
    moment), approved then or since and not withdrawn."""
    result = Figure(indicator=indicator, expected=reporting_units(indicator, unit).count())
    rows = (
        SignOffValue.objects.filter(
            path_prefix_q(unit.path, "unit__path"),
            indicator=indicator,
            signoff__status=SignOff.Status.APPROVED,
        )
        .select_related("unit")
        .order_by("unit_id", "-signoff__as_of", "-signoff__decided_at")
    )
    if at is not None:
        rows = rows.filter(signoff__submitted_at__lte=at)
    seen: set[int] = set()
    closed_excluded = _counts_closed(indicator)
    for row in rows:
        if row.unit_id in seen:
            continue
        seen.add(row.unit_id)
        if closed_excluded and _closed_in(row.unit, indicator.campaign):
            continue
        result.numerator += row.numerator
        result.denominator += row.denominator or ZERO
        result.reported += 1
    return result


@dataclass
class Breakdown:
    unit: Unit
    figure: Figure
    commitment: Decimal | None = None

    @property
    def against_commitment(self) -> Decimal | None:
        if self.commitment in (None, ZERO) or self.figure.value is None:
            return None
        return (100 * self.figure.value / self.commitment).quantize(Decimal("0.1"))


def breakdown(indicator: Indicator, unit: Unit) -> list[Breakdown]:
    """One line per unit directly below `unit` whose subtree reports the indicator (a handful of
    grouped queries, whatever the number of children)."""
    children = list(Unit.objects.subtree(unit).filter(depth=unit.depth + 1).order_by("path"))
    if not children:
        return []
    prefix_len = len(unit.path) + Unit.steplen
    # .order_by(): the subtree queryset is ordered by path, and an ordered field joins the GROUP BY
    # (every unit would be its own group of 1 — the 400–3,200 % of the first wave).
    expected = dict(
        reporting_units(indicator, unit)
        .exclude(pk=unit.pk)
        .order_by()
        .annotate(prefix=Substr("path", 1, prefix_len))
        .values("prefix")
        .annotate(n=Count("pk"))
        .values_list("prefix", "n")
    )
    aggs = {a.unit_id: a for a in Aggregate.objects.filter(indicator=indicator, unit__in=children)}
    closed = defaultdict(lambda: [ZERO, ZERO, 0])
    if _counts_closed(indicator):
        for value in IndicatorValue.objects.filter(
            path_prefix_q(unit.path, "unit__path"), _closed_q(indicator.campaign), indicator=indicator
        ).select_related("unit"):
            entry = closed[value.unit.path[:prefix_len]]
            entry[0] += value.numerator
            entry[1] += value.denominator or ZERO
            entry[2] += 1
    commitments = latest_commitments(indicator, [c.pk for c in children])
    lines = []
    own = IndicatorValue.objects.filter(indicator=indicator, unit=unit).select_related("unit").first()
    if own is not None and _counts_closed(indicator) and _closed_in(own.unit, indicator.campaign):
        own = None  # a unit closed during the campaign has left ratios and shares, as in figure()
    if own is not None:
        # The unit's own figures (not those of the units below it) get a line of their own.
        fig = Figure(
            indicator=indicator, numerator=own.numerator, denominator=own.denominator or ZERO, reported=1, expected=1
        )
        fig.updated_at = own.updated_at
        lines.append(Breakdown(unit=unit, figure=fig))
    for child in children:
        fig = Figure(indicator=indicator, expected=expected.get(child.path, 0))
        agg = aggs.get(child.pk)
        if agg is not None:
            c = closed[child.path]
            fig.numerator = agg.numerator_sum - c[0]
            fig.denominator = agg.denominator_sum - c[1]
            fig.reported = agg.reported - c[2]
            fig.updated_at = agg.updated_at
        if not fig.expected and not fig.reported:
            continue  # nothing below this child reports the indicator, or everything that did has closed
        lines.append(Breakdown(unit=child, figure=fig, commitment=commitments.get(child.pk)))
    return lines


def latest_commitments(indicator: Indicator, unit_ids) -> dict[int, Decimal]:
    """Each unit's commitment for the indicator, from the latest revision of its registration."""
    latest = (
        RegistrationRevision.objects.filter(
            registration__campaign=indicator.campaign, registration__unit_id__in=list(unit_ids)
        )
        .values("registration_id")
        .annotate(n=Max("number"))
    )
    wanted = Q(pk__in=[])
    for row in latest:
        wanted |= Q(revision__registration_id=row["registration_id"], revision__number=row["n"])
    return dict(
        Commitment.objects.filter(wanted, indicator=indicator).values_list("revision__registration__unit_id", "value")
    )


def series(indicator: Indicator, unit: Unit, *, start: dt.date | None = None, end: dt.date | None = None):
    """[(date, Figure-like value)] of the subtree's total on each day a value changed, from the
    history: each unit counts with its latest value as of that day."""
    changes = (
        ValueChange.objects.filter(path_prefix_q(unit.path, "unit__path"), indicator=indicator)
        .exclude(_closed_q(indicator.campaign) if _counts_closed(indicator) else Q(pk__in=[]))
        .order_by("as_of", "changed_at", "id")
        .values_list("unit_id", "as_of", "new_numerator", "new_denominator")
    )
    current: dict[int, tuple[Decimal, Decimal]] = {}
    total_num = total_den = ZERO  # running sums: each change adjusts them by its difference
    points: list[tuple[dt.date, Figure]] = []
    expected = reporting_units(indicator, unit).count()
    for unit_id, as_of, num, den in changes:
        old_num, old_den = current.get(unit_id, (ZERO, ZERO))
        current[unit_id] = (num, den or ZERO)
        total_num += num - old_num
        total_den += (den or ZERO) - old_den
        fig = Figure(
            indicator=indicator, numerator=total_num, denominator=total_den, reported=len(current), expected=expected
        )
        if points and points[-1][0] == as_of:
            points[-1] = (as_of, fig)
        else:
            points.append((as_of, fig))
    if start:
        points = [p for p in points if p[0] >= start] or points[-1:]
    if end:
        points = [p for p in points if p[0] <= end]
    return points


def as_of(campaign: Campaign, unit: Unit) -> dt.datetime | None:
    """When a figure of the campaign in the unit's subtree last changed (shown next to the totals)."""
    return Aggregate.objects.filter(indicator__campaign=campaign, unit=unit).aggregate(t=Max("updated_at"))["t"]


# --- the steering matrix: units below × key indicators -----------------------------------------------

# Attainment bands (percent of the target or the unit's commitment): the colour of a matrix cell.
GOOD, NEAR = Decimal(100), Decimal(70)


@dataclass
class Cell:
    indicator: Indicator
    figure: Figure | None  # None: the unit's subtree does not report the indicator
    commitment: Decimal | None = None

    @property
    def reference(self) -> Decimal | None:
        """What the value is judged against: the target of a percentage indicator (it holds for every
        unit), the unit's own commitment for a count (a city-wide count target does not)."""
        if self.indicator.kind == Indicator.Kind.COUNT:
            return self.commitment
        return self.indicator.target_value

    @property
    def attainment(self) -> Decimal | None:
        """Percent of the reference reached, the right way round for "lower is better"."""
        value, reference = (self.figure.value if self.figure else None), self.reference
        if value is None or not reference:
            return None
        if self.indicator.lower_is_better:
            return (100 * reference / value).quantize(Decimal("0.1")) if value else Decimal(100)
        return (100 * value / reference).quantize(Decimal("0.1"))

    @property
    def band(self) -> str:
        """good / near / behind against the reference; "open" without one; "none" when not reported."""
        if self.figure is None:
            return "na"
        if not self.figure.has_data:
            return "none"
        if self.attainment is None:
            return "open"
        return "good" if self.attainment >= GOOD else ("near" if self.attainment >= NEAR else "behind")


@dataclass
class MatrixRow:
    unit: Unit
    cells: list[Cell]

    def behind(self) -> int:
        return sum(1 for c in self.cells if c.band in ("behind", "none"))


def matrix(indicators: list[Indicator], unit: Unit, kinds: Iterable[str] = ()) -> list[MatrixRow]:
    """One row per unit directly below `unit` (of the given kinds) that reports any of the
    indicators; one cell per indicator, from the breakdown (a few grouped queries per indicator)."""
    lines = {i.pk: {b.unit.pk: b for b in breakdown(i, unit)} for i in indicators}
    children = Unit.objects.subtree(unit).filter(depth=unit.depth + 1).order_by("path")
    if kinds:
        children = children.filter(kind__in=list(kinds))
    rows = []
    for child in children:
        cells = []
        for indicator in indicators:
            line = lines[indicator.pk].get(child.pk)
            cells.append(Cell(indicator, line.figure if line else None, line.commitment if line else None))
        if any(c.figure is not None for c in cells):
            rows.append(MatrixRow(child, cells))
    return rows
