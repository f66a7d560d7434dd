"""The end of the 2023 campaign in the demo: a criteria set, three emulation clusters and the award
types added by the coordinator (a new version of the campaign), self-assessments (sent, reviewed),
bonus and penalty lines, proposals in every state and one decision with its awards."""

from __future__ import annotations

import copy
import datetime as dt
import random
from decimal import Decimal

from thidua.campaigns import definition as defn
from thidua.campaigns.models import Campaign
from thidua.campaigns.services import campaign_update
from thidua.commendation import services
from thidua.commendation.models import Proposal
from thidua.units.models import Unit

CRITERIA = [
    (
        "TC1",
        "Phát động phong trào thi đua tại 100% cơ sở Đoàn (mục tiêu 1)",
        20,
        "indicator",
        "launched_movement",
        None,
    ),
    (
        "TC2",
        "Cán bộ, công chức, viên chức trẻ đăng ký thi đua (mục tiêu 2)",
        15,
        "indicator",
        "young_civil_servants_committed",
        None,
    ),
    (
        "TC3",
        "Giới thiệu việc làm cho thanh niên so với chỉ tiêu đăng ký",
        15,
        "indicator",
        "youths_job_referrals",
        None,
    ),
    ("TC4", "Cơ sở Đoàn triển khai chuyển đổi số (mục tiêu 3)", 10, "indicator", "digital_transformation", None),
    ("TC5", "Gửi kế hoạch, báo cáo sơ kết, tổng kết đúng hạn", 15, "documents", None, None),
    ("TC6", "Đăng ký thi đua đúng hạn", 5, "registration", None, None),
    ("TC7", "Thực hiện các công việc được phân công chủ trì", 5, "activities", None, None),
    ("TC8", "Sáng kiến được Hội đồng đánh giá khả thi", 5, "initiatives", None, 2),
    (
        "TC9",
        "Cách làm hay, mô hình hiệu quả, công tác tuyên truyền (Hội đồng chấm, có minh chứng)",
        10,
        "manual",
        None,
        None,
    ),
]
CLUSTERS = [
    {"code": "QH", "name": "Cụm thi đua các quận, huyện, thành phố Thủ Đức", "kinds": ["district"], "units": []},
    {"code": "TH", "name": "Khối các trường đại học, cao đẳng", "kinds": ["school"], "units": []},
    {"code": "DN", "name": "Khối doanh nghiệp, tổng công ty", "kinds": ["corporation", "enterprise"], "units": []},
]
AWARDS = [
    {"code": "CO", "name": "Cờ thi đua của Ban Chấp hành Thành Đoàn", "level": "collective", "quota": 1},
    {"code": "BK", "name": "Bằng khen của Ban Chấp hành Thành Đoàn", "level": "collective", "quota": 2},
    {"code": "GK", "name": "Giấy khen của Ban Thường vụ Thành Đoàn", "level": "individual", "quota": None},
]
PEOPLE = [
    (
        "QD1",
        "Nguyễn Thị Hồng Nhung",
        "Phó Bí thư Quận Đoàn 1",
        "Tổ chức 12 buổi “Thứ Bảy tình nguyện” hỗ trợ 1.450 hồ sơ hành chính; giới thiệu việc làm cho 320 lượt thanh niên.",
    ),
    (
        "QD1",
        "Trần Minh Đức",
        "Bí thư Đoàn phường Bến Nghé",
        "Hướng dẫn 2.300 đoàn viên, thanh niên cài đặt tài khoản định danh điện tử mức độ 2.",
    ),
    (
        "HD-NHABE",
        "Lê Hoàng Phúc",
        "Chánh Văn phòng Huyện Đoàn Nhà Bè",
        "Đề xuất sáng kiến số hóa hồ sơ đoàn viên được Hội đồng đánh giá khả thi, áp dụng tại 7 xã, thị trấn.",
    ),
]


def _definition(campaign: Campaign) -> dict:
    d = copy.deepcopy(defn.export_definition(campaign))
    d["criteria"] = [
        {"code": c, "name": n, "max_points": p, "source": s, "indicator": i, "target": t, "description": None}
        for c, n, p, s, i, t in CRITERIA
    ]
    d["clusters"], d["award_types"] = copy.deepcopy(CLUSTERS), copy.deepcopy(AWARDS)
    return d


def build(campaign: Campaign, *, coordinator, steering, officers_by_unit: dict, seed: int = 2023) -> dict:
    rng = random.Random(seed)
    campaign_update(
        actor=coordinator,
        campaign=campaign,
        definition=_definition(campaign),
        reason="Bổ sung bảng tiêu chí chấm điểm, cụm thi đua và hình thức khen thưởng để tổng kết đợt thi đua.",
    )
    campaign.refresh_from_db()
    _assessments(campaign, coordinator, officers_by_unit, rng)
    units = {u.code: u for u in Unit.objects.filter(code__in=["QD1", "HD-NHABE", "QD3", "HD-CUCHI"])}
    services.adjustment_add(
        actor=coordinator, campaign=campaign, unit=units["QD3"], points=Decimal(2),
        reason="Đăng cai Ngày hội việc làm thanh niên cấp Thành phố ngày 14/5/2023.",
    )  # fmt: skip
    services.adjustment_add(
        actor=coordinator, campaign=campaign, unit=units["HD-CUCHI"], points=Decimal(-1),
        reason="Báo cáo sơ kết gửi sai biểu mẫu, phải gửi lại.",
    )  # fmt: skip
    counts = _proposals(campaign, coordinator, steering, officers_by_unit)
    return counts


def _assessments(campaign, coordinator, officers_by_unit, rng) -> None:
    """Every district sends its self-assessment (TC9 with evidence); most are reviewed; Nhà Bè's waits."""
    for unit in Unit.objects.filter(depth=2, kind="district").order_by("path"):
        officer = officers_by_unit.get(unit.code, coordinator)
        points = Decimal(rng.randint(6, 10))
        services.assessment_save(
            actor=officer,
            campaign=campaign,
            unit=unit,
            lines={
                "TC9": {
                    "self_points": points,
                    "evidence": f"Báo cáo sơ kết của {unit.name}; bài đăng trên trang Đoàn: https://thanhdoan.hochiminhcity.gov.vn",
                    "note": "",
                }
            },
            submit=True,
        )
        if unit.code == "HD-NHABE":
            continue
        record = unit.assessments.get(campaign=campaign)
        reviewed = max(points - rng.randint(0, 2), Decimal(0))
        note = "Minh chứng đầy đủ." if reviewed == points else "Một số minh chứng chưa rõ nguồn."
        services.assessment_review(
            actor=coordinator,
            assessment=record,
            lines={"TC9": {"reviewed_points": reviewed, "review_note": note}},
            finish=True,
        )


def _proposals(campaign, coordinator, steering, officers_by_unit) -> dict:
    """Proposals in every state: granted by a decision, approved after it, returned, withdrawn,
    awaiting the steering committee, proposed by a unit, and drafts not yet sent."""
    gk = campaign.award_types.get(code="GK")

    def person(code, index):
        unit_code, name, position, achievement = PEOPLE[index]
        return services.proposal_individual(
            actor=officers_by_unit.get(unit_code, coordinator), campaign=campaign, unit=Unit.objects.get(code=unit_code),
            award_type=gk, name=name, position=position, achievement=achievement,
        )  # fmt: skip

    first, second = person("QD1", 0), person("QD1", 1)
    services.proposals_from_ranking(actor=coordinator, campaign=campaign, cluster_code="QH")
    services.proposals_from_ranking(actor=coordinator, campaign=campaign, cluster_code="TH")
    services.proposals_submit(actor=coordinator, campaign=campaign)
    submitted = list(Proposal.objects.filter(campaign=campaign, status=Proposal.Status.SUBMITTED).order_by("id"))
    services.proposal_decide(
        actor=steering, proposal=second, approve=False,
        reason="Đề nghị bổ sung số liệu cụ thể về số đoàn viên được hướng dẫn tại phường.",
    )  # fmt: skip
    collectives = [p for p in submitted if not p.person_name]
    for proposal in [first, *collectives[:-3]]:
        services.proposal_decide(actor=steering, proposal=proposal, approve=True)
    services.decision_record(
        actor=coordinator,
        campaign=campaign,
        number="152-QĐ/TĐTN",
        signed_on=dt.date(2023, 7, 14),
        signer_name=campaign.signature_name or "Ngô Minh Hải",
        signer_position=campaign.signature_position or "PHÓ BÍ THƯ",
        on_behalf=campaign.signature_on_behalf or "TM. BAN THƯỜNG VỤ THÀNH ĐOÀN",
    )
    # After the decision: one line approved for the next one, one still awaiting, one withdrawn,
    # Nhà Bè's person proposed but not sent yet, and the enterprises' drafts.
    services.proposal_decide(actor=steering, proposal=collectives[-2], approve=True)
    services.proposal_withdraw(
        actor=coordinator, proposal=collectives[-1], reason="Đơn vị đang trong thời gian xem xét kỷ luật một cán bộ."
    )
    person("HD-NHABE", 2)
    services.proposals_from_ranking(actor=coordinator, campaign=campaign, cluster_code="DN")
    return {"proposals": Proposal.objects.filter(campaign=campaign).count()}
