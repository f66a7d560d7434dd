"""Scores recomputed by brute force from the raw rows (values, commitments, receipts, registrations,
events, initiatives, self-assessments, bonuses) and compared with thidua.commendation.scoring, line
by line, on random campaigns; then the ranking, its tie rule, and the command that prints it."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command

from thidua.campaigns.models import Activity, Assignment, AwardType, Cluster, Criterion, Indicator
from thidua.commendation import scoring
from thidua.commendation.models import Adjustment, Assessment, AssessmentLine
from thidua.initiatives.models import Initiative
from thidua.progress.models import ActivityEvent, IndicatorValue
from thidua.progress.services import event_record, indicator_value_set
from thidua.submissions.models import Commitment, DeadlineException, Registration, RegistrationRevision, Submission
from thidua.submissions.services import deadline_exception_set, registration_save
from thidua.units.models import Unit

from .test_submissions_services import add_officer, make_campaign, submit, vn

NOW = vn(2023, 7, 5, 9, 0)  # after every deadline
REGISTRATION_DEADLINE = vn(2023, 4, 20, 11, 0)
CENT, TENTH = Decimal("0.01"), Decimal("0.1")
MEMBERS = ("BCNLD", "QD1", "HD-NHABE")


def r2(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def build(tree, personas, seed: int):
    """A small published campaign with every kind of criterion, and random data for three units."""
    rng = random.Random(seed)
    campaign = make_campaign(tree, registration_deadline=REGISTRATION_DEADLINE)
    ct1, ct2 = campaign.indicators.get(code="CT1"), campaign.indicators.get(code="CT2")
    ct2.target_value = Decimal(80)
    ct2.save(update_fields=["target_value"])
    Cluster.objects.create(campaign=campaign, code="K1", name="Khối thử", kinds=["district"], unit_codes=["BCNLD"])
    AwardType.objects.create(campaign=campaign, code="BK", name="Bằng khen", level="collective", quota=1)
    specs = [
        ("TC1", "indicator", "CT1", None, 30),
        ("TC2", "indicator", "CT2", None, 20),
        ("TC3", "documents", "", None, 15),
        ("TC4", "registration", "", None, 5),
        ("TC5", "activities", "", None, 10),
        ("TC6", "initiatives", "", Decimal(2), 10),
        ("TC7", "manual", "", None, 10),
    ]
    for order, (code, source, indicator, target, points) in enumerate(specs):
        Criterion.objects.create(
            campaign=campaign, code=code, order=order, name=code, source=source, indicator_code=indicator,
            target=target, max_points=Decimal(points),
        )  # fmt: skip
    a1 = Activity.objects.create(campaign=campaign, code="A1", order=1, title="Ngày hội", description="x")
    Assignment.objects.create(activity=a1, order=1, role="lead", name_in_plan="Quận Đoàn 1", unit_code="QD1")
    a2 = Activity.objects.create(campaign=campaign, code="A2", order=2, title="Ra quân", description="x")
    Assignment.objects.create(activity=a2, order=1, role="lead", name_in_plan="Các cơ sở Đoàn", group="direct_units")
    Assignment.objects.create(activity=a2, order=2, role="co_lead", name_in_plan="Ban CNLĐ", unit_code="BCNLD")
    coordinator = personas["coordinator"]
    officers = {code: add_officer(tree[code], f"o_{code}_{seed}") for code in MEMBERS}
    ward = add_officer(tree["QD1-01"], f"o_ward_{seed}")
    for code in MEMBERS:
        unit = tree[code]
        if rng.random() < 0.8:
            indicator_value_set(
                actor=officers[code], indicator=ct1, unit=unit, numerator=rng.randint(0, 150), as_of=dt.date(2023, 6, 1)
            )
        if rng.random() < 0.8:
            den = rng.randint(0, 40)
            indicator_value_set(
                actor=officers[code], indicator=ct2, unit=unit, numerator=rng.randint(0, den), denominator=den,
                as_of=dt.date(2023, 6, 1),
            )  # fmt: skip
        if rng.random() < 0.8:
            late = rng.random() < 0.4
            registration_save(
                actor=coordinator if late else officers[code], campaign=campaign, unit=unit, on_behalf=late,
                commitments={ct1: Decimal(rng.choice([0, 50, 100, 120]))} if rng.random() < 0.8 else {},
                now=REGISTRATION_DEADLINE + dt.timedelta(days=1 if late else -1),
            )  # fmt: skip
        for milestone in campaign.milestones.all():
            roll = rng.random()
            if roll < 0.15:
                deadline_exception_set(
                    actor=coordinator, milestone=milestone, unit=unit, kind=DeadlineException.Kind.EXEMPTION,
                    reason="Đơn vị đang sáp nhập, không phải nộp.",
                )  # fmt: skip
            elif roll < 0.8:
                shift = dt.timedelta(hours=rng.choice([-30, -1, 2, 48]))
                submit(milestone, unit, officers[code], milestone.deadline + shift)
        for activity in (a1, a2):
            if rng.random() < 0.5:
                who, actor = (tree["QD1-01"], ward) if code == "QD1" and rng.random() < 0.5 else (unit, officers[code])
                event_record(actor=actor, activity=activity, unit=who, date=dt.date(2023, 5, 10), description="x")
        for i in range(rng.randint(0, 3)):
            Initiative.objects.create(
                campaign=campaign, code=f"SK{seed}-{code}-{i}", title="Sáng kiến", field="admin", problem="x", solution="x", benefit="x",
                authors="A", unit=tree["QD1-01"] if code == "QD1" and rng.random() < 0.5 else unit,
                contact_email="a@example.vn", status=rng.choice(["feasible", "adopted", "not_feasible", "submitted"]),
                created_by=officers[code] if rng.random() < 0.7 else None,
            )  # fmt: skip
        if rng.random() < 0.8:
            assessment = Assessment.objects.create(
                campaign=campaign, unit=unit, status=rng.choice(["draft", "submitted", "reviewed"])
            )
            AssessmentLine.objects.create(
                assessment=assessment, criterion=campaign.criteria.get(code="TC7"),
                self_points=Decimal(rng.randint(0, 10)),
                reviewed_points=Decimal(rng.randint(0, 10)) if assessment.status == "reviewed" else None,
            )  # fmt: skip
        if rng.random() < 0.5:
            Adjustment.objects.create(
                campaign=campaign, unit=unit, points=Decimal(rng.choice([-3, 2, 5])), reason="x", created_by=coordinator,
                withdrawn_at=NOW if rng.random() < 0.3 else None,
            )  # fmt: skip
    return campaign


# --- the brute force: straight from the rows -----------------------------------------------------------


def brute_indicator(campaign, unit, criterion):
    indicator = campaign.indicators.get(code=criterion.indicator_code)
    rows = list(IndicatorValue.objects.filter(indicator=indicator, unit__path__startswith=unit.path))
    if not rows:
        return Decimal(0)
    num = sum(r.numerator for r in rows)
    if indicator.kind == "count":
        value = num
        revisions = RegistrationRevision.objects.filter(registration__campaign=campaign, registration__unit=unit)
        latest = revisions.order_by("-number").first()
        commitment = Commitment.objects.filter(revision=latest, indicator=indicator).first() if latest else None
        reference = commitment.value if commitment else None
    else:
        den = sum(r.denominator or 0 for r in rows)
        if not den:
            return Decimal(0)
        value = (100 * num / den).quantize(TENTH)
        reference = indicator.target_value
    if not reference:
        return Decimal(0)
    attainment = (100 * value / reference).quantize(TENTH)
    return r2(criterion.max_points * min(attainment, Decimal(100)) / 100)


def brute_documents(campaign, unit, criterion):
    got, counted = Decimal(0), 0
    for milestone in campaign.milestones.all():
        if DeadlineException.objects.filter(milestone=milestone, unit=unit, kind="exemption").exists():
            continue
        first = Submission.objects.filter(milestone=milestone, unit=unit).order_by("version").first()
        counted += 1
        if first is not None:
            got += 1 if first.received_at < milestone.deadline else Decimal("0.5")
    return (r2(criterion.max_points * got / counted), True) if counted else (Decimal(0), False)


def brute_registration(campaign, unit, criterion):
    registration = Registration.objects.filter(campaign=campaign, unit=unit).first()
    if registration is None:
        return Decimal(0)
    first = registration.revisions.order_by("number").first()
    return criterion.max_points if first.created_at < REGISTRATION_DEADLINE else r2(criterion.max_points / 2)


def brute_activities(campaign, unit, criterion):
    led = [
        a
        for a in campaign.activities.all()
        if any(
            s.role == "lead" and (s.unit_code == unit.code or (s.group == "direct_units" and unit.kind == "district"))
            for s in a.assignments.all()
        )
    ]
    if not led:
        return Decimal(0), False
    done = [
        a
        for a in led
        if ActivityEvent.objects.filter(
            activity=a, unit__path__startswith=unit.path, withdrawn_at__isnull=True
        ).exists()
    ]
    return r2(criterion.max_points * len(done) / len(led)), True


def brute_initiatives(campaign, unit, criterion):
    count = sum(
        1
        for i in Initiative.objects.filter(campaign=campaign, unit__path__startswith=unit.path)
        if i.status in ("feasible", "forwarded", "piloted", "adopted", "declined")
        and (i.created_by_id or i.screened_at)
    )
    return r2(criterion.max_points * min(Decimal(count) / criterion.target, Decimal(1)))


def brute_manual(campaign, unit, criterion):
    line = AssessmentLine.objects.filter(
        assessment__campaign=campaign, assessment__unit=unit, criterion=criterion
    ).first()
    if line is None:
        return Decimal(0)
    if line.reviewed_points is not None:
        return min(line.reviewed_points, criterion.max_points)
    if line.assessment.status != "draft":
        return min(line.self_points, criterion.max_points)
    return Decimal(0)


def brute_score(campaign, unit):
    lines = []
    for criterion in campaign.criteria.all():
        result = {
            "indicator": brute_indicator,
            "documents": brute_documents,
            "registration": brute_registration,
            "activities": brute_activities,
            "initiatives": brute_initiatives,
            "manual": brute_manual,
        }[criterion.source](campaign, unit, criterion)
        points, applicable = result if isinstance(result, tuple) else (result, True)
        lines.append((criterion, points, applicable))
    bonus = sum(a.points for a in Adjustment.objects.filter(campaign=campaign, unit=unit, withdrawn_at__isnull=True))
    total = r2(sum(p for _c, p, ok in lines if ok) + bonus)
    out_of = sum(c.max_points for c, _p, ok in lines if ok)
    return lines, total, r2(100 * total / out_of)


@pytest.mark.parametrize("seed", range(6))
def test_every_score_equals_the_brute_force_from_the_raw_rows(tree, personas, settings, tmp_path, seed):
    settings.MEDIA_ROOT = tmp_path
    campaign = build(tree, personas, seed)
    cluster = campaign.clusters.get()
    ranked = scoring.ranking(campaign, cluster, now=NOW)
    assert sorted(s.unit.code for s in ranked) == sorted(MEMBERS)
    for score in ranked:
        lines, total, percent = brute_score(campaign, score.unit)
        got = [(line.criterion.code, line.points if line.applicable else None) for line in score.lines]
        want = [(c.code, p if ok else None) for c, p, ok in lines]
        assert got == want, score.unit.code
        assert (score.total, score.percent) == (total, percent), score.unit.code
    # Best first; the tie rule is the criteria's points in order, then the name.
    keys = [(-s.percent, *[-(line.points if line.applicable else 0) for line in s.lines], s.unit.name) for s in ranked]
    assert keys == sorted(keys) and [s.rank for s in ranked] == [1, 2, 3]


def test_each_line_says_why(tree, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    campaign = build(tree, personas, 3)
    [bcnld] = scoring.scores(campaign, [Unit.objects.get(code="BCNLD")], now=NOW)
    by_code = {line.criterion.code: line for line in bcnld.lines}
    assert not by_code["TC5"].applicable and by_code["TC5"].explanation == "Không chủ trì công việc nào."
    assert all(line.explanation for line in bcnld.lines)


def test_the_command_prints_the_ranking_with_every_criterion(tree, personas, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    campaign = build(tree, personas, 1)
    call_command("commendation_scores", campaign.slug, "--csv")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("cluster,rank,unit_code,unit,TC1,TC2,TC3,TC4,TC5,TC6,TC7,adjustments,total,max,percent")
    assert len(out) == 4 and {line.split(",")[2] for line in out[1:]} == set(MEMBERS)
    call_command("commendation_scores", campaign.slug, "--cluster", "K1")
    assert "Khối thử" in capsys.readouterr().out


def test_a_lower_is_better_indicator_scores_the_lower_value_higher(tree, personas):
    """Overdue dossiers and the like: against a commitment of 10, a unit with 0 gets full points,
    20 half of them, 40 a quarter, and the ranking puts the fewest first."""
    campaign = make_campaign(tree)
    ct1 = campaign.indicators.get(code="CT1")  # a count: judged against the unit's own commitment
    ct1.direction = Indicator.Direction.LOWER
    ct1.save(update_fields=["direction"])
    Criterion.objects.create(
        campaign=campaign, code="TC1", order=0, name="Hồ sơ trễ hạn", source="indicator", indicator_code="CT1",
        max_points=Decimal(30),
    )  # fmt: skip
    cluster = Cluster.objects.create(campaign=campaign, code="K1", name="Khối thử", unit_codes=list(MEMBERS))
    for code, value in (("BCNLD", 40), ("QD1", 0), ("HD-NHABE", 20)):
        officer = add_officer(tree[code], f"o_{code}")
        registration_save(
            actor=officer, campaign=campaign, unit=tree[code], commitments={ct1: Decimal(10)}, now=vn(2023, 4, 10)
        )
        indicator_value_set(actor=officer, indicator=ct1, unit=tree[code], numerator=value, as_of=dt.date(2023, 6, 1))
    ranked = scoring.ranking(campaign, cluster, now=NOW)
    assert [(s.unit.code, s.lines[0].points) for s in ranked] == [
        ("QD1", Decimal("30.00")),
        ("HD-NHABE", Decimal("15.00")),
        ("BCNLD", Decimal("7.50")),
    ]
    assert ranked[1].lines[0].explanation == "20 so với chỉ tiêu đăng ký 10: đạt 50 %."
