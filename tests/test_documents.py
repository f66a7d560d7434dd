"""Documents written from the live data, read back: the plan (every fact of the seed plan, in the
plan's order), the mid-term and final reports (figures equal to the roll-ups, the reporting rates of
the board, each cluster's ranking), the proposal letter and the decision with their lists, the
certificates (one PDF page per award, Vietnamese in the text layer); the same data gives the same
bytes; who may download what; the command; a large document written in the background, the same
file as the direct download, for its requester only."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from decimal import Decimal

import docx
import pypdf
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table as DocxTable

from thidua.campaigns.models import AwardType, Cluster, Criterion
from thidua.commendation import scoring, services
from thidua.commendation.models import Proposal
from thidua.core.audit import action_label
from thidua.core.models import AuditEntry, Export
from thidua.core.templatetags.thidua import number
from thidua.documents import background, registry, reports
from thidua.documents import services as document_services
from thidua.progress import queries as progress
from thidua.progress.services import indicator_value_set, signoff_decide, signoff_submit
from thidua.submissions import queries as submissions
from thidua.units.models import Role, RoleAssignment, Unit

from .conftest import verified_login
from .test_submissions_services import add_officer, submit, vn

pytestmark = pytest.mark.django_db
NOW = vn(2023, 7, 20, 9, 0)  # after every deadline and the decision
DISTRIBUTION = [
    "Trung ương Đoàn: Ban Bí thư, Ban TNCN và ĐT, Phòng Công tác Đoàn phía Nam;",
    "Thành ủy: TT, BDV, BTG, VP;",
    "UBND TP: TT, VP;",
    "MTTQVN TP và các tổ chức chính trị - xã hội;",
    "Các Sở, ngành Thành phố;",
    "Thành Đoàn: TT, Ban - Văn phòng;",
    "Các cơ sở Đoàn trực thuộc Thành Đoàn;",
    "Lưu (VT-LT).",
]


# --- reading documents back ------------------------------------------------------------------------------


def lines(data: bytes) -> list[str]:
    """Every paragraph of the Word file in reading order, table cells included (row by row)."""
    document = docx.Document(io.BytesIO(data))
    out = []
    for block in document.iter_inner_content():
        if isinstance(block, DocxTable):
            for row in block.rows:
                for cell in row.cells:
                    out.extend(p.text for p in cell.paragraphs)
        else:
            out.append(block.text)
    return [line for line in out if line.strip()]


def tables(data: bytes) -> list[list[list[str]]]:
    document = docx.Document(io.BytesIO(data))
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


def table_after(data: bytes, heading: str) -> list[list[str]]:
    """The first bordered table following the paragraph that starts with `heading`."""
    document = docx.Document(io.BytesIO(data))
    seen = False
    for block in document.iter_inner_content():
        if isinstance(block, DocxTable):
            if seen and block.style is not None and block.style.name == "Table Grid":
                return [[c.text for c in row.cells] for row in block.rows]
        elif block.text.startswith(heading):
            seen = True
    raise AssertionError(f"no table after {heading!r}")


def build(kind: str, campaign, **options) -> bytes:
    opts = registry.Options(**{"now": NOW, **options})
    if registry.KINDS[kind].needs_decision and opts.decision is None:
        opts.decision = registry.latest_decision(campaign)
    return registry.KINDS[kind].build(campaign, opts)


def assert_in_order(text: str, facts: list[str]) -> None:
    position = 0
    for fact in facts:
        found = text.find(fact, position)
        assert found >= 0, f"{fact!r} missing after position {position}: …{text[position : position + 120]}…"
        position = found + len(fact)


def assert_header_and_closing(data: bytes, *, signature=("TM. BAN THƯỜNG VỤ THÀNH ĐOÀN", "PHÓ BÍ THƯ", "Trần Thu Hà")):
    header = tables(data)[0][0]
    assert header[0].splitlines()[:2] == ["BAN CHẤP HÀNH TP. HỒ CHÍ MINH", "***"]
    assert header[0].splitlines()[2].startswith("Số:")
    assert header[1].splitlines()[0] == "ĐOÀN TNCS HỒ CHÍ MINH"
    assert header[1].splitlines()[-1].startswith("Thành phố Hồ Chí Minh, ngày ")
    closing = [t for t in tables(data) if t and t[0][0].startswith("Nơi nhận:")][0][0]
    assert closing[0].splitlines()[1:] == [f"- {line}" for line in DISTRIBUTION]
    assert [line for line in closing[1].splitlines() if line.strip()] == list(signature)


# --- the data: the seed campaign, scored, with a decision ------------------------------------------------


@pytest.fixture
def dossier(seed_campaign, settings, tmp_path):
    """The seed campaign with figures, documents received on time and late, a cluster of the
    districts and a criteria set, proposals drafted, approved and granted by decision 152-QĐ/TĐTN,
    and more proposals before the steering committee afterwards."""
    settings.MEDIA_ROOT = tmp_path
    campaign = seed_campaign
    units = {u.code: u for u in Unit.objects.filter(code__in=["TD", "QD1", "HD-NHABE", "QD3"])}
    users = {}
    for name, role in (("coordinator", Role.COORDINATOR), ("steering", Role.STEERING)):
        users[name] = add_officer(units["TD"], f"doc_{name}")
        RoleAssignment.objects.filter(user=users[name]).update(role=role)
    officers = {code: add_officer(units[code], f"doc_{code}") for code in ("QD1", "HD-NHABE", "QD3")}
    Cluster.objects.create(campaign=campaign, code="QH", name="Cụm thi đua các quận, huyện", kinds=["district"])
    Criterion.objects.create(campaign=campaign, code="TC1", order=1, name="Gửi văn bản đúng hạn", source="documents",
                             max_points=Decimal(50))  # fmt: skip
    Criterion.objects.create(campaign=campaign, code="TC2", order=2, name="Cán bộ trẻ tham gia", source="indicator",
                             indicator_code="young_civil_servants_committed", max_points=Decimal(50))  # fmt: skip
    AwardType.objects.create(campaign=campaign, code="BK", order=1, name="Bằng khen của Ban Chấp hành Thành Đoàn",
                             level="collective", quota=2)  # fmt: skip
    gk = AwardType.objects.create(campaign=campaign, code="GK", order=2, name="Giấy khen của Ban Thường vụ Thành Đoàn",
                                  level="individual")  # fmt: skip
    ratio = campaign.indicators.get(code="young_civil_servants_committed")
    jobs = campaign.indicators.get(code="youths_job_referrals")
    for code, (num, den, referred) in {"QD1": (30, 40, 1234), "HD-NHABE": (18, 20, 800), "QD3": (5, 25, 0)}.items():
        indicator_value_set(actor=officers[code], indicator=ratio, unit=units[code], numerator=num, denominator=den,
                            as_of=dt.date(2023, 6, 20))  # fmt: skip
        indicator_value_set(actor=officers[code], indicator=jobs, unit=units[code], numerator=referred,
                            as_of=dt.date(2023, 6, 20))  # fmt: skip
    kh, sk = campaign.milestones.get(code="KH"), campaign.milestones.get(code="SK")
    submit(kh, units["QD1"], officers["QD1"], kh.deadline - dt.timedelta(days=1))
    submit(kh, units["HD-NHABE"], officers["HD-NHABE"], kh.deadline + dt.timedelta(hours=3))
    submit(sk, units["QD1"], officers["QD1"], sk.deadline - dt.timedelta(hours=2))
    services.proposals_from_ranking(actor=users["coordinator"], campaign=campaign, cluster_code="QH", now=NOW)
    services.proposal_individual(
        actor=officers["QD1"], campaign=campaign, unit=units["QD1"], award_type=gk, name="Nguyễn Thị Hồng Nhung",
        position="Phó Bí thư Quận Đoàn 1", achievement="Tổ chức 12 buổi “Thứ Bảy tình nguyện” hỗ trợ 1.450 hồ sơ.",
    )  # fmt: skip
    services.proposals_submit(actor=users["coordinator"], campaign=campaign)
    for proposal in Proposal.objects.filter(campaign=campaign, status="submitted"):
        services.proposal_decide(actor=users["steering"], proposal=proposal, approve=True)
    services.decision_record(
        actor=users["coordinator"], campaign=campaign, number="152-QĐ/TĐTN", signed_on=dt.date(2023, 7, 14),
        signer_name="Trần Thu Hà", signer_position="PHÓ BÍ THƯ", on_behalf="TM. BAN THƯỜNG VỤ THÀNH ĐOÀN",
        title="V/v khen thưởng các tập thể, cá nhân có thành tích xuất sắc trong đợt thi đua cao điểm năm 2023",
    )  # fmt: skip
    later = services.proposal_individual(
        actor=officers["HD-NHABE"], campaign=campaign, unit=units["HD-NHABE"], award_type=gk, name="Lê Hoàng Phúc",
        position="Chánh Văn phòng Huyện Đoàn Nhà Bè", achievement="Sáng kiến số hóa hồ sơ đoàn viên.",
    )  # fmt: skip
    services.proposals_submit(actor=users["coordinator"], campaign=campaign)
    campaign.refresh_from_db()
    return {"campaign": campaign, "units": units, "users": users, "officers": officers, "later": later}


# --- the plan ----------------------------------------------------------------------------------------------

# BRIEF.md's "What the seed plan asks for", as the plan states each fact, in the plan's order.
SEED_FACTS = [
    "KẾ HOẠCH",  # 1. the campaign: kind, title, theme, context, period, audience
    "Tổ chức đợt thi đua cao điểm “Tuổi trẻ Thành phố Bác năng động, sáng tạo, dám nghĩ, biết làm",
    "75 năm Ngày Bác Hồ ra Lời kêu gọi thi đua ái quốc, Ban Thường vụ Thành Đoàn phát động",
    "I. THỜI GIAN - ĐỐI TƯỢNG:",
    "1. Thời gian: từ ngày ban hành kế hoạch đến ngày 30/6/2023.",
    "2. Đối tượng thực hiện: các cơ sở Đoàn, đoàn viên, thanh niên trên địa bàn Thành phố Hồ Chí Minh.",
    "II. NỘI DUNG THỰC HIỆN:",
    "1. Các mục tiêu chính:",  # 2. three goals, each 100 %
    "- 100% các cơ sở Đoàn tham mưu cấp ủy, lãnh đạo đơn vị phát động",
    "- 100% cán bộ, công chức, viên chức trẻ đẩy nhanh tốc độ xử lý",
    "- 100% các cơ sở Đoàn tham gia đẩy mạnh việc chuyển đổi số",
    "2. Các công việc cụ thể:",  # 3. eight activities with their assignments, date, venue, number
    "dự kiến ngày 04/5/2023 (thứ Năm) tại Hội trường Thành Đoàn Thành phố Hồ Chí Minh",
    "(Phân công Ban Công nhân lao động Thành Đoàn, Ban Tuyên giáo - Đối ngoại Thành Đoàn và Văn phòng Thành Đoàn",
    "tài khoản định danh điện tử mức độ 1, mức độ 2, trong đó 100% cán bộ Đoàn, đoàn viên",  # 4. e-ID
    "(Phân công Ban Mặt trận - An ninh quốc phòng - Địa bàn dân cư Thành Đoàn, Ban Công nhân lao động Thành Đoàn",
    "dịch vụ công trực tuyến",  # 5. online public services, library of models
    "Khuyến khích nhân rộng các mô hình, giải pháp, cách làm hiệu quả",
    "Truyền hình Thanh niên Thành phố, Trung tâm Hỗ trợ Thanh niên công nhân Thành phố và Đoàn Khối Dân - Chính",
    "phần đầu đạt 20.000 lượt thanh niên được giới thiệu việc làm",  # 6. job fairs
    "Trung tâm Dịch vụ việc làm thanh niên Thành phố triển khai thực hiện",
    "“Ngày thứ Bảy tình nguyện tuyên truyền sử dụng dịch vụ công trực tuyến",  # 7. Volunteer Saturday
    "(Phân công Ban Công nhân lao động Thành Đoàn, Huyện Đoàn Nhà Bè, Đoàn Khối Dân - Chính - Đảng Thành phố",
    "“Sáng kiến công chức, viên chức trẻ”",  # 8. initiatives
    "đánh giá những sáng kiến khả thi và phối hợp giới thiệu với các sở, ban ngành Thành phố",
    "Trung tâm Phát triển Khoa học Công nghệ trẻ",
    "dự án đường Vành đai 3",  # 9. Ring Road 3, only the units named
    "Thành Đoàn Thành phố Thủ Đức, Huyện Đoàn Bình Chánh, Huyện Đoàn Củ Chi, Huyện Đoàn Hóc Môn",
    "“Người Việt Nam ưu tiên dùng hàng Việt Nam”",  # 10.
    "III. PHÂN CÔNG THỰC HIỆN:",
    "1. Ban Thường vụ Thành Đoàn là Ban Chỉ đạo",  # 11. steering committee, tracking of registrations
    "theo dõi việc đăng ký thi đua của các đơn vị, báo cáo và đề xuất Ban Thường vụ Thành Đoàn khen thưởng",  # 13.
    "có hình thức tuyên dương, khen thưởng kịp thời",
    "(Địa chỉ mail: bcnld.thanhdoan@tphcm.gov.vn)",  # 12. three deadlines
    "+ Kế hoạch tổ chức: trước 11g00 ngày 06/5/2023 (thứ Sáu);",
    "+ Báo cáo sơ kết: trước 11g00 ngày 31/5/2023 (thứ Tư);",
    "+ Báo cáo tổng kết: trước 11g00 ngày 23/6/2023 (thứ Sáu).",
    "Với quyết tâm cùng Thành phố",
    "Nơi nhận:",  # 14. distribution and signature
    *[f"- {line}" for line in DISTRIBUTION],
    "TM. BAN THƯỜNG VỤ THÀNH ĐOÀN",
    "PHÓ BÍ THƯ",
    "Trần Thu Hà",
]


def test_the_plan_states_every_fact_of_the_seed_plan_in_its_order(seed_campaign):
    data = build("plan", seed_campaign)
    assert_in_order("\n".join(lines(data)), SEED_FACTS)
    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.subject == seed_campaign.theme
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm), round(section.top_margin.mm)) == (30, 15, 20)


def test_the_plan_has_the_unions_header_title_and_closing(seed_campaign):
    data = build("plan", seed_campaign)
    assert_header_and_closing(data)
    header = tables(data)[0][0]
    assert header[0].splitlines()[2] == "Số:        -KH/TĐTN-BCNLĐ"  # the plan states no number: left blank
    assert header[1].splitlines()[-1] == "Thành phố Hồ Chí Minh, ngày … tháng … năm 2023"
    body = lines(data)
    title = body.index("KẾ HOẠCH")
    assert body[title + 1] == seed_campaign.title and seed_campaign.theme in body[title + 1]
    document = docx.Document(io.BytesIO(data))
    kind = next(p for p in document.paragraphs if p.text == "KẾ HOẠCH")
    assert kind.runs[0].bold and kind.alignment == WD_ALIGN_PARAGRAPH.CENTER
    date_run = document.tables[0].rows[0].cells[1].paragraphs[-1].runs[0]
    assert date_run.italic


def test_a_plan_with_a_number_and_date_prints_them(seed_campaign):
    seed_campaign.document_number, seed_campaign.issue_date = "281-KH/TĐTN-BCNLĐ", dt.date(2023, 4, 28)
    seed_campaign.save()
    header = tables(build("plan", seed_campaign))[0][0]
    assert header[0].splitlines()[2] == "Số: 281-KH/TĐTN-BCNLĐ"
    assert header[1].splitlines()[-1] == "Thành phố Hồ Chí Minh, ngày 28 tháng 4 năm 2023"


# --- the reports ---------------------------------------------------------------------------------------------


def expected_indicator_row(indicator, figure):
    return reports.indicator_row(indicator, figure)


# The mid-term report has the live figures until its deadline (31/5/2023 11:00), then those of the
# deadline (below); the final report always has the live ones.
@pytest.mark.parametrize("kind, now", [("midterm-report", vn(2023, 5, 30, 9, 0)), ("final-report", NOW)])
def test_the_reports_figures_are_the_live_totals(dossier, kind, now):
    campaign = dossier["campaign"]
    data = build(kind, campaign, now=now)
    assert_header_and_closing(data)
    body = lines(data)
    assert body[body.index("BÁO CÁO") + 1].startswith("Sơ kết" if kind == "midterm-report" else "Tổng kết")
    assert campaign.theme in body[body.index("BÁO CÁO") + 1]
    assert any(re.fullmatch(r"Số liệu tính đến ngày \d\d/\d{1,2}/\d{4}\.", line) for line in body)
    issuer = campaign.issuer_unit
    goal = campaign.goals.get(code="MT2")
    rows = table_after(data, f"2. {goal.text}")
    assert rows[0] == ["Chỉ tiêu", "Kết quả", "Chỉ tiêu đề ra", "Đạt (%)", "Đơn vị đã báo cáo"]
    ratio = campaign.indicators.get(code="young_civil_servants_committed")
    live = progress.figure(ratio, issuer)
    assert live.numerator == 53 and live.denominator == 85  # 30/40 + 18/20 + 5/25
    assert rows[1] == [ratio.name, f"{number(live.value)} %", "100 %", f"{number(live.progress)} %",
                       f"{number(live.reported)}/{number(live.expected)}"]  # fmt: skip
    assert rows[1][1] == "62,4 %"
    jobs = campaign.indicators.get(code="youths_job_referrals")
    text = "\n".join(body)
    live_jobs = progress.figure(jobs, issuer)
    assert live_jobs.value == 2034 and f"{jobs.name}\n2.034\n20.000\n" in text


def test_the_report_from_approved_figures_only_says_so(dossier):
    campaign = dossier["campaign"]
    data = build("final-report", campaign, approved_only=True)
    body = lines(data)
    assert "Chưa có số liệu đã được xác nhận." in body  # nothing signed off and approved yet
    ratio = campaign.indicators.get(code="young_civil_servants_committed")
    approved = progress.approved_figure(ratio, campaign.issuer_unit)
    row = next(r for r in table_after(data, "2. ") if r[0] == ratio.name)
    assert approved.value is None and row[1] == "Chưa báo cáo"


def row_of(data: bytes, name: str) -> list[str]:
    """The indicator's row in the report's tables."""
    return next(row for table in tables(data) for row in table if row[0] == name)


@pytest.fixture
def referrals_over_time(seed_campaign, demo_tree, time_machine):
    """Youths referred to jobs: Quận Đoàn 1 reports 100 on 20/5 and signs them off with the
    mid-term report on 25/5 (approved after the deadline, on 2/6); after the mid-term deadline it
    raises them to 350 and Huyện Đoàn Nhà Bè reports 40 for the first time; Quận Đoàn 1 signs its
    final figures off on 20/6, approved the next day."""
    campaign = seed_campaign
    jobs = campaign.indicators.get(code="youths_job_referrals")
    q1, nhabe = demo_tree["QD1"], demo_tree["HD-NHABE"]
    officer = add_officer(q1, "asof_q1")
    sk, tk = campaign.milestones.get(code="SK"), campaign.milestones.get(code="TK")

    def at(instant):
        time_machine.move_to(instant.astimezone(dt.UTC), tick=False)

    at(vn(2023, 5, 20, 9, 0))
    indicator_value_set(actor=officer, indicator=jobs, unit=q1, numerator=100, as_of=dt.date(2023, 5, 20))
    at(vn(2023, 5, 25, 9, 0))
    midterm = signoff_submit(actor=officer, milestone=sk, unit=q1, as_of=dt.date(2023, 5, 25)).signoff
    at(vn(2023, 6, 2, 9, 0))
    signoff_decide(actor=None, signoff=midterm, decision="approve")
    at(vn(2023, 6, 15, 9, 0))
    indicator_value_set(actor=officer, indicator=jobs, unit=q1, numerator=350, as_of=dt.date(2023, 6, 15))
    indicator_value_set(actor=None, indicator=jobs, unit=nhabe, numerator=40, as_of=dt.date(2023, 6, 15))
    at(vn(2023, 6, 20, 9, 0))
    final = signoff_submit(actor=officer, milestone=tk, unit=q1, as_of=dt.date(2023, 6, 20)).signoff
    at(vn(2023, 6, 21, 9, 0))
    signoff_decide(actor=None, signoff=final, decision="approve")
    at(NOW)
    return campaign, jobs


def test_the_midterm_report_has_the_figures_as_they_stood_at_its_deadline(referrals_over_time):
    campaign, jobs = referrals_over_time
    expected = progress.figure(jobs, campaign.issuer_unit).expected
    midterm, final = build("midterm-report", campaign), build("final-report", campaign)
    assert row_of(midterm, jobs.name)[1:] == ["100", "20.000", "0,5 %", f"1/{expected}"]
    assert "Số liệu tính đến hạn gửi báo cáo sơ kết (11g00 ngày 31/5/2023)." in lines(midterm)
    assert row_of(final, jobs.name)[1:] == ["390", "20.000", "2 %", f"2/{expected}"]
    assert "Số liệu tính đến ngày 15/6/2023." in lines(final)
    # Approved figures only: those signed off by the deadline (approved since) / the latest approved.
    midterm = build("midterm-report", campaign, approved_only=True)
    assert row_of(midterm, jobs.name)[1] == "100"
    assert "Số liệu đã được xác nhận (phê duyệt) tính đến hạn gửi báo cáo sơ kết (11g00 ngày 31/5/2023)." in lines(
        midterm
    )
    assert row_of(build("final-report", campaign, approved_only=True), jobs.name)[1] == "350"
    # Before its deadline the mid-term report has the live figures; the option picks any instant.
    assert row_of(build("midterm-report", campaign, now=vn(2023, 5, 31, 10, 59)), jobs.name)[1] == "390"
    chosen = build("final-report", campaign, as_of=vn(2023, 5, 21, 0, 0))
    assert row_of(chosen, jobs.name)[1] == "100" and "Số liệu tính đến 00g00 ngày 21/5/2023." in lines(chosen)
    assert row_of(build("final-report", campaign, as_of=vn(2023, 5, 19)), jobs.name)[1] == "Chưa báo cáo"


def test_the_command_writes_a_report_as_of_a_day(referrals_over_time, tmp_path, capsys):
    campaign, jobs = referrals_over_time
    out = tmp_path / "report.docx"
    call_command(
        "campaign_document", campaign.slug, "--kind", "final-report", "--as-of", "2023-05-31", "--out", str(out)
    )
    assert row_of(out.read_bytes(), jobs.name)[1] == "100"
    assert "Báo cáo tổng kết - cao-diem-2023 - số liệu đến 31-05-2023.docx" in capsys.readouterr().out
    with pytest.raises(CommandError, match="not a date"):
        call_command("campaign_document", campaign.slug, "--kind", "final-report", "--as-of", "31/5", "--out", str(out))


def test_the_reports_reporting_rates_are_the_boards(dossier):
    campaign = dossier["campaign"]
    final = table_after(build("final-report", campaign), "III. TÌNH HÌNH GỬI VĂN BẢN")
    midterm = table_after(build("midterm-report", campaign), "III. TÌNH HÌNH GỬI VĂN BẢN")
    assert [r[0] for r in final[1:]] == ["Kế hoạch tổ chức", "Báo cáo sơ kết", "Báo cáo tổng kết"]
    assert [r[0] for r in midterm[1:]] == ["Kế hoạch tổ chức", "Báo cáo sơ kết"]  # up to the mid-term
    board = submissions.board(campaign, within=campaign.issuer_unit, now=NOW)
    for row, summary in zip(final[1:], board.summaries):
        assert row[2:8] == [number(v) for v in (summary.expected, summary.on_time, summary.late, summary.missing,
                                                summary.awaiting, summary.exempted)]  # fmt: skip
    kh = board.summaries[0]
    assert (kh.on_time, kh.late) == (1, 1) and final[1][1] == "11g00 06/5/2023"


def test_the_reports_rank_each_cluster_as_the_scoring_does(dossier):
    campaign = dossier["campaign"]
    data = build("final-report", campaign)
    ranked = scoring.ranking(campaign, campaign.clusters.get(), now=NOW)
    rows = table_after(data, "1. Cụm thi đua các quận, huyện")
    assert rows[0] == ["Hạng", "Đơn vị", "Điểm", "Tối đa", "Tỷ lệ"]
    assert [r[1] for r in rows[1:]] == [s.unit.name for s in ranked]
    assert [r[2] for r in rows[1:]] == [number(s.total) for s in ranked]
    assert [r[1] for r in rows[1:3]] == ["Quận Đoàn 1", "Huyện Đoàn Nhà Bè"]  # two documents on time beat one late
    text = "\n".join(lines(data))
    assert "- Quyết định số 152-QĐ/TĐTN ngày 14/7/2023: khen thưởng 2 tập thể và 1 cá nhân." in text
    assert "- Đang trình Ban Thường vụ xem xét: 1 đề nghị khen thưởng." in text


# --- the proposal and the decision --------------------------------------------------------------------------


def test_the_proposal_lists_what_is_before_the_steering_committee(dossier):
    campaign = dossier["campaign"]
    data = build("proposal", campaign)
    header = tables(data)[0][0]
    assert header[0].splitlines() == ["BCH ĐOÀN TP. HỒ CHÍ MINH", "BAN CÔNG NHÂN LAO ĐỘNG", "***",
                                      "Số:        -TTr/TĐTN-BCNLĐ"]  # fmt: skip
    text = "\n".join(lines(data))
    assert_in_order(text, ["TỜ TRÌNH", campaign.theme, "Kính gửi: Ban Thường vụ Thành Đoàn",
                           "khen thưởng 1 cá nhân", "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
                           "1. Giấy khen của Ban Thường vụ Thành Đoàn (1 cá nhân)"])  # fmt: skip
    people = table_after(data, "1. Giấy khen")
    assert people[1] == ["1", "Lê Hoàng Phúc", "Chánh Văn phòng Huyện Đoàn Nhà Bè, Huyện Đoàn Nhà Bè",
                         "Sáng kiến số hóa hồ sơ đoàn viên.", "Chờ duyệt"]  # fmt: skip
    assert "Nguyễn Thị Hồng Nhung" not in text  # granted already: in the decision, not before the committee


def test_the_proposal_by_cluster_and_form_before_the_decision(dossier):
    campaign = dossier["campaign"]
    Proposal.objects.filter(campaign=campaign, status="decided").update(status="approved", decision=None)
    data = build("proposal", campaign)
    proposed = Proposal.objects.filter(campaign=campaign, status__in=["submitted", "approved"])
    assert proposed.count() == 4
    rows = table_after(data, "1. Bằng khen")
    collectives = proposed.filter(person_name="").order_by("rank")
    assert [r[1] for r in rows[1:]] == [p.unit.name for p in collectives]
    assert [r[3] for r in rows[1:]] == [number(p.score) for p in collectives]
    assert {r[4] for r in rows[1:]} == {"Đã duyệt"}
    assert "Cụm thi đua các quận, huyện" in lines(data)


def test_the_decision_states_its_number_date_signer_and_list(dossier):
    campaign = dossier["campaign"]
    data = build("decision", campaign)
    assert_header_and_closing_decision(data)
    text = "\n".join(lines(data))
    assert_in_order(text, ["QUYẾT ĐỊNH", "V/v khen thưởng các tập thể, cá nhân", "BAN THƯỜNG VỤ THÀNH ĐOÀN",
                           "QUYẾT ĐỊNH:", "Điều 1. Khen thưởng 2 tập thể và 1 cá nhân", campaign.theme,
                           "- Bằng khen của Ban Chấp hành Thành Đoàn: 2 tập thể;",
                           "- Giấy khen của Ban Thường vụ Thành Đoàn: 1 cá nhân.",
                           "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG",
                           "(Kèm theo Quyết định số 152-QĐ/TĐTN ngày 14/7/2023"])  # fmt: skip
    granted = Proposal.objects.filter(campaign=campaign, status="decided")
    rows = table_after(data, "1. Bằng khen")
    assert [r[1] for r in rows[1:]] == [p.unit.name for p in granted.filter(person_name="").order_by("rank")]
    assert table_after(data, "2. Giấy khen")[1][1] == "Nguyễn Thị Hồng Nhung"
    assert "Lê Hoàng Phúc" not in text


def assert_header_and_closing_decision(data):
    header = tables(data)[0][0]
    assert header[0].splitlines() == ["BAN CHẤP HÀNH TP. HỒ CHÍ MINH", "***", "Số: 152-QĐ/TĐTN"]
    assert header[1].splitlines()[-1] == "Thành phố Hồ Chí Minh, ngày 14 tháng 7 năm 2023"
    closing = [t for t in tables(data) if t and t[0][0].startswith("Nơi nhận:")][0][0]
    assert [line for line in closing[1].splitlines() if line.strip()] == [
        "TM. BAN THƯỜNG VỤ THÀNH ĐOÀN",
        "PHÓ BÍ THƯ",
        "Trần Thu Hà",
    ]


# --- the certificates ---------------------------------------------------------------------------------------


def pdf_pages(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    return [page.extract_text() for page in reader.pages]


def test_one_certificate_page_per_award_with_vietnamese_text(dossier):
    campaign = dossier["campaign"]
    data = build("certificates", campaign)
    pages = pdf_pages(data)
    granted = list(Proposal.objects.filter(campaign=campaign, status="decided").select_related("unit"))
    assert len(pages) == len(granted) == 3
    for page in pages:
        assert "ĐOÀN TNCS HỒ CHÍ MINH" in page and "Quyết định số 152-QĐ/TĐTN ngày 14/7/2023" in page
        assert "Thành phố Hồ Chí Minh, ngày 14 tháng 7 năm 2023" in page and "Trần Thu Hà" in page
    person = next(p for p in pages if "Nguyễn Thị Hồng Nhung" in p)
    assert "GIẤY KHEN" in person and "Giấy khen của Ban Thường vụ Thành Đoàn" in person
    assert "Đồng chí Nguyễn Thị Hồng Nhung" in person and "Phó Bí thư Quận Đoàn 1" in person
    collectives = [p for p in pages if "BẰNG KHEN" in p]
    names = {p.unit.name for p in granted if not p.is_individual}
    assert len(collectives) == 2 and all(any(n in page for n in names) for page in collectives)
    assert any("Huyện Đoàn Nhà Bè" in page for page in collectives)
    assert "Tuổi trẻ Thành phố Bác năng động" in pages[0]


def test_a_unit_gets_only_its_own_certificates(dossier):
    campaign = dossier["campaign"]
    q1 = dossier["units"]["QD1"]
    opts = registry.Options(now=NOW, decision=registry.latest_decision(campaign), unit=q1)
    spec = registry.KINDS["certificates"]
    assert registry.prepare(spec, campaign, dossier["officers"]["QD1"], opts)
    pages = pdf_pages(spec.build(campaign, opts))
    granted = Proposal.objects.filter(campaign=campaign, status="decided", unit=q1)
    assert len(pages) == granted.count() and all("Quận Đoàn 1" in p for p in pages)
    other = registry.Options(now=NOW, decision=opts.decision, unit=dossier["units"]["HD-NHABE"])
    assert not registry.prepare(spec, campaign, dossier["officers"]["QD1"], other)


# --- same data, same document -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(registry.KINDS))
def test_the_same_data_gives_the_same_bytes(dossier, kind, time_machine):
    campaign = dossier["campaign"]
    first = build(kind, campaign)
    time_machine.move_to(dt.datetime(2031, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
    again = build(kind, campaign)
    assert first == again
    if kind != "certificates":
        entries = zipfile.ZipFile(io.BytesIO(first)).infolist()
        assert {e.date_time for e in entries} == {(1980, 1, 1, 0, 0, 0)}
        props = docx.Document(io.BytesIO(first)).core_properties
        assert props.created == props.modified
    else:
        assert pypdf.PdfReader(io.BytesIO(first)).metadata["/CreationDate"].startswith("D:20230714")


# --- downloads and who may have them ---------------------------------------------------------------------


def url(kind, **query):
    base = reverse("documents:download", kwargs={"slug": "cao-diem-2023", "kind": kind})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_downloads_carry_a_vietnamese_file_name_and_type(dossier, client_for):
    client = client_for(dossier["users"]["coordinator"])
    response = client.get(url("plan"))
    assert response.status_code == 200
    assert response["Content-Type"] == registry.DOCX
    assert "filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20-%20cao-diem-2023.docx" in response["Content-Disposition"]
    assert "KẾ HOẠCH" in lines(response.content)
    response = client.get(url("final-report", **{"da-xac-nhan": 1}))
    assert "s%E1%BB%91%20li%E1%BB%87u%20%C4%91%C3%A3%20x%C3%A1c%20nh%E1%BA%ADn.docx" in response["Content-Disposition"]
    assert "Chưa có số liệu đã được xác nhận." in lines(response.content)
    response = client.get(url("certificates"))
    assert response["Content-Type"] == "application/pdf" and len(pdf_pages(response.content)) == 3
    assert "152-Q%C4%90-T%C4%90TN" in response["Content-Disposition"]
    assert client.get(url("no-such-kind")).status_code == 404
    assert client.get(url("decision", **{"quyet-dinh": "abc"})).status_code == 404
    assert client.get(url("decision", **{"quyet-dinh": "99999999"})).status_code == 404


def test_who_may_download_what(dossier, client_for, django_user_model):
    officer = dossier["officers"]["QD1"]
    client = client_for(officer)
    assert client.get(url("plan")).status_code == 200  # everyone who sees the campaign
    for kind in ("midterm-report", "final-report", "proposal", "decision"):
        assert client.get(url(kind)).status_code == 403, kind
    assert client.get(url("certificates")).status_code == 200  # its own awards only
    assert len(pdf_pages(client.get(url("certificates")).content)) == 2
    assert client.get(url("certificates", **{"don-vi": "HD-NHABE"})).status_code == 404  # not its unit
    steering = client_for(dossier["users"]["steering"])
    for kind in registry.KINDS:
        assert steering.get(url(kind)).status_code == 200, kind
    outsider = client_for(django_user_model.objects.create_user(username="doc_outsider", password="x-pw-12345"))
    assert outsider.get(url("plan")).status_code == 404
    assert outsider.get(url("certificates")).status_code == 404
    client.logout()
    assert client.get(url("plan")).status_code == 302


def downloads():
    return AuditEntry.objects.filter(action=document_services.DOWNLOAD)


def test_each_download_is_in_the_audit_trail_with_the_bytes_hash(dossier, client, client_for, django_user_model):
    campaign, coordinator = dossier["campaign"], dossier["users"]["coordinator"]
    client = client_for(coordinator)
    response = client.get(url("final-report", **{"da-xac-nhan": 1}))
    [entry] = downloads()
    assert (entry.actor, entry.object_type, entry.object_id) == (coordinator, "campaigns.campaign", str(campaign.pk))
    assert entry.changes == {
        "kind": [None, "final-report"],
        "approved_only": [None, True],
        "file": [None, "Báo cáo tổng kết - cao-diem-2023 - số liệu đã xác nhận.docx"],
        "size": [None, len(response.content)],
        "sha256": [None, hashlib.sha256(response.content).hexdigest()],
    }
    officer = dossier["officers"]["QD1"]
    response = client_for(officer).get(url("certificates", **{"don-vi": "QD1"}))
    entry = downloads().latest("id")
    decision = registry.latest_decision(campaign)
    assert entry.actor == officer and entry.changes["kind"] == [None, "certificates"]
    assert (entry.changes["decision"], entry.changes["decision_number"], entry.changes["unit"]) == (
        [None, decision.pk], [None, "152-QĐ/TĐTN"], [None, "QD1"]
    )  # fmt: skip
    assert entry.changes["sha256"] == [None, hashlib.sha256(response.content).hexdigest()]
    assert client.head(url("plan")).status_code == 200
    assert downloads().count() == 2  # a HEAD hands out no bytes
    with translation.override("vi"):
        assert action_label(document_services.DOWNLOAD) == "Tải văn bản của đợt thi đua"
    # The admin's audit list names the action in Vietnamese and filters on it.
    admin = django_user_model.objects.create_superuser("doc_admin", "qt@example.vn", "pw-for-tests-1")
    page = verified_login(client, admin).get("/quan-tri/core/auditentry/?action=campaign_document.download")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('<td class="field-label">Tải văn bản của đợt thi đua</td>') == 2


def test_a_refused_download_is_not_recorded(dossier, client_for, django_user_model):
    officer = client_for(dossier["officers"]["QD1"])
    assert officer.get(url("final-report")).status_code == 403  # no right to it
    assert officer.get(url("certificates", **{"don-vi": "HD-NHABE"})).status_code == 404
    outsider = client_for(django_user_model.objects.create_user(username="doc_outsider2", password="x-pw-12345"))
    assert outsider.get(url("plan")).status_code == 404
    coordinator = client_for(dossier["users"]["coordinator"])
    assert coordinator.get(url("decision", **{"quyet-dinh": "99999999"})).status_code == 404
    Proposal.objects.filter(status__in=["submitted", "approved"]).update(status="withdrawn")
    response = coordinator.get(url("proposal"), follow=True)  # nothing to write: the build refuses
    assert "Chưa có đề nghị khen thưởng" in response.content.decode()
    assert not downloads().exists()


def test_without_a_decision_the_decision_and_certificates_wait(seed_campaign, client_for, demo_tree):
    coordinator = add_officer(demo_tree["TD"], "doc_c2")
    RoleAssignment.objects.filter(user=coordinator).update(role=Role.COORDINATOR)
    client = client_for(coordinator)
    for kind in ("decision", "certificates"):
        response = client.get(url(kind), follow=True)
        assert "Chưa ghi nhận quyết định khen thưởng nào." in response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("campaigns:detail", args=["cao-diem-2023"])
    response = client.get(url("proposal"), follow=True)
    assert "Chưa có đề nghị khen thưởng" in response.content.decode()
    assert not downloads().exists()  # refused: nothing handed out, nothing recorded
    with pytest.raises(CommandError, match="No decision"):
        call_command("campaign_document", "cao-diem-2023", "--kind", "decision", "--out", "/dev/null")


def test_the_command_writes_each_kind(dossier, tmp_path, capsys):
    for kind in registry.KINDS:
        out = tmp_path / f"{kind}.bin"
        call_command("campaign_document", "cao-diem-2023", "--kind", kind, "--out", str(out))
        assert out.read_bytes()[:4] == (b"%PDF" if kind == "certificates" else b"PK\x03\x04")
    assert "Giấy khen - 152-QĐ-TĐTN.pdf" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No campaign"):
        call_command("campaign_document", "nope", "--kind", "plan", "--out", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="No decision"):
        call_command("campaign_document", "cao-diem-2023", "--kind", "decision", "--decision", "1-QĐ", "--out", "x")


def test_the_decisions_subject_line_reads_as_the_union_writes_it():
    from thidua.documents.awards import counts_line, decision_subject

    assert decision_subject("Quyết định khen thưởng các tập thể") == "Về việc khen thưởng các tập thể"
    assert decision_subject("V/v khen thưởng") == "V/v khen thưởng"
    assert counts_line([]) == "0 tập thể"


def test_an_indicator_of_no_goal_or_activity_is_reported_too(dossier):
    campaign = dossier["campaign"]
    jobs = campaign.indicators.get(code="youths_job_referrals")
    jobs.activity = None
    jobs.save(update_fields=["activity"])
    rows = table_after(build("final-report", campaign), "Các chỉ tiêu khác")
    assert rows[1] == reports.indicator_row(jobs, progress.figure(jobs, campaign.issuer_unit))
    assert rows[1][1] == "2.034"


def test_the_buttons_offer_what_the_reader_may_have(dossier, client_for):
    campaign_page = reverse("campaigns:detail", args=["cao-diem-2023"])
    page = client_for(dossier["users"]["coordinator"]).get(campaign_page).content.decode()
    for kind in registry.KINDS:
        assert url(kind) in page, kind
    assert url("final-report", **{"da-xac-nhan": 1}) in page
    officer = client_for(dossier["officers"]["QD1"])
    page = officer.get(campaign_page).content.decode()
    assert url("plan") in page and url("final-report") not in page and url("decision") not in page
    result = officer.get(reverse("commendation:unit", args=["cao-diem-2023", "QD1"])).content.decode()
    assert url("certificates", **{"don-vi": "QD1"}) in result
    proposals = client_for(dossier["users"]["steering"]).get(reverse("commendation:proposals", args=["cao-diem-2023"]))
    assert url("proposal") in proposals.content.decode() and url("certificates") in proposals.content.decode()


def test_a_plan_without_the_seeds_wording_is_written_from_its_rows(tree):
    from thidua.campaigns.models import Activity, Assignment

    from .test_submissions_services import make_campaign

    campaign = make_campaign(tree, registration_deadline=vn(2023, 4, 20, 11, 0))
    campaign.milestones.filter(code="SK").update(deadline_text="")
    activity = Activity.objects.create(campaign=campaign, code="A1", order=1, title="Ngày hội", description="Tổ chức.")
    for order, (role, name) in enumerate([("co_lead", "Huyện Đoàn Nhà Bè"), ("lead", "Quận Đoàn 1")]):
        Assignment.objects.create(activity=activity, order=order, role=role, name_in_plan=name, unit_code="QD1")
    Activity.objects.create(campaign=campaign, code="A2", order=2, title="Khác", description="Việc chưa phân công.")
    text = "\n".join(lines(build("plan", campaign)))
    assert_in_order(
        text,
        [
            "1. Thời gian: từ ngày 01/4/2023 đến ngày 30/6/2023.",
            "- Tổ chức.\n(Phân công Quận Đoàn 1 và Huyện Đoàn Nhà Bè triển khai thực hiện).",
            "- Việc chưa phân công.\nIII. PHÂN CÔNG THỰC HIỆN:",
            "gửi trực tiếp qua Ban Công nhân lao động Thành Đoàn theo các thời gian sau:",
            "+ Đăng ký thi đua: trước 11g00 ngày 20/4/2023;",
            "+ Kế hoạch tổ chức: trước 11g00 ngày 06/5/2023;",
            "+ Báo cáo sơ kết: trước 11g00 ngày 31/5/2023 (thứ Tư).",
        ],
    )
    campaign.period_start = None
    campaign.save()
    assert "1. Thời gian: từ ngày ban hành kế hoạch đến ngày 30/6/2023." in lines(build("plan", campaign))


# --- large documents, written in the background --------------------------------------------------------------


def export_page(export: Export) -> str:
    return reverse("export", kwargs={"pk": export.pk})


def export_download(export: Export) -> str:
    return reverse("export_download", kwargs={"pk": export.pk})


def test_large_certificates_are_written_in_the_background_as_the_same_file(
    dossier, client_for, settings, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(NOW)
    client = client_for(dossier["users"]["coordinator"])
    direct = client.get(url("certificates"))
    assert direct.status_code == 200 and not Export.objects.exists()  # 3 certificates: at once
    settings.DOCUMENTS_IN_BACKGROUND_UNITS = 2 * registry.CERTIFICATE_WEIGHT  # 3 pages is many here
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url("certificates"))
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == export_page(export)
    assert export.status == Export.Status.DONE and export.progress == 100 and export.kind == "document"
    page = client.get(export_page(export)).content.decode()
    assert "Giấy khen - 152-QĐ-TĐTN.pdf" in page and export_download(export) in page
    download = client.get(export_download(export))
    assert download.content == direct.content and len(pdf_pages(download.content)) == 3
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == direct["Content-Disposition"]  # the Vietnamese name, encoded
    # Nobody else sees it, not even someone who may download the same document.
    steering = client_for(dossier["users"]["steering"])
    assert steering.get(export_page(export)).status_code == 404
    assert steering.get(export_download(export)).status_code == 404


def test_the_report_is_written_as_of_the_request_however_late_the_worker(
    dossier, client_for, settings, time_machine, django_capture_on_commit_callbacks
):
    """Asked on 10/6 (the final report's deadline still ahead), written by a worker a month later:
    the same file as the one downloaded on 10/6, not one counting that deadline as missed."""
    asked = vn(2023, 6, 10, 9, 0)
    time_machine.move_to(asked)
    client = client_for(dossier["users"]["steering"])
    direct = client.get(url("final-report")).content
    settings.DOCUMENTS_IN_BACKGROUND_UNITS = 10  # the seed campaign's city counts as large here
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        response = client.get(url("final-report"))
    export = Export.objects.get()
    assert response["Location"] == export_page(export) and export.status == Export.Status.QUEUED
    assert "Đang chờ đến lượt…" in client.get(export_page(export)).content.decode()
    time_machine.move_to(asked + dt.timedelta(days=30))
    for callback in waiting:
        callback()
    export.refresh_from_db()
    assert export.status == Export.Status.DONE and export.filename == "Báo cáo tổng kết - cao-diem-2023.docx"
    client = client_for(dossier["users"]["steering"])  # signed in again a month later
    assert client.get(export_download(export)).content == direct
    assert direct != build("final-report", dossier["campaign"])  # as of 20/7 the report differs


def test_progress_is_told_page_by_page(dossier):
    campaign = dossier["campaign"]
    spec = registry.KINDS["certificates"]
    options = registry.Options(now=NOW, decision=registry.latest_decision(campaign))
    registry.prepare(spec, campaign, dossier["users"]["coordinator"], options)
    told = []
    name, data = background.export_build(
        dossier["users"]["coordinator"], background.params_of(spec, campaign, options), told.append
    )
    assert told == [0, 30, 60] and len(pdf_pages(data)) == 3
    assert (name, data) == (registry.file_name(spec, campaign, options), spec.build(campaign, options))


def test_the_access_check_comes_before_any_export_and_again_in_the_worker(
    dossier, client_for, settings, django_user_model, django_capture_on_commit_callbacks
):
    settings.DOCUMENTS_IN_BACKGROUND_UNITS = 0  # every document is large
    officer = dossier["officers"]["QD1"]
    client = client_for(officer)
    assert client.get(url("final-report")).status_code == 403
    assert client.get(url("certificates", **{"don-vi": "HD-NHABE"})).status_code == 404
    outsider = client_for(django_user_model.objects.create_user(username="doc_bg_out", password="x-pw-12345"))
    assert outsider.get(url("certificates")).status_code == 404
    assert not Export.objects.exists()
    client = client_for(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url("certificates"))
    own = Export.objects.get()
    assert own.status == Export.Status.DONE and len(pdf_pages(bytes(own.data))) == 2  # its unit's awards only
    # The officer's role is withdrawn between the request and the worker: nothing to download.
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        client.get(url("certificates"))
    RoleAssignment.objects.filter(user=officer).delete()
    for callback in waiting:
        callback()
    late = Export.objects.exclude(pk=own.pk).get()
    assert late.status == Export.Status.FAILED and not bytes(late.data)
    page = client.get(export_page(late)).content.decode()
    assert "Tài liệu này không phải của bạn để tải." in page
    assert client.get(export_download(late)).status_code == 404
