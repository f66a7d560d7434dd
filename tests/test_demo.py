"""`make run`'s demo: the directory, the accounts and the seed campaign, idempotent."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum

from thidua.campaigns.models import Campaign
from thidua.commendation.models import Assessment, Decision, Proposal
from thidua.core import timeutils
from thidua.practices.models import Practice
from thidua.progress import rules
from thidua.submissions.models import Submission
from thidua.submissions.queries import expected_units, statuses, summarise
from thidua.units.models import DIRECT_KINDS, Role, RoleAssignment, Unit, UnitKind

pytestmark = pytest.mark.django_db

DISTRICTS = ["QD1", "QD3", "QD4", "QD5", "QD6", "QD7", "QD8", "QD10", "QD11", "QD12", "QD-BINHTAN", "QD-BINHTHANH",
             "QD-GOVAP", "QD-PHUNHUAN", "QD-TANBINH", "QD-TANPHU", "HD-BINHCHANH", "HD-CANGIO", "HD-CUCHI",
             "HD-HOCMON", "HD-NHABE", "TD-THUDUC"]  # fmt: skip


def test_demo_setup_builds_a_believable_city(capsys):
    call_command("demo_setup", "--branches", "500")
    out = capsys.readouterr().out
    for username in ("dieuphoi", "bcd", "quan1", "nhabe", "benghe", "xemquan1"):
        assert username in out
    # A persona for each kind of user, the grassroots officer and the read-only viewer included.
    roles = {
        a.user.username: (a.role, a.unit.code, a.unit.kind)
        for a in RoleAssignment.objects.select_related("user", "unit")
    }
    assert roles["benghe"] == (Role.OFFICER, "QD1-01", UnitKind.GRASSROOTS)
    assert roles["xemquan1"] == (Role.VIEWER, "QD1", UnitKind.DISTRICT)
    root = Unit.objects.get(depth=1)
    assert root.code == "TD" and root.kind == UnitKind.CITY
    direct = Unit.objects.filter(depth=2, kind__in=DIRECT_KINDS)
    assert 110 <= direct.count() <= 120
    assert set(DISTRICTS) <= set(direct.values_list("code", flat=True))
    assert Unit.objects.get(code="HD-NHABE").name == "Huyện Đoàn Nhà Bè"
    assert Unit.objects.filter(kind=UnitKind.BRANCH).count() == 500
    # Member counts add up: the city's members are the sum of its branches'.
    branches = Unit.objects.filter(kind=UnitKind.BRANCH).aggregate(n=Sum("member_count"))["n"]
    assert root.member_count == branches
    campaign = Campaign.objects.get(slug="cao-diem-2023")
    # Beside it, the same plan running now: today between the plan's deadline and the mid-term report's,
    # with plans sent on time, late and not at all, and nothing from the future.
    living = Campaign.objects.get(slug="cao-diem-dang-dien-ra")
    now = timeutils.now()
    plan, midterm = living.milestones.order_by("deadline")[:2]
    assert plan.deadline < now < midterm.deadline
    unit_ids = list(expected_units(plan, living).values_list("pk", flat=True))
    summary = summarise(statuses(plan, unit_ids))
    assert summary.on_time and summary.late and summary.missing
    assert not Submission.objects.filter(milestone=midterm).exists()
    assert not Submission.objects.filter(milestone__campaign=living, received_at__gt=now).exists()
    # The demo's figures keep the campaign's rules (forwarded ≤ feasible ≤ submitted, level 2 ≤ level 1).
    assert [v.message for v in rules.subtree_report(campaign, root) if v.refuses] == []
    # The library of effective models: published ones (two featured), one awaiting the coordinator.
    models = Practice.objects.filter(campaign=campaign)
    assert models.public().count() >= 4 and models.public().filter(featured=True).count() == 2
    assert models.filter(status="submitted").exists() and models.filter(status="returned").exists()
    made = models.count()
    proposals = _assert_commendation(campaign)
    # Running it again changes nothing and does not fail.
    call_command("demo_setup", "--branches", "500", "--quiet")
    assert models.count() == made
    assert Proposal.objects.filter(campaign=campaign).count() == proposals
    assert Decision.objects.filter(campaign=campaign).count() == 1
    assert Unit.objects.filter(kind=UnitKind.BRANCH).count() == 500
    assert get_user_model().objects.filter(username="quan1").count() == 1


def _assert_commendation(campaign) -> int:
    """The end of the 2023 campaign (thidua/demo/commendation.py): three clusters with their members,
    self-assessments sent and reviewed, proposals in every state, decision 152-QĐ/TĐTN and its awards."""
    clusters = {c.code: c for c in campaign.clusters.all()}
    assert list(clusters) == ["QH", "TH", "DN"]
    members = {code: list(c.members(campaign)) for code, c in clusters.items()}
    assert {u.code for u in members["QH"]} == set(DISTRICTS)
    assert members["TH"] and {u.kind for u in members["TH"]} == {UnitKind.SCHOOL}
    assert members["DN"] and {u.kind for u in members["DN"]} <= {UnitKind.CORPORATION, UnitKind.ENTERPRISE}
    assert campaign.criteria.count() == 9 and sum(c.max_points for c in campaign.criteria.all()) == 100
    assert set(campaign.award_types.values_list("code", flat=True)) == {"CO", "BK", "GK"}
    # Every district sent its self-assessment; all but Nhà Bè's are reviewed.
    assessments = Assessment.objects.filter(campaign=campaign)
    assert assessments.count() == len(DISTRICTS)
    assert set(assessments.exclude(status="reviewed").values_list("unit__code", flat=True)) == {"HD-NHABE"}
    assert assessments.get(unit__code="HD-NHABE").status == "submitted"
    # Proposals in every state the demo promises.
    proposals = Proposal.objects.filter(campaign=campaign).select_related("award_type", "unit", "decision")
    by_status = {}
    for p in proposals:
        by_status.setdefault(p.status, []).append(p)
    assert set(by_status) == set(Proposal.Status.values)
    assert {p.person_name for p in by_status["returned"]} == {"Trần Minh Đức"}
    assert {(p.unit.code, p.person_name) for p in by_status["proposed"]} == {("HD-NHABE", "Lê Hoàng Phúc")}
    assert {p.cluster_code for p in by_status["draft"]} == {"DN"}
    assert len(by_status["submitted"]) == len(by_status["approved"]) == len(by_status["withdrawn"]) == 1
    assert by_status["withdrawn"][0].decision is None
    # The decision, signed, and the awards it granted: exactly the decided proposals.
    decision = Decision.objects.get(campaign=campaign)
    assert decision.number == "152-QĐ/TĐTN" and decision.signed_on.isoformat() == "2023-07-14"
    granted = list(decision.proposals.all())
    assert sorted(p.pk for p in granted) == sorted(p.pk for p in by_status["decided"])
    assert {p.award_type.code for p in granted} == {"CO", "BK", "GK"}
    assert "Nguyễn Thị Hồng Nhung" in {p.person_name for p in granted}
    assert all(p.decision_id is None for s, rows in by_status.items() if s != "decided" for p in rows)
    return proposals.count()
