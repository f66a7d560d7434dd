"""The 2023 seed plan, fact for fact, and the definition file's round trip."""

import datetime as dt

import pytest
from django.core.management import call_command

from thidua.campaigns import definition as defn
from thidua.campaigns.checks import check_definition
from thidua.campaigns.models import Assignment, Campaign
from thidua.campaigns.services import campaign_load
from thidua.core.timeutils import VN_TZ

from .conftest import SEED_PATH

pytestmark = pytest.mark.django_db


def seed_body() -> str:
    return "".join(line for line in SEED_PATH.read_text(encoding="utf-8").splitlines(True) if not line.startswith("#"))


def test_export_of_loaded_seed_is_byte_identical(seed_campaign):
    assert defn.dump_text(defn.export_definition(seed_campaign)) == seed_body()


def test_load_of_export_reproduces_it(seed_campaign, tmp_path, capsys):
    call_command("campaign_export", seed_campaign.slug)
    exported = capsys.readouterr().out
    path = tmp_path / "again.yaml"
    path.write_text(exported.replace("slug: cao-diem-2023", "slug: cao-diem-2023-copy"), encoding="utf-8")
    call_command("campaign_load", str(path))
    copy = Campaign.objects.get(slug="cao-diem-2023-copy")
    again = defn.dump_text(defn.export_definition(copy))
    assert again == exported.replace("slug: cao-diem-2023", "slug: cao-diem-2023-copy")


def test_campaign_facts(seed_campaign):
    c = seed_campaign
    assert c.theme.startswith("Tuổi trẻ Thành phố Bác năng động, sáng tạo, dám nghĩ, biết làm")
    assert c.title.startswith("Tổ chức đợt thi đua cao điểm")
    assert "75 năm Ngày Bác Hồ ra Lời kêu gọi thi đua ái quốc" in c.context
    assert c.issuer_unit.code == "TD"
    assert c.issuer_name == "Ban Thường vụ Thành Đoàn"
    # The plan states no number and no issue date: the fields stay empty.
    assert c.document_number == "" and c.issue_date is None
    assert c.period_start_rule == Campaign.PeriodStart.ISSUE_DATE
    assert c.period_end == dt.date(2023, 6, 30)
    assert c.audience == "các cơ sở Đoàn, đoàn viên, thanh niên trên địa bàn Thành phố Hồ Chí Minh"
    assert c.steering_committee == "Ban Thường vụ Thành Đoàn"
    assert c.coordinator_unit.code == "BCNLD"
    assert "theo dõi việc đăng ký thi đua" in c.coordinator_duties
    assert "khen thưởng" in c.coordinator_duties and "tuyên dương, khen thưởng" in c.unit_duties
    assert c.submission_email == "bcnld.thanhdoan@tphcm.gov.vn"
    assert (c.signature_on_behalf, c.signature_position, c.signature_name) == (
        "TM. BAN THƯỜNG VỤ THÀNH ĐOÀN",
        "PHÓ BÍ THƯ",
        "Trần Thu Hà",
    )
    assert c.distribution == [
        "Trung ương Đoàn: Ban Bí thư, Ban TNCN và ĐT, Phòng Công tác Đoàn phía Nam;",
        "Thành ủy: TT, BDV, BTG, VP;",
        "UBND TP: TT, VP;",
        "MTTQVN TP và các tổ chức chính trị - xã hội;",
        "Các Sở, ngành Thành phố;",
        "Thành Đoàn: TT, Ban - Văn phòng;",
        "Các cơ sở Đoàn trực thuộc Thành Đoàn;",
        "Lưu (VT-LT).",
    ]


def test_three_goals_each_100_percent(seed_campaign):
    goals = list(seed_campaign.goals.all())
    assert [g.code for g in goals] == ["MT1", "MT2", "MT3"]
    assert all(g.target_value == 100 and g.target_unit == "%" for g in goals)
    assert "phát động" in goals[0].text and "thủ tục hành chính" in goals[1].text and "chuyển đổi số" in goals[2].text


PLAN_ASSIGNMENTS = {
    "CV1": ["BCNLD", "BTGDN", "VP"],
    "CV2": ["BMTANQP", "BCNLD", "BTNTH", "TTHTTNCN", "CATP", "group:direct_units"],
    "CV3": ["BCNLD", "BTGDN", "THTN", "TTHTTNCN", "DKDCD"],
    "CV4": ["BMTANQP", "BCNLD", "TTHTTNCN", "TTDVVLTN"],
    "CV5": ["BCNLD", "HD-NHABE", "DKDCD", "CATP"],
    "CV6": ["BCNLD", "TTPTKHCNT", "DKDCD"],
    "CV7": ["BMTANQP", "TD-THUDUC", "HD-BINHCHANH", "HD-CUCHI", "HD-HOCMON", "DKDCD"],
    "CV8": ["BCNLD", "TTHTTNCN"],
}


def test_eight_activities_with_every_unit_of_their_assignment_lines(seed_campaign):
    activities = list(seed_campaign.activities.prefetch_related("assignments"))
    assert len(activities) == 8
    for activity in activities:
        named = [s.unit_code or f"group:{s.group}" for s in activity.assignments.all()]
        assert named == PLAN_ASSIGNMENTS[activity.code], activity.code
        roles = [s.role for s in activity.assignments.all()]
        assert roles[0] == Assignment.Role.LEAD and set(roles[1:]) <= {Assignment.Role.CO_LEAD}
        # Every unit named in the plan's line is in the demo directory.
        assert all(s.unit_id for s in activity.assignments.all() if s.unit_code)
        assert activity.assignment_text.startswith("(Phân công ")


def test_conference_job_target_programmes(seed_campaign):
    acts = {a.code: a for a in seed_campaign.activities.all()}
    conf = acts["CV1"]
    assert conf.start_date == dt.date(2023, 5, 4) and conf.weekday_text == "thứ Năm" and conf.date_is_tentative
    assert conf.venue == "Hội trường Thành Đoàn Thành phố Hồ Chí Minh"
    assert acts["CV4"].target_value == 20000
    assert "định danh điện tử mức độ 2" in acts["CV2"].description
    assert acts["CV5"].programme.startswith("Ngày thứ Bảy tình nguyện")
    assert acts["CV6"].url == "http://2020.ytuongsangtaohcm.vn"
    assert "Vành đai 3" in acts["CV7"].description
    assert acts["CV8"].programme == "Người Việt Nam ưu tiên dùng hàng Việt Nam"


def test_three_deadlines_at_11_ict(seed_campaign):
    milestones = list(seed_campaign.milestones.all())
    assert [(m.kind, m.deadline.astimezone(VN_TZ)) for m in milestones] == [
        ("plan", dt.datetime(2023, 5, 6, 11, tzinfo=VN_TZ)),
        ("midterm", dt.datetime(2023, 5, 31, 11, tzinfo=VN_TZ)),
        ("final", dt.datetime(2023, 6, 23, 11, tzinfo=VN_TZ)),
    ]
    assert milestones[0].deadline == dt.datetime(2023, 5, 6, 4, tzinfo=dt.UTC)
    assert all(m.submit_to == "bcnld.thanhdoan@tphcm.gov.vn" for m in milestones)
    assert milestones[0].deadline_text == "trước 11g00 ngày 06/5/2023 (thứ Sáu)"
    # Every unit directly under the city union sends its documents.
    assert milestones[0].scope_groups == ["departments", "institutions", "enterprises", "direct_units"]


def test_ring_road_indicators_only_for_the_named_units(seed_campaign):
    ring = seed_campaign.indicators.filter(activity__code="CV7")
    assert ring.count() == 2
    for indicator in ring:
        assert indicator.scope_groups == []
        codes = set(indicator.scope_queryset(seed_campaign).values_list("code", flat=True))
        assert codes == {"TD-THUDUC", "HD-BINHCHANH", "HD-CUCHI", "HD-HOCMON", "DKDCD"}


def test_eid_and_jobs_indicators(seed_campaign):
    ind = {i.code: i for i in seed_campaign.indicators.all()}
    assert ind["eid_l2_members"].kind == "ratio" and ind["eid_l2_members"].target_value == 100
    assert ind["eid_l2_cadres"].kind == "ratio"
    assert ind["youths_job_referrals"].target_value == 20000 and ind["youths_job_referrals"].kind == "count"
    assert ind["launched_movement"].kind == "share"


def test_seed_warnings_name_the_saturday_deadline(seed_definition, demo_tree):
    findings = check_definition(seed_definition)
    codes = {(f.code, f.where) for f in findings}
    assert ("weekday_mismatch", "milestones[1]") in codes
    assert ("deadline_non_working_day", "milestones[1]") in codes
    assert ("period_start_unknown", "period") in codes
    # 31/5 (Wednesday) and 23/6 (Friday) are right; the conference is on a Thursday as written.
    assert not any(f.where in ("milestones[2]", "milestones[3]", "activities[1]") for f in findings)
    weekday = next(f for f in findings if f.code == "weekday_mismatch")
    assert "06/05/2023" in weekday.message and "thứ Sáu" in weekday.message and "thứ Bảy" in weekday.message


def test_loading_twice_needs_replace(seed_campaign, seed_definition):
    with pytest.raises(defn.DefinitionError):
        campaign_load(actor=None, definition=seed_definition)
    result = campaign_load(actor=None, definition=seed_definition, replace=True)
    assert not result.created and Campaign.objects.count() == 1
    assert result.campaign.activities.count() == 8
