"""Live roll-ups of indicator values: every ancestor's total equals a brute-force recomputation from
the values after any sequence of writes and closures; zero vs "not reported"; closed units leave
ratios and shares; no percentage above 100; approved-only totals."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from thidua.campaigns.models import Activity, Campaign, Goal, Indicator, Milestone
from thidua.core import timeutils
from thidua.core.errors import Refused
from thidua.core.models import AuditEntry
from thidua.progress import queries, services
from thidua.progress.models import Aggregate, IndicatorValue, SignOffValue, ValueChange
from thidua.progress.views import breakdown_xlsx
from thidua.units.models import Unit, UnitKind
from thidua.units.services import UnitSpec, unit_move, unit_update, units_bulk_create

PERIOD_START = dt.date(2023, 4, 6)
PERIOD_END = dt.date(2023, 6, 30)
DAY = dt.date(2023, 5, 20)


# --- a small campaign on the small tree, shared by the progress tests -------------------------


def build_campaign(issuer: Unit, *, slug: str = "thu-nghiem", status: str = Campaign.Status.PUBLISHED) -> Campaign:
    """A campaign issued by `issuer` with one indicator of each kind and two activities:

    jobs      count, target 100, activity A1, reported by direct units and grassroots units
    fairs     count, activity A1, reported by direct units
    eid       ratio (members), target 100, reported by direct units and grassroots units
    launched  share, target 100, reported by grassroots units
    saturday  count, activity A2, reported only by HD-NHABE
    Milestones: KH (plan), SK (mid-term report), TK (final report).
    """
    campaign = Campaign.objects.create(
        slug=slug, title="Đợt thi đua thử nghiệm", issuer_unit=issuer, status=status,
        period_start=PERIOD_START, period_end=PERIOD_END,
    )  # fmt: skip
    goal = Goal.objects.create(campaign=campaign, code="MT1", order=1, text="Mục tiêu thử nghiệm")
    a1 = Activity.objects.create(
        campaign=campaign, code="A1", order=1, title="Việc làm", description="Ngày hội việc làm"
    )
    a2 = Activity.objects.create(
        campaign=campaign, code="A2", order=2, title="Thứ Bảy tình nguyện", description="Thứ Bảy"
    )
    for order, (code, kind, groups, units, target, activity, denominator) in enumerate(
        [
            ("jobs", Indicator.Kind.COUNT, ["direct_units", "grassroots"], [], 100, a1, ""),
            ("fairs", Indicator.Kind.COUNT, ["direct_units"], [], None, a1, ""),
            ("eid", Indicator.Kind.RATIO, ["direct_units", "grassroots"], [], 100, None, "đoàn viên"),
            ("launched", Indicator.Kind.SHARE, ["grassroots"], [], 100, None, ""),
            ("saturday", Indicator.Kind.COUNT, [], ["HD-NHABE"], None, a2, ""),
        ],
        start=1,
    ):
        Indicator.objects.create(
            campaign=campaign, goal=goal if activity is None or code == "jobs" else None, activity=activity,
            code=code, order=order, name=f"Chỉ tiêu {code}", kind=kind, scope_groups=groups,
            scope_unit_codes=units, target_value=target, denominator=denominator,
        )  # fmt: skip
    deadline = dt.datetime(2023, 6, 1, 17, 0, tzinfo=dt.UTC)
    for order, (code, kind) in enumerate([("KH", "plan"), ("SK", "midterm"), ("TK", "final")], start=1):
        Milestone.objects.create(
            campaign=campaign, code=code, order=order, kind=kind, title=f"Báo cáo {code}", deadline=deadline,
            scope_groups=["direct_units"],
        )  # fmt: skip
    return campaign


def ind(campaign: Campaign, code: str) -> Indicator:
    return campaign.indicators.get(code=code)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def put(campaign, code, unit_code, num, den=None, **kw) -> IndicatorValue:
    return services.indicator_value_set(
        actor=kw.pop("actor", None), indicator=ind(campaign, code), unit=unit(unit_code), numerator=num,
        denominator=den, as_of=kw.pop("as_of", DAY), **kw,
    )  # fmt: skip


@pytest.fixture
def campaign(tree) -> Campaign:
    return build_campaign(tree["TD"])


# --- the property: totals equal a brute-force recomputation -----------------------------------

KINDS = [UnitKind.DISTRICT, UnitKind.GRASSROOTS, UnitKind.BRANCH, UnitKind.SCHOOL]
GROUPS = ["direct_units", "grassroots", "branches"]


@st.composite
def scenarios(draw):
    n = draw(st.integers(min_value=1, max_value=14))
    parents = [draw(st.integers(min_value=0, max_value=i)) for i in range(n)]  # unit i+1's parent (0 = root)
    kinds = [draw(st.sampled_from(KINDS)) for _ in range(n)]
    codes = [f"U{i}" for i in range(n + 1)]
    scopes = [
        (
            draw(st.lists(st.sampled_from(GROUPS), unique=True, max_size=2)),
            draw(st.lists(st.sampled_from(codes), unique=True, max_size=6)),
        )
        for _kind in range(3)
    ]
    ops = draw(
        st.lists(
            st.one_of(
                st.tuples(
                    st.just("set"),
                    st.integers(0, 2),
                    st.integers(0, n),
                    st.integers(0, 60),
                    st.integers(0, 40),
                    st.integers(0, 30),
                ),
                st.tuples(st.just("close"), st.integers(0, n), st.integers(-40, 40)),
            ),
            min_size=1,
            max_size=25,
        )
    )
    return parents, kinds, scopes, ops


KIND_ORDER = [Indicator.Kind.COUNT, Indicator.Kind.RATIO, Indicator.Kind.SHARE]


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(scenarios())
def test_rollups_equal_brute_force(scenario):
    parents, kinds, scopes, ops = scenario
    with transaction.atomic():
        specs = [UnitSpec(code="U0", parent_code=None, name="Thành Đoàn", kind=UnitKind.CITY)]
        parent_of = {"U0": None}
        for i, (p, kind) in enumerate(zip(parents, kinds), start=1):
            specs.append(UnitSpec(code=f"U{i}", parent_code=f"U{p}", name=f"Đơn vị {i}", kind=kind))
            parent_of[f"U{i}"] = f"U{p}"
        units_bulk_create(actor=None, specs=specs, audit=False)
        units = {u.code: u for u in Unit.objects.all()}
        campaign = Campaign.objects.create(
            slug="ngau-nhien", title="Ngẫu nhiên", issuer_unit=units["U0"], status=Campaign.Status.PUBLISHED,
            period_start=PERIOD_START, period_end=PERIOD_END,
        )  # fmt: skip
        indicators = [
            Indicator.objects.create(
                campaign=campaign,
                code=kind.value,
                order=k,
                name=kind.label,
                kind=kind,
                scope_groups=groups,
                scope_unit_codes=codes,
                denominator="đoàn viên" if kind == Indicator.Kind.RATIO else "",
            )  # fmt: skip
            for k, (kind, (groups, codes)) in enumerate(zip(KIND_ORDER, scopes))
        ]
        group_kinds = {
            "direct_units": {UnitKind.DISTRICT, UnitKind.SCHOOL},
            "grassroots": {UnitKind.GRASSROOTS},
            "branches": {UnitKind.BRANCH},
        }

        def reports(indicator, code) -> bool:
            groups, codes = scopes[KIND_ORDER.index(indicator.kind)]
            return code in codes or any(units[code].kind in group_kinds[g] for g in groups)

        model: dict[tuple[int, str], tuple[int, int | None]] = {}
        closed: dict[str, dt.date] = {}
        for op in ops:
            if op[0] == "close":
                _op, u, offset = op
                day = PERIOD_END + dt.timedelta(days=offset)  # some during the period, some after it
                unit_update(actor=None, unit=units[f"U{u}"], values={"closed_on": day})
                closed[f"U{u}"] = day
                continue
            _op, k, u, num, extra, version_skew = op
            indicator, code = indicators[k], f"U{u}"
            if indicator.kind == Indicator.Kind.SHARE:
                num, den = num % 2, None
            elif indicator.kind == Indicator.Kind.RATIO:
                den = num + extra
            else:
                den = None
            if not reports(indicator, code):
                with pytest.raises(Refused):
                    services.indicator_value_set(
                        actor=None, indicator=indicator, unit=units[code], numerator=num, denominator=den, as_of=DAY
                    )
                continue
            services.indicator_value_set(
                actor=None, indicator=indicator, unit=units[code], numerator=num, denominator=den,
                as_of=DAY + dt.timedelta(days=version_skew),
            )  # fmt: skip
            model[(indicator.pk, code)] = (num, den)

        # The stored values are what was written, last write wins.
        stored = {
            (v.indicator_id, v.unit.code): (int(v.numerator), None if v.denominator is None else int(v.denominator))
            for v in IndicatorValue.objects.select_related("unit")
        }
        assert stored == model

        def subtree(code) -> set[str]:
            found = {code}
            for other in parent_of:
                up = parent_of[other]
                while up is not None:
                    if up == code:
                        found.add(other)
                        break
                    up = parent_of[up]
            return found

        def leaves(indicator, code) -> bool:
            """Closed during (or before the end of) the period: out of ratios and shares."""
            return indicator.kind != Indicator.Kind.COUNT and code in closed and closed[code] <= PERIOD_END

        def brute(indicator, codes) -> tuple[Decimal, Decimal, int, int]:
            """(numerator, denominator, reported, expected) over a set of units, from the stored values."""
            rows = [
                v
                for v in IndicatorValue.objects.filter(indicator=indicator).select_related("unit")
                if v.unit.code in codes and not leaves(indicator, v.unit.code)
            ]
            return (
                sum((v.numerator for v in rows), Decimal(0)),
                sum((v.denominator or Decimal(0) for v in rows), Decimal(0)),
                len(rows),
                sum(1 for c in codes if reports(indicator, c) and not leaves(indicator, c)),
            )

        def check_breakdown(indicator, code):
            """Every line of the breakdown below `code`, as the page and the export show it: the unit's own
            figure on a line of its own, then each child's subtree."""
            lines = queries.breakdown(indicator, units[code])
            children = [c for c, parent in parent_of.items() if parent == code]
            for line in lines:
                f = line.figure
                if line.unit.code == code:
                    assert (f.numerator, f.reported) == brute(indicator, {code})[0:3:2]
                    continue
                assert line.unit.code in children
                num, den, reported, expected = brute(indicator, subtree(line.unit.code))
                assert (f.numerator, f.denominator, f.reported, f.expected) == (num, den, reported, expected), (
                    indicator.kind,
                    code,
                    line.unit.code,
                )
                if f.value is not None and indicator.kind != Indicator.Kind.COUNT:
                    assert Decimal(0) <= f.value <= 100  # a share or ratio is never above 100 %
            if code == "U0" and indicator.kind == Indicator.Kind.SHARE:  # the export holds the same figures
                sheet = load_workbook(io.BytesIO(breakdown_xlsx(campaign, indicator, units[code], lines)[1]))
                exported = [r for r in sheet.active.iter_rows(min_row=2, values_only=True)]
                assert [(r[0], r[3], r[4], r[5]) for r in exported] == [
                    (b.unit.code, b.figure.reported, b.figure.expected, int(b.figure.numerator)) for b in lines
                ]
                for r, b in zip(exported, lines, strict=True):
                    assert r[2] == (float(b.figure.value) if b.figure.value is not None else r[2])
            shown = {line.unit.code for line in lines if line.unit.code != code}
            for child in children:  # no child that reports (or has figures) is left out
                _num, _den, reported, expected = brute(indicator, subtree(child))
                assert (child in shown) == bool(reported or expected), (indicator.kind, code, child)

        def check_matrix(code):
            """The steering matrix below `code`: every cell is the child's subtree, as brute force says."""
            for row in queries.matrix(indicators, units[code]):
                assert parent_of[row.unit.code] == code
                for cell in row.cells:
                    if cell.figure is None:
                        continue
                    num, den, reported, expected = brute(cell.indicator, subtree(row.unit.code))
                    f = cell.figure
                    assert (f.numerator, f.denominator, f.reported, f.expected) == (num, den, reported, expected)

        def numbers(figures) -> list[tuple]:
            return [(f.numerator, f.denominator, f.reported, f.expected) for f in figures]

        def check_all():
            check_matrix("U0")  # cells come from the breakdowns, checked below at every level
            # Nothing has changed since this instant: the totals as they stood then are the live ones,
            # rolled up from the history instead of the aggregates.
            after_every_write = timeutils.now()
            # Every unit's subtree at once (the scoring's), live and as it stood then.
            many = {i.pk: queries.unit_figures(i, units.values()) for i in indicators}
            many_then = {i.pk: queries.unit_figures(i, units.values(), at=after_every_write) for i in indicators}
            for code in units:
                below = subtree(code)
                # The dashboard's batched figures (three queries for every indicator) equal one by one.
                batched = queries.figures(indicators, units[code])
                singly = [queries.figure(i, units[code]) for i in indicators]
                assert numbers(batched) == numbers(singly)
                assert numbers(queries.figures(indicators, units[code], at=after_every_write)) == numbers(batched)
                for indicator in indicators:
                    rows = [
                        v
                        for v in IndicatorValue.objects.filter(indicator=indicator).select_related("unit")
                        if v.unit.code in below and not leaves(indicator, v.unit.code)
                    ]
                    num = sum((v.numerator for v in rows), Decimal(0))
                    den = sum((v.denominator or Decimal(0) for v in rows), Decimal(0))
                    expected = sum(1 for c in below if reports(indicator, c) and not leaves(indicator, c))
                    fig = queries.figure(indicator, units[code])
                    assert numbers([many[indicator.pk][units[code].pk]]) == numbers([fig])
                    assert numbers([many_then[indicator.pk][units[code].pk]]) == numbers([fig])
                    assert (fig.numerator, fig.denominator, fig.reported) == (num, den, len(rows)), (
                        indicator.kind,
                        code,
                    )
                    assert fig.expected == expected
                    check_breakdown(indicator, code)
                    if not rows:
                        assert fig.value is None
                    elif indicator.kind == Indicator.Kind.COUNT:
                        assert fig.value == num
                    else:
                        base = den if indicator.kind == Indicator.Kind.RATIO else expected
                        if base:
                            assert fig.value == (100 * num / base).quantize(Decimal("0.1"))
                            assert Decimal(0) <= fig.value <= 100
                        else:
                            assert fig.value is None

        check_all()
        live = {
            (a.indicator_id, a.unit_id): (a.numerator_sum, a.denominator_sum, a.reported)
            for a in Aggregate.objects.all()
        }
        services.aggregates_rebuild(campaign)
        rebuilt = {
            (a.indicator_id, a.unit_id): (a.numerator_sum, a.denominator_sum, a.reported)
            for a in Aggregate.objects.all()
        }
        assert rebuilt == live
        check_all()
        transaction.set_rollback(True)


# --- semantics on the small tree --------------------------------------------------------------


@pytest.mark.django_db
def test_nested_reporting_units_add_up_to_every_ancestor(campaign):
    put(campaign, "jobs", "QD1", 30)  # the district's own figure
    put(campaign, "jobs", "QD1-01", 12)  # and its wards'
    put(campaign, "jobs", "QD1-02", 5)
    put(campaign, "jobs", "HD-NHABE-01", 9)
    jobs = ind(campaign, "jobs")
    assert queries.figure(jobs, unit("QD1")).value == 47
    assert queries.figure(jobs, unit("QD1-01")).value == 12
    assert queries.figure(jobs, unit("HD-NHABE")).value == 9
    assert queries.figure(jobs, unit("TD")).value == 56
    # Overwriting replaces, it does not add.
    put(campaign, "jobs", "QD1-01", 2)
    assert queries.figure(jobs, unit("QD1")).value == 37
    assert queries.figure(jobs, unit("TD")).value == 46
    total = queries.figure(jobs, unit("TD"))
    assert total.reported == 4
    assert total.expected == 5  # QD1, QD1-01, QD1-02, HD-NHABE, HD-NHABE-01: no branch, no department
    assert total.progress == Decimal("46.0")  # target 100


@pytest.mark.django_db
def test_expected_units_follow_the_scope(campaign):
    jobs, launched, saturday = ind(campaign, "jobs"), ind(campaign, "launched"), ind(campaign, "saturday")
    td = unit("TD")
    assert queries.figure(jobs, td).expected == 5  # 2 districts + 3 wards
    assert queries.figure(launched, td).expected == 3  # wards only
    assert queries.figure(saturday, td).expected == 1  # only the named unit
    with pytest.raises(Refused):
        put(campaign, "saturday", "QD1", 3)
    with pytest.raises(Refused):
        put(campaign, "jobs", "QD1-01-001", 3)  # a branch does not report jobs
    with pytest.raises(Refused):
        put(campaign, "jobs", "BCNLD", 3)  # nor does a department
    assert not IndicatorValue.objects.exists() and not Aggregate.objects.exists()


@pytest.mark.django_db
def test_zero_is_a_value_and_not_reported_is_not_zero(campaign):
    jobs = ind(campaign, "jobs")
    nothing = queries.figure(jobs, unit("TD"))
    assert nothing.value is None and not nothing.has_data and nothing.reported == 0
    put(campaign, "jobs", "QD1-01", 0)
    zero = queries.figure(jobs, unit("TD"))
    assert zero.value == 0 and zero.value is not None
    assert zero.has_data and zero.reported == 1
    # A sibling with nothing entered stays "not reported" at its own level.
    assert queries.figure(jobs, unit("HD-NHABE")).value is None
    assert queries.figure(jobs, unit("QD1")).value == 0
    # Zero for a share is a "no": 0 %, not "not reported".
    put(campaign, "launched", "QD1-01", 0)
    share = queries.figure(ind(campaign, "launched"), unit("TD"))
    assert share.value == 0 and share.reported == 1


@pytest.mark.django_db
def test_ratio_is_summed_separately_then_divided_and_never_above_100(campaign):
    eid = ind(campaign, "eid")
    put(campaign, "eid", "QD1", 8, 10)
    put(campaign, "eid", "QD1-01", 100, 100)
    put(campaign, "eid", "QD1-02", 1, 90)
    fig = queries.figure(eid, unit("QD1"))
    assert (fig.numerator, fig.denominator) == (109, 200)
    assert fig.value == Decimal("54.5")  # not the mean of 80 %, 100 % and 1.1 %
    put(campaign, "eid", "HD-NHABE", 50, 50)
    put(campaign, "eid", "HD-NHABE-01", 50, 50)
    top = queries.figure(eid, unit("TD"))
    assert top.value == Decimal(100 * 209 / 300).quantize(Decimal("0.1"))
    assert queries.figure(eid, unit("HD-NHABE")).value == 100  # both levels at 100 % → 100 %, not 200 %


@pytest.mark.django_db
def test_share_is_yes_out_of_expected_units(campaign):
    launched = ind(campaign, "launched")
    put(campaign, "launched", "QD1-01", 1)
    fig = queries.figure(launched, unit("TD"))
    assert (fig.numerator, fig.reported, fig.expected) == (1, 1, 3)
    assert fig.value == Decimal("33.3")  # 1 of the 3 expected wards, not 1 of 1 that answered
    put(campaign, "launched", "QD1-02", 0)
    put(campaign, "launched", "HD-NHABE-01", 1)
    assert queries.figure(launched, unit("TD")).value == Decimal("66.7")
    assert queries.figure(launched, unit("QD1")).value == Decimal("50.0")
    # Saying yes twice is still one unit.
    put(campaign, "launched", "QD1-01", 1, as_of=DAY + dt.timedelta(days=1))
    assert queries.figure(launched, unit("TD")).value == Decimal("66.7")


@pytest.mark.django_db
def test_closed_unit_leaves_ratio_and_share_but_counts_keep_its_value(campaign):
    put(campaign, "jobs", "QD1-02", 7)
    put(campaign, "jobs", "QD1-01", 3)
    put(campaign, "eid", "QD1-02", 10, 10)
    put(campaign, "eid", "QD1-01", 2, 10)
    put(campaign, "launched", "QD1-02", 1)
    put(campaign, "launched", "QD1-01", 0)
    jobs, eid, launched = ind(campaign, "jobs"), ind(campaign, "eid"), ind(campaign, "launched")
    qd1 = unit("QD1")
    assert queries.figure(eid, qd1).value == 60
    assert queries.figure(launched, qd1).value == 50
    unit_update(actor=None, unit=unit("QD1-02"), values={"closed_on": dt.date(2023, 6, 1)}, reason="sáp nhập")
    eid_fig, share_fig = queries.figure(eid, qd1), queries.figure(eid, unit("TD"))
    assert (eid_fig.numerator, eid_fig.denominator, eid_fig.reported) == (2, 10, 1)
    assert eid_fig.value == 20 and share_fig.value == 20
    launched_fig = queries.figure(launched, qd1)
    assert (launched_fig.numerator, launched_fig.expected) == (0, 1)
    assert launched_fig.value == 0
    assert queries.figure(launched, unit("TD")).expected == 2  # QD1-01 and HD-NHABE-01
    # Counts keep what the closed ward did before it closed.
    assert queries.figure(jobs, qd1).value == 10
    assert queries.figure(jobs, qd1).expected == 3
    # The breakdown agrees with the total.
    line = next(b for b in queries.breakdown(eid, unit("TD")) if b.unit.code == "QD1")
    assert line.figure.value == 20


@pytest.mark.django_db
def test_unit_closed_after_the_period_still_counts(campaign):
    put(campaign, "eid", "QD1-02", 10, 10)
    put(campaign, "eid", "QD1-01", 0, 10)
    unit_update(actor=None, unit=unit("QD1-02"), values={"closed_on": PERIOD_END + dt.timedelta(days=1)})
    assert queries.figure(ind(campaign, "eid"), unit("QD1")).value == 50


@pytest.mark.django_db
def test_ring_road_indicator_is_expected_only_from_its_named_units(seed_campaign, demo_tree):
    ring = seed_campaign.indicators.get(code="ring_road_households_mobilised")
    fig = queries.figure(ring, demo_tree["TD"])
    assert fig.expected == 5
    assert {u.code for u in queries.reporting_units(ring, demo_tree["TD"])} == {
        "TD-THUDUC",
        "HD-BINHCHANH",
        "HD-CUCHI",
        "HD-HOCMON",
        "DKDCD",
    }
    with pytest.raises(Refused):
        services.indicator_value_set(actor=None, indicator=ring, unit=demo_tree["QD1"], numerator=5, as_of=DAY)
    services.indicator_value_set(actor=None, indicator=ring, unit=demo_tree["HD-CUCHI"], numerator=120, as_of=DAY)
    fig = queries.figure(ring, demo_tree["TD"])
    assert (fig.value, fig.reported, fig.expected, fig.missing) == (120, 1, 5, 4)


@pytest.mark.django_db
def test_every_write_is_recorded_with_who_when_old_new(campaign, personas):
    officer = personas["officer_q1"]
    put(campaign, "eid", "QD1-01", 3, 10, actor=officer)
    put(campaign, "eid", "QD1-01", 6, 12, actor=officer, as_of=DAY + dt.timedelta(days=3))
    changes = list(ValueChange.objects.filter(unit__code="QD1-01").order_by("id"))
    assert [(c.old_numerator, c.old_denominator, c.new_numerator, c.new_denominator) for c in changes] == [
        (None, None, 3, 10),
        (3, 10, 6, 12),
    ]
    assert all(c.changed_by == officer and c.changed_at is not None for c in changes)
    assert changes[1].as_of == DAY + dt.timedelta(days=3)
    audit = AuditEntry.objects.filter(action="indicator_value.set").order_by("id")
    assert audit.count() == 2
    assert audit.last().actor == officer
    assert audit.last().changes["value"] == ["3", "6"]
    # Saving the same figure again is no change: no history row, version unchanged.
    value = put(campaign, "eid", "QD1-01", 6, 12, actor=officer, as_of=DAY + dt.timedelta(days=3))
    assert value.version == 2
    assert ValueChange.objects.filter(unit__code="QD1-01").count() == 2


@pytest.mark.django_db
def test_series_follows_the_history(campaign):
    jobs = ind(campaign, "jobs")
    put(campaign, "jobs", "QD1-01", 5, as_of=dt.date(2023, 5, 1))
    put(campaign, "jobs", "QD1-02", 5, as_of=dt.date(2023, 5, 10))
    put(campaign, "jobs", "QD1-01", 15, as_of=dt.date(2023, 5, 20))
    points = queries.series(jobs, unit("TD"))
    assert [(d, f.value) for d, f in points] == [
        (dt.date(2023, 5, 1), 5),
        (dt.date(2023, 5, 10), 10),
        (dt.date(2023, 5, 20), 20),
    ]


@pytest.mark.django_db
def test_approved_only_counts_only_approved_signoffs(campaign, personas):
    coordinator = personas["coordinator"]
    midterm = campaign.milestones.get(code="SK")
    put(campaign, "jobs", "QD1", 40)
    put(campaign, "jobs", "QD1-01", 4)
    put(campaign, "jobs", "HD-NHABE", 7)
    jobs = ind(campaign, "jobs")
    td = unit("TD")
    assert queries.approved_figure(jobs, td).value is None  # nothing approved yet
    q1 = services.signoff_submit(actor=personas["officer_q1"], milestone=midterm, unit=unit("QD1")).signoff
    nb = services.signoff_submit(actor=personas["officer_nhabe"], milestone=midterm, unit=unit("HD-NHABE")).signoff
    assert SignOffValue.objects.filter(signoff=q1).count() == 2  # QD1 and QD1-01, not Nhà Bè's
    assert queries.approved_figure(jobs, td).value is None  # submitted is not approved
    services.signoff_decide(actor=coordinator, signoff=q1, decision="approve")
    approved = queries.approved_figure(jobs, td)
    assert (approved.value, approved.reported) == (44, 2)
    assert queries.figure(jobs, td).value == 51
    services.signoff_decide(actor=coordinator, signoff=nb, decision="return", reason="Số liệu chưa khớp")
    assert queries.approved_figure(jobs, td).value == 44
    # Withdrawing the approval takes the figures out of "approved only".
    services.signoff_decide(actor=coordinator, signoff=q1, decision="reopen", reason="Rà soát lại")
    assert queries.approved_figure(jobs, td).value is None


@pytest.mark.django_db
def test_rebuild_repairs_damaged_aggregates(campaign):
    put(campaign, "jobs", "QD1-01", 4)
    put(campaign, "eid", "QD1-01", 4, 8)
    Aggregate.objects.update(numerator_sum=999)
    services.aggregates_rebuild(campaign)
    assert queries.figure(ind(campaign, "jobs"), unit("TD")).value == 4
    assert queries.figure(ind(campaign, "eid"), unit("TD")).value == 50


@pytest.mark.django_db
def test_moving_a_unit_moves_its_figures(campaign):
    put(campaign, "jobs", "QD1-02", 8)
    jobs = ind(campaign, "jobs")
    unit_move(actor=None, unit=unit("QD1-02"), new_parent=unit("HD-NHABE"), reason="điều chỉnh địa giới")
    assert queries.figure(jobs, unit("QD1")).value is None
    assert queries.figure(jobs, unit("HD-NHABE")).value == 8
    assert queries.figure(jobs, unit("TD")).value == 8
