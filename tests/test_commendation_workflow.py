"""From ranking to decision: self-assessment and its review, bonuses, proposals drafted within the
quotas, individuals proposed by their unit, the steering committee's approval or return, the
decision that grants and tells the units; every step audited, nothing deleted; the pages each
role uses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from thidua.campaigns.models import AwardType, Campaign
from thidua.commendation import scoring, services
from thidua.commendation.models import Assessment, AssessmentLine, Proposal
from thidua.core.errors import Refused
from thidua.core.models import AuditEntry, Notification
from thidua.core.outbox import OutboundEmail

from .test_commendation_scoring import NOW, build
from .test_submissions_services import add_officer


@pytest.fixture
def campaign(tree, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    campaign = build(tree, personas, 2)
    AwardType.objects.create(campaign=campaign, code="GK", name="Giấy khen cá nhân", level="individual", order=5)
    return campaign


def _no_assessment(campaign, unit):
    """The random data may have made one; these tests start from none (test data only: the app never deletes)."""
    AssessmentLine.objects.filter(assessment__campaign=campaign, assessment__unit=unit).delete()
    Assessment.objects.filter(campaign=campaign, unit=unit).delete()


def test_self_assessment_then_review_then_locked(campaign, tree, personas):
    officer = add_officer(tree["HD-NHABE"], "nb_assess")
    _no_assessment(campaign, tree["HD-NHABE"])
    lines = {"TC7": {"self_points": Decimal(8), "evidence": "https://example.vn/bao-cao", "note": ""}}
    with pytest.raises(Refused, match="0"):
        services.assessment_save(
            actor=officer, campaign=campaign, unit=tree["HD-NHABE"], lines={"TC7": {"self_points": Decimal(11)}}
        )
    record = services.assessment_save(actor=officer, campaign=campaign, unit=tree["HD-NHABE"], lines=lines)
    assert record.status == "draft"
    [score] = scoring.scores(campaign, [tree["HD-NHABE"]], now=NOW)
    assert score.lines[-1].points == 0  # a draft does not count yet
    services.assessment_save(actor=officer, campaign=campaign, unit=tree["HD-NHABE"], lines=lines, submit=True)
    [score] = scoring.scores(campaign, [tree["HD-NHABE"]], now=NOW)
    assert score.lines[-1].points == 8 and score.lines[-1].provisional
    record.refresh_from_db()
    services.assessment_review(
        actor=personas["coordinator"], assessment=record, lines={"TC7": {"reviewed_points": Decimal(6), "review_note": "Thiếu minh chứng."}}, finish=True
    )  # fmt: skip
    [score] = scoring.scores(campaign, [tree["HD-NHABE"]], now=NOW)
    assert score.lines[-1].points == 6 and score.lines[-1].explanation == "Thiếu minh chứng."
    assert Notification.objects.filter(user=officer, text__contains="thẩm định").exists()
    with pytest.raises(Refused):
        services.assessment_save(actor=officer, campaign=campaign, unit=tree["HD-NHABE"], lines=lines)
    assert AuditEntry.objects.filter(action__startswith="assessment.").count() == 3


def test_from_the_ranking_to_the_decision(campaign, tree, personas):
    coordinator = personas["coordinator"]
    ranked = scoring.ranking(campaign, campaign.clusters.get())
    drafted = services.proposals_from_ranking(actor=coordinator, campaign=campaign)
    assert [p.unit for p in drafted] == [ranked[0].unit] and drafted[0].rank == 1
    assert services.proposals_from_ranking(actor=coordinator, campaign=campaign) == []  # within the quota already
    person = services.proposal_individual(
        actor=add_officer(tree["QD1"], "q1_prop"), campaign=campaign, unit=tree["QD1"],
        award_type=campaign.award_types.get(code="GK"), name="Nguyễn Thị Hồng Nhung", position="Phó Bí thư",
        achievement="Tổ chức 12 buổi Thứ Bảy tình nguyện.",
    )  # fmt: skip
    with pytest.raises(Refused):  # a collective award is not for a person
        services.proposal_individual(
            actor=coordinator, campaign=campaign, unit=tree["QD1"], award_type=campaign.award_types.get(code="BK"),
            name="A", position="", achievement="B",
        )  # fmt: skip
    assert services.proposals_submit(actor=coordinator, campaign=campaign) == 2
    steering = personas["steering"]
    assert Notification.objects.filter(user=steering, text__contains="chờ duyệt").count() == 1
    with pytest.raises(Refused):
        services.proposal_decide(actor=steering, proposal=person, approve=False)  # a return needs a reason
    services.proposal_decide(actor=steering, proposal=drafted[0], approve=True)
    services.proposal_decide(actor=steering, proposal=person, approve=False, reason="Bổ sung số liệu cụ thể.")
    person.refresh_from_db()
    assert person.status == "returned" and person.return_reason == "Bổ sung số liệu cụ thể."
    decision = services.decision_record(
        actor=coordinator, campaign=campaign, number="125-QĐ/TĐTN", signed_on=dt.date(2023, 7, 20),
        signer_name="Ngô Minh Hải", signer_position="Phó Bí thư", on_behalf="TM. BAN THƯỜNG VỤ THÀNH ĐOÀN",
    )  # fmt: skip
    granted = list(decision.proposals.all())
    assert granted == [drafted[0]] and granted[0].status == "decided"
    unit = drafted[0].unit
    if unit.email_list:
        assert OutboundEmail.objects.filter(key=f"decision:{decision.pk}:{unit.pk}").count() == 1
    with pytest.raises(Refused):
        services.decision_record(
            actor=coordinator, campaign=campaign, number="126", signed_on=dt.date(2023, 7, 21), signer_name="x", signer_position="y"
        )  # fmt: skip
    # Corrected, the returned proposal goes round again; a decided one cannot be withdrawn.
    assert services.proposals_submit(actor=coordinator, campaign=campaign) == 1
    with pytest.raises(Refused):
        services.proposal_withdraw(actor=coordinator, proposal=granted[0], reason="x")
    services.proposal_withdraw(actor=coordinator, proposal=person, reason="Đơn vị rút đề nghị.")
    assert Proposal.objects.filter(campaign=campaign).count() == 2  # nothing deleted
    actions = set(AuditEntry.objects.filter(action__startswith="proposal.").values_list("action", flat=True))
    assert actions == {"proposal.draft", "proposal.propose", "proposal.submit", "proposal.decide", "proposal.withdraw"}


def test_bonus_and_penalty_move_the_score_and_stay_on_record(campaign, tree, personas):
    before = scoring.scores(campaign, [tree["QD1"]], now=NOW)[0].total
    line = services.adjustment_add(
        actor=personas["coordinator"], campaign=campaign, unit=tree["QD1"], points=Decimal("-2.5"), reason="Nộp báo cáo sai mẫu."
    )  # fmt: skip
    assert scoring.scores(campaign, [tree["QD1"]], now=NOW)[0].total == before - Decimal("2.5")
    services.adjustment_withdraw(actor=personas["coordinator"], adjustment=line, reason="Nhầm đơn vị.")
    assert scoring.scores(campaign, [tree["QD1"]], now=NOW)[0].total == before
    with pytest.raises(Refused):
        services.adjustment_add(
            actor=personas["coordinator"], campaign=campaign, unit=tree["QD1"], points=Decimal(1), reason=" "
        )


def test_a_draft_campaign_has_nothing_to_score(campaign, tree, personas):
    Campaign.objects.filter(pk=campaign.pk).update(status="draft")
    campaign.refresh_from_db()
    with pytest.raises(Refused):
        services.proposals_from_ranking(actor=personas["coordinator"], campaign=campaign)


# --- the pages ---------------------------------------------------------------------------------------


def test_every_unit_reads_the_ranking_and_why(client, campaign, tree, personas):
    client.force_login(personas["officer_nhabe"])
    page = client.get(reverse("commendation:ranking", args=[campaign.slug])).content.decode()
    for code in ("Quận Đoàn 1", "Huyện Đoàn Nhà Bè", "Ban Công nhân lao động"):
        assert code in page
    # Another unit's breakdown is open (rankings are shared); its evidence is not.
    other = client.get(reverse("commendation:unit", args=[campaign.slug, "QD1"])).content.decode()
    assert "Không chủ trì công việc nào." not in other and "trên" in other
    [q1] = scoring.scores(campaign, [tree["QD1"]])
    assert f"{q1.percent}".replace(".", ",") in other
    assert client.get(reverse("commendation:assessment", args=[campaign.slug, "QD1"])).status_code == 404


def test_the_steering_committee_approves_in_the_browser_and_the_decision_is_recorded(client, campaign, tree, personas):
    client.force_login(personas["coordinator"])
    proposals = reverse("commendation:proposals", args=[campaign.slug])
    assert client.post(reverse("commendation:proposals_draft", args=[campaign.slug])).status_code == 302
    assert client.post(reverse("commendation:proposals_submit", args=[campaign.slug])).status_code == 302
    proposal = Proposal.objects.get(campaign=campaign)
    decide = reverse("commendation:proposal_decide", args=[campaign.slug])
    assert client.post(decide, {"proposal": proposal.pk, "decision": "approve"}).status_code == 403
    client.force_login(personas["steering"])
    page = client.get(proposals).content.decode()
    assert "Chờ Ban Thường vụ duyệt" in page and 'value="approve"' in page
    client.post(decide, {"proposal": proposal.pk, "decision": "approve"})
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    client.force_login(personas["coordinator"])
    response = client.post(
        reverse("commendation:decision_record", args=[campaign.slug]),
        {
            "number": "125-QĐ/TĐTN",
            "signed_on": "20/07/2023",
            "signer_name": "Ngô Minh Hải",
            "signer_position": "Phó Bí thư",
        },
        follow=True,
    )
    assert "125-QĐ/TĐTN" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "decided" and proposal.decision.signed_on == dt.date(2023, 7, 20)


def test_a_unit_fills_in_its_self_assessment_in_the_browser(client, campaign, tree, personas):
    _no_assessment(campaign, tree["HD-NHABE"])
    client.force_login(personas["officer_nhabe"])
    page = reverse("commendation:assessment", args=[campaign.slug, "HD-NHABE"])
    assert client.get(page).status_code == 200
    response = client.post(
        page, {"assess": "submit", "self_TC7": "7,5", "evidence_TC7": "https://example.vn/minh-chung"}
    )
    assert response.status_code == 302
    record = Assessment.objects.get(campaign=campaign, unit=tree["HD-NHABE"])
    assert record.status == "submitted" and record.lines.get(criterion__code="TC7").self_points == Decimal("7.5")
    bad = client.post(page, {"assess": "save", "self_TC7": "99"})
    assert bad.status_code == 400 and "10" in bad.content.decode()
    client.force_login(personas["steering"])
    assert client.post(page, {"review": "finish", "reviewed_TC7": "5"}).status_code == 403


def test_the_unit_page_shows_the_self_assessment_beside_the_review(client, campaign, tree, personas):
    """Once reviewed, the unit's own points stay in sight beside the reviewed ones, with the change."""
    _no_assessment(campaign, tree["HD-NHABE"])
    officer = add_officer(tree["HD-NHABE"], "nb_side")
    lines = {"TC7": {"self_points": Decimal(8), "evidence": "https://example.vn/bao-cao", "note": ""}}
    record = services.assessment_save(actor=officer, campaign=campaign, unit=tree["HD-NHABE"], lines=lines, submit=True)
    services.assessment_review(
        actor=personas["coordinator"], assessment=record, lines={"TC7": {"reviewed_points": Decimal(6), "review_note": "Thiếu minh chứng."}}, finish=True
    )  # fmt: skip
    [score] = scoring.scores(campaign, [tree["HD-NHABE"]], now=NOW)
    line = score.lines[-1]
    assert (line.self_points, line.reviewed_points, line.review_change) == (8, 6, -2)
    for user in (personas["officer_nhabe"], personas["coordinator"]):
        client.force_login(user)
        page = client.get(reverse("commendation:unit", args=[campaign.slug, "HD-NHABE"])).content.decode()
        assert "<caption>" in page and '<th scope="col" class="num">Tự chấm</th>' in page
        assert '<th scope="col" class="num">Đã thẩm định</th>' in page
        assert '<td class="num" data-label="Tự chấm">8</td>' in page
        assert '6 <small class="review-change down">(−2' in page
        assert "Thiếu minh chứng." in page
    # The review page shows them side by side too, and the reviewer's form each line's own points.
    page = client.get(reverse("commendation:assessment", args=[campaign.slug, "HD-NHABE"])).content.decode()
    assert '<td class="num" data-label="Tự chấm">8</td>' in page and "(−2" in page
    assert "https://example.vn/bao-cao" in page and "Thiếu minh chứng." in page
    # Another unit reads the figures (rankings are shared), not the evidence.
    client.force_login(personas["officer_q1"])
    other = client.get(reverse("commendation:unit", args=[campaign.slug, "HD-NHABE"])).content.decode()
    assert "(−2" in other and "https://example.vn/bao-cao" not in other


def test_a_draft_self_assessment_is_not_shown_beside_anything(campaign, tree):
    _no_assessment(campaign, tree["HD-NHABE"])
    officer = add_officer(tree["HD-NHABE"], "nb_draft")
    services.assessment_save(
        actor=officer, campaign=campaign, unit=tree["HD-NHABE"], lines={"TC7": {"self_points": Decimal(9)}}
    )
    [score] = scoring.scores(campaign, [tree["HD-NHABE"]], now=NOW)
    assert score.lines[-1].self_points is None and score.lines[-1].review_change is None
