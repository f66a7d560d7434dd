"""Demo figures for the seed campaign: values at three dates (so charts have a course), events,
and sign-offs in every state. Values are written in bulk and the aggregates rebuilt once: the same
end state as entering them one by one, in a second instead of minutes."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from thidua.campaigns.models import Campaign, Indicator
from thidua.campaigns.queries import in_scope
from thidua.core import timeutils
from thidua.core.timeutils import vn_datetime
from thidua.progress import services
from thidua.progress.models import IndicatorValue, ValueChange
from thidua.units.models import Unit, UnitKind

DATES = [dt.date(2023, 5, 15), dt.date(2023, 5, 30), dt.date(2023, 6, 22)]
SHARES = {"launched_movement": 0.93, "digital_transformation": 0.78}
# Typical final figure of a direct unit for each count indicator (scaled by the unit's size).
COUNT_SIZE = {
    "conference_attendees": 3,
    "eid_l1_guided": 900,
    "eid_l2_guided": 600,
    "online_service_sessions": 8,
    "online_service_people": 700,
    "job_fairs": 2,
    "youths_job_referrals": 170,
    "volunteer_saturday_sessions": 6,
    "volunteer_saturday_people": 350,
    "volunteer_saturday_dossiers": 120,
    "overdue_dossiers": 3,
    "ring_road_households_mobilised": 60,
    "ring_road_households_committed": 48,
    "vn_goods_activities": 3,
    "vn_goods_participants": 400,
}


# (activity, unit, date, place, counts) of the few events recorded through the service.
EVENTS = [
    (
        "CV5",
        "HD-NHABE",
        dt.date(2023, 5, 13),
        "UBND xã Hiệp Phước",
        {"volunteer_saturday_sessions": 1, "volunteer_saturday_people": 85, "volunteer_saturday_dossiers": 32},
    ),
    (
        "CV5",
        "HD-NHABE",
        dt.date(2023, 5, 20),
        "UBND thị trấn Nhà Bè",
        {"volunteer_saturday_sessions": 1, "volunteer_saturday_people": 64, "volunteer_saturday_dossiers": 27},
    ),
    ("CV4", "QD1", dt.date(2023, 5, 27), "Nhà Văn hóa Thanh niên", {"job_fairs": 1, "youths_job_referrals": 230}),
    ("CV1", "QD1", dt.date(2023, 5, 4), "Hội trường Thành Đoàn Thành phố Hồ Chí Minh", {"conference_attendees": 3}),
]


# Figures the initiatives portal writes itself (thidua.initiatives.feed): never invented here.
FED = ("initiatives_submitted", "initiatives_feasible", "initiatives_forwarded", "initiatives_adopted")


def _level_one(unit: Unit, indicator: Indicator) -> float:
    """The unit's level-1 figure, the same whichever indicator asks: level 2 is drawn below it, so the
    campaign's validation rules (level 2 ≤ level 1) hold in the demo as in real data."""
    salt = "cadres" if "cán bộ" in indicator.denominator else ("members" if indicator.denominator else "guided")
    return random.Random(f"{unit.pk}-{salt}").uniform(0.55, 0.99)


def _values_for(indicator: Indicator, unit: Unit, rng: random.Random):
    """[(as_of, numerator, denominator)] rising over the three dates, or [] when the unit does not report."""
    if indicator.kind == Indicator.Kind.SHARE:
        return [(DATES[rng.randint(0, 1)], Decimal(int(rng.random() < SHARES.get(indicator.code, 0.8))), None)]
    if rng.random() < 0.08:
        return []  # some units never report some figures: "not reported", not zero
    if indicator.kind == Indicator.Kind.RATIO:
        base = unit.cadre_count if "cán bộ" in indicator.denominator else unit.member_count
        base = base or random.Random(f"{unit.pk}-size").randint(20, 200)  # the same for both levels
        level = _level_one(unit, indicator)
        if "mức độ 2" in indicator.name:
            level *= rng.uniform(0.6, 0.98)
        shares = [level * 0.6, level * 0.85, level]
        return [(d, Decimal(int(base * s)), Decimal(base)) for d, s in zip(DATES, shares)]
    size = COUNT_SIZE.get(indicator.code, 10)
    scale = 1.6 if unit.kind == UnitKind.DISTRICT else (1.3 if unit.kind == UnitKind.INSTITUTION else 0.7)
    if indicator.code in ("eid_l1_guided", "eid_l2_guided"):  # level 2 guided below level 1, as above
        factor = 1.8 * _level_one(unit, indicator) * (rng.uniform(0.4, 0.9) if "l2" in indicator.code else 1)
    else:
        factor = rng.uniform(0.3, 1.8)
    final = int(size * scale * factor)
    if indicator.code == "job_fairs" and unit.kind == UnitKind.INSTITUTION:
        final *= 4
    return [(d, Decimal(int(final * f)), None) for d, f in zip(DATES, (0.3, 0.65, 1.0))]


def _entered_at(day: dt.date, rng: random.Random) -> dt.datetime:
    """Some time in the working day the figures are as of (Ho Chi Minh City time)."""
    return vn_datetime(day, rng.randint(8, 17), rng.randint(0, 59))


def _history(indicator: Indicator, unit: Unit, actor, rng: random.Random, dates) -> tuple[list, IndicatorValue | None]:
    """One unit's changes of one indicator over the dates, and the value they leave (None if never reported)."""
    steps = [(dates[DATES.index(d)], num, den) for d, num, den in _values_for(indicator, unit, rng)]
    steps = [step for step in steps if step[0] is not None]
    changes = []
    old = (None, None)
    for as_of, num, den in steps:
        change = ValueChange(
            indicator=indicator,
            unit=unit,
            as_of=as_of,
            old_numerator=old[0],
            old_denominator=old[1],
            new_numerator=num,
            new_denominator=den,
            changed_by=actor,
            source=ValueChange.Source.FORM,
            changed_at=_entered_at(as_of, rng),
        )
        changes.append(change)
        old = (num, den)
    if not steps:
        return changes, None
    as_of, num, den = steps[-1]
    value = IndicatorValue(
        indicator=indicator,
        unit=unit,
        numerator=num,
        denominator=den,
        as_of=as_of,
        version=len(steps),
        updated_by=actor,
        updated_at=changes[-1].changed_at,
    )
    return changes, value


def _reports(units: list[Unit], indicators: list[Indicator], campaign: Campaign):
    """(unit, indicator) pairs that get figures: in scope, and only counts for closed units."""
    for unit in units:
        for indicator in indicators:
            if not in_scope(indicator, campaign, unit) or indicator.code in FED:
                continue
            if unit.closed_on and indicator.kind != Indicator.Kind.COUNT:
                continue
            yield unit, indicator


def _record_events(campaign: Campaign, *, coordinator, officers_by_unit: dict, shift: dt.timedelta, today) -> int:
    """A few events through the service (they add to the counts like any officer's entry)."""
    activities = {a.code: a for a in campaign.activities.all()}
    events = 0
    for code, unit_code, day, place, counts in EVENTS:
        unit = Unit.objects.filter(code=unit_code).first()
        date = day + shift
        if unit is None or (today and date > today):
            continue
        services.event_record(
            actor=officers_by_unit.get(unit_code) or coordinator,
            activity=activities[code],
            unit=unit,
            date=date,
            place=place,
            participants=max(counts.values()),
            description="",
            counts=counts,
        )
        events += 1
    return events


def _sign_off(campaign: Campaign, units: list[Unit], *, coordinator, officers_by_unit: dict, rng, today) -> int:
    """Sign-offs with the mid-term report: most approved, some awaiting, one sent back."""
    midterm = campaign.milestones.filter(kind="midterm").first()
    if midterm is None or (today and timeutils.local(midterm.deadline).date() > today):
        return 0  # the mid-term report is not due yet
    # The demo officers' own units stay open for editing.
    direct = [
        u
        for u in units
        if u.depth == campaign.issuer_unit.depth + 1
        and u.kind != UnitKind.DEPARTMENT
        and u.code not in officers_by_unit
    ]
    signoffs = 0
    for unit in rng.sample(direct, k=min(40, len(direct))):
        result = services.signoff_submit(
            actor=officers_by_unit.get(unit.code) or coordinator,
            milestone=midterm,
            unit=unit,
            as_of=timeutils.local(midterm.deadline).date(),
        )
        roll = rng.random()
        if roll < 0.7:
            services.signoff_decide(actor=coordinator, signoff=result.signoff, decision="approve")
        elif roll < 0.8:
            services.signoff_decide(
                actor=coordinator,
                signoff=result.signoff,
                decision="return",
                reason="Số liệu định danh điện tử chưa khớp với báo cáo sơ kết, đề nghị rà soát.",
            )
        signoffs += 1
    return signoffs


def build(
    campaign: Campaign,
    *,
    coordinator,
    officers_by_unit: dict,
    seed: int = 2023,
    shift: dt.timedelta = dt.timedelta(0),
    today: dt.date | None = None,
) -> dict[str, int]:
    """Figures entered over the campaign, a few events and sign-offs; for a campaign running now,
    its dates `shift`ed from the 2023 ones and nothing after `today`."""
    rng = random.Random(seed)
    dates = [d + shift if not today or d + shift <= today else None for d in DATES]
    indicators = list(campaign.indicators.all())
    units = [
        u
        for u in Unit.objects.subtree(campaign.issuer_unit).exclude(kind=UnitKind.BRANCH)
        if any(in_scope(i, campaign, u) for i in indicators)
    ]
    values, changes = [], []
    for unit, indicator in _reports(units, indicators, campaign):
        actor = officers_by_unit.get(unit.code) or coordinator
        unit_changes, value = _history(indicator, unit, actor, rng, dates)
        changes += unit_changes
        if value is not None:
            values.append(value)
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    ValueChange.objects.bulk_create(changes, batch_size=2000)
    services.aggregates_rebuild(campaign)
    events = _record_events(
        campaign, coordinator=coordinator, officers_by_unit=officers_by_unit, shift=shift, today=today
    )
    signoffs = _sign_off(
        campaign, units, coordinator=coordinator, officers_by_unit=officers_by_unit, rng=rng, today=today
    )
    return {"values": len(values), "changes": len(changes), "events": events, "signoffs": signoffs}
