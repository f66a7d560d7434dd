"""End to end in headless Chromium (Debian's package): sign in, read the campaign, search units.
Without Chromium these tests skip, or fail where the browser is required (tests/browsers.py)."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from thidua.campaigns import definition as defn
from thidua.campaigns.services import campaign_load
from thidua.demo.directory import build_directory
from thidua.demo.submissions import pdf_bytes
from thidua.units.models import Role, RoleAssignment, Unit

from . import browsers
from .conftest import SEED_PATH

pytestmark = pytest.mark.browser


@pytest.fixture
def page(live_server, transactional_db):
    sync_api = browsers.playwright_api()
    build_directory(actor=None, branches=40)
    campaign_load(actor=None, definition=defn.parse_text(SEED_PATH.read_text(encoding="utf-8")))
    user = get_user_model().objects.create_user(username="nhabe", password="mat-khau-thu-1", first_name="Trần Ngọc Hân")
    RoleAssignment.objects.create(user=user, unit=Unit.objects.get(code="HD-NHABE"), role=Role.OFFICER)
    with sync_api.sync_playwright() as p:
        browser = browsers.launch(p)
        tab = browser.new_page(viewport={"width": 390, "height": 844}, locale="vi-VN")
        tab.set_default_timeout(30_000)  # a loaded CI machine, not a slow page
        tab.base = live_server.url
        yield tab
        browser.close()


def test_officer_signs_in_and_sees_what_the_unit_must_do(page):
    page.goto(page.base + "/")
    assert "/dang-nhap/" in page.url
    page.fill("input[name=username]", "nhabe")
    page.fill("input[name=password]", "sai-mat-khau")
    page.click("button[type=submit]")
    assert page.locator("p.error").is_visible()
    page.fill("input[name=username]", "nhabe")
    page.fill("input[name=password]", "mat-khau-thu-1")
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/")
    page.click("table a:has-text('Tuổi trẻ Thành phố Bác năng động')")
    assert page.locator("h1.plan-title").inner_text().startswith("Tổ chức đợt thi đua cao điểm")
    assert page.locator(".badge-late").count() == 3
    page.click("a[href$='/don-vi-cua-toi/']")
    page.wait_for_url("**/don-vi/HD-NHABE/")
    assert page.locator("h1").inner_text() == "Huyện Đoàn Nhà Bè"
    assert page.locator("time").count() == 3


def test_live_search_without_accents(page):
    page.goto(page.base + "/dang-nhap/")
    page.fill("input[name=username]", "nhabe")
    page.fill("input[name=password]", "mat-khau-thu-1")
    page.click("button[type=submit]")
    page.goto(page.base + "/don-vi/HD-NHABE/")
    page.fill("input[type=search]", "hiep phuoc")
    page.wait_for_selector("#search-results li")
    assert "Hiệp Phước" in page.locator("#search-results").inner_text()


def _sign_in(page, username, password):
    page.context.clear_cookies()  # whoever was signed in before leaves
    page.goto(page.base + "/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/")


def _save_editor(page, reason=""):
    if reason:
        page.fill("textarea[name=reason]", reason)
    page.click("form.editor button[type=submit]")
    page.wait_for_selector(".flash")


def test_the_coordinator_runs_next_years_campaign_from_the_browser(page, monkeypatch):
    """Issue 12, end to end: copy the seed campaign to 2027, move a deadline, add a co-lead unit,
    publish (each unit concerned told exactly once), change a published campaign (only the unit
    affected told), write to the units missing a document from the board, close the campaign."""
    import datetime as dt
    from collections import Counter

    import time_machine

    from thidua.campaigns.models import Campaign
    from thidua.campaigns.services import units_concerned
    from thidua.core.models import Notification
    from thidua.core.outbox import OutboundEmail
    from thidua.submissions.models import UnitMessage
    from thidua.submissions.services import submission_create

    from .test_submissions_services import VN

    # Playwright's sync API runs an event loop in this thread; the test's own queries are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    coordinator = get_user_model().objects.create_user(username="dieuphoi", password="mat-khau-thu-2")
    RoleAssignment.objects.create(user=coordinator, unit=Unit.objects.get(code="TD"), role=Role.COORDINATOR)
    nhabe_officer = get_user_model().objects.get(username="nhabe")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())
    with time_machine.travel(dt.datetime(2027, 5, 1, 9, 0, tzinfo=VN), tick=True):
        _sign_in(page, "dieuphoi", "mat-khau-thu-2")
        # 1. Copy to 2027 (dd/mm/yyyy).
        page.goto(page.base + "/dot-thi-dua/cao-diem-2023/")
        page.click("a:has-text('Sao chép thành đợt thi đua mới')")
        page.fill("input[name=slug]", "cao-diem-2027")
        page.fill("input[name=title]", "Tổ chức đợt thi đua cao điểm năm 2027")
        page.fill("input[name=start]", "06/05/2027")
        page.click("form button[type=submit]")
        page.wait_for_url("**/dot-thi-dua/cao-diem-2027/")
        campaign = Campaign.objects.get(slug="cao-diem-2027")
        assert campaign.status == "draft" and campaign.milestones.get(code="KH").deadline.year == 2027
        # 2. Move the mid-term deadline a week later.
        page.click("a:has-text('Sửa đợt thi đua')")
        page.click("h2 a:has-text('Mốc báo cáo và hạn nộp')")
        prefix = page.get_attribute("input[name$='-code'][value='SK']", "name").removesuffix("-code")
        old_sk = campaign.milestones.get(code="SK").deadline
        new_day = (old_sk + dt.timedelta(days=7)).astimezone(VN).strftime("%d/%m/%Y")
        page.fill(f"input[name='{prefix}-deadline_date']", new_day)
        _save_editor(page)
        assert campaign.milestones.get(code="SK").deadline == old_sk + dt.timedelta(days=7)
        # 3. Add Huyện Đoàn Nhà Bè as co-lead of the first activity, picked by its name without accents.
        page.goto(page.base + "/dot-thi-dua/cao-diem-2027/sua/")
        page.locator(".edit-sections li a").first.click()
        page.wait_for_url("**/sua/hoat-dong/**")
        last = page.locator("fieldset.edit-item").last
        last.locator("select[name$=-role]").select_option("co_lead")
        last.locator("input[name$=-unit]").type("nha be", delay=30)
        page.click("[data-unit-pick='HD-NHABE']")
        _save_editor(page)
        activity = campaign.activities.order_by("order").first()
        assert activity.assignments.filter(unit_code="HD-NHABE", role="co_lead").exists()
        assert not OutboundEmail.objects.exists()  # a draft changes silently
        # 4. Publish: every unit concerned, the new co-lead included, gets exactly one message.
        page.goto(page.base + "/dot-thi-dua/cao-diem-2027/")
        page.click("button[name=status][value=published]")
        page.wait_for_selector(".flash")
        campaign.refresh_from_db()
        assert campaign.status == "published"
        per_unit = Counter(
            key.rsplit(":", 1)[1]
            for key in OutboundEmail.objects.filter(
                key__startswith=f"campaign-status:{campaign.pk}:published:"
            ).values_list("key", flat=True)
        )
        concerned = {str(u.pk) for u in units_concerned(campaign) if u.email_list}
        assert set(per_unit) == concerned and set(per_unit.values()) == {1}
        assert str(Unit.objects.get(code="HD-NHABE").pk) in per_unit
        assert Notification.objects.filter(user=nhabe_officer).count() == 1
        # 5. A change to the published campaign tells only the unit it concerns: Quận Đoàn 1 as co-lead.
        page.goto(page.base + f"/dot-thi-dua/cao-diem-2027/sua/hoat-dong/{activity.code}/")
        last = page.locator("fieldset.edit-item").last
        last.locator("select[name$=-role]").select_option("co_lead")
        last.locator("input[name$=-unit]").type("quan doan 1", delay=30)
        page.click("[data-unit-pick='QD1']")
        _save_editor(page, reason="Bổ sung Quận Đoàn 1 phối hợp tổ chức.")
        changes = OutboundEmail.objects.filter(key__startswith="campaign-change:")
        assert [m.to for m in changes] == [Unit.objects.get(code="QD1").email_list]
        history = page.goto(page.base + "/dot-thi-dua/cao-diem-2027/lich-su/")
        assert history.status == 200 and "Bổ sung Quận Đoàn 1" in page.content()
        # Nhà Bè sends its plan on time.
        kh = campaign.milestones.get(code="KH")
        submission_create(
            actor=nhabe_officer, milestone=kh, unit=Unit.objects.get(code="HD-NHABE"),
            uploads=[("ke-hoach.pdf", pdf_bytes("Kế hoạch Nhà Bè 2027"))],
        )  # fmt: skip
    # 6. After the plan's deadline: write to the units that have not sent it, from the board.
    with time_machine.travel(kh.deadline + dt.timedelta(days=1), tick=True):
        page.goto(page.base + "/dot-thi-dua/cao-diem-2027/")
        page.goto(page.base + "/dot-thi-dua/cao-diem-2027/tien-do/?moc=KH&tinh-trang=missing")
        page.click("a[href*='/nhan-tin/']")
        page.click("button[name=preview]")
        page.wait_for_selector("article.preview")
        page.click("button[name=send]")
        page.wait_for_url("**/tin-da-gui/**")
        message = UnitMessage.objects.get(campaign=campaign)
        recipients = set(message.recipients.values_list("unit__code", flat=True))
        assert "HD-NHABE" not in recipients and len(recipients) == kh.scope_queryset(campaign).count() - 1
        # 7. Close the campaign.
        page.goto(page.base + "/dot-thi-dua/cao-diem-2027/")
        page.click("button[name=status][value=closed]")
        page.wait_for_selector(".flash")
        campaign.refresh_from_db()
        assert campaign.status == "closed"


def test_one_whole_campaign_from_the_plan_to_the_certificates(page, monkeypatch, tmp_path, settings):
    """Issue 13, end to end, each step by the person who does it: the coordinator imports the seed
    plan and adds the criteria set, a cluster and an award type, then publishes; Nhà Bè registers,
    sends its plan, enters and signs off its figures; the coordinator approves them, scores and
    proposes; the steering committee approves; the decision is recorded; the certificates and the
    final report are downloaded and read back."""
    import datetime as dt

    import time_machine

    from thidua.campaigns.models import Campaign
    from thidua.commendation.models import Proposal

    from .test_submissions_services import VN

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.MEDIA_ROOT = tmp_path / "media"
    users = get_user_model().objects
    for name, role, code in (("dieuphoi", Role.COORDINATOR, "TD"), ("bcd", Role.STEERING, "TD")):
        RoleAssignment.objects.create(
            user=users.create_user(username=name, password="mat-khau-thu-3"),
            unit=Unit.objects.get(code=code),
            role=role,
        )
    Campaign.objects.all().delete()  # the fixture's seed campaign: this one comes from the plan document
    page.set_viewport_size({"width": 1280, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())
    plan = str(SEED_PATH.parent.parent.parent.parent / "tests" / "seed" / "ke-hoach-2023.txt")
    with time_machine.travel(dt.datetime(2023, 5, 2, 9, 0, tzinfo=VN), tick=True):
        # 1. The coordinator imports the plan, sets up the scoring and publishes.
        _sign_in(page, "dieuphoi", "mat-khau-thu-3")
        page.goto(page.base + "/nhap-ke-hoach/")
        page.set_input_files("input[name=file]", plan)
        page.click("form button[type=submit]")
        page.wait_for_url("**/nhap-ke-hoach/*/")
        page.click("button[name=publish][value='0']")
        page.wait_for_selector(".flash")
        campaign = Campaign.objects.get()
        edit = f"{page.base}/dot-thi-dua/{campaign.slug}/sua"
        page.goto(f"{edit}/chi-tieu/")  # the plan's figures, which the importer leaves to the coordinator
        last = page.locator("fieldset.edit-item").last
        last.locator("input[name$=-code]").fill("jobs")
        last.locator("input[name$=-name]").fill("Số lượt thanh niên được giới thiệu việc làm")
        last.locator("input[name$=-groups][value=direct_units]").check()
        _save_editor(page)
        page.goto(f"{edit}/cum/")
        page.fill("input[name=clusters-0-code]", "QH")
        page.fill("input[name=clusters-0-name]", "Cụm các quận, huyện")
        page.check("input[name=clusters-0-kinds][value=district]")
        _save_editor(page)
        page.goto(f"{edit}/tieu-chi/")
        for i, (code, name, points, source) in enumerate(
            [
                ("TC1", "Nộp văn bản đúng hạn", "50", "documents"),
                ("TC2", "Đăng ký thi đua đúng hạn", "50", "registration"),
            ]
        ):
            if i:
                page.goto(f"{edit}/tieu-chi/")
            page.fill(f"input[name=criteria-{i}-code]", code)
            page.fill(f"input[name=criteria-{i}-name]", name)
            page.fill(f"input[name=criteria-{i}-max_points]", points)
            page.select_option(f"select[name=criteria-{i}-source]", source)
            _save_editor(page)
        page.goto(f"{edit}/khen-thuong/")
        page.fill("input[name=award_types-0-code]", "BK")
        page.fill("input[name=award_types-0-name]", "Bằng khen của Ban Chấp hành Thành Đoàn")
        page.fill("input[name=award_types-0-quota]", "1")
        _save_editor(page)
        page.goto(f"{page.base}/dot-thi-dua/{campaign.slug}/")
        page.click("button[name=status][value=published]")
        page.wait_for_selector(".flash")
        # 2. Nhà Bè registers, sends its plan, enters and signs off its figures.
        _sign_in(page, "nhabe", "mat-khau-thu-1")
        base = f"{page.base}/dot-thi-dua/{campaign.slug}"
        page.goto(f"{base}/dang-ky/HD-NHABE/")
        page.click("form button[type=submit]")
        page.wait_for_selector(".flash")
        page.goto(f"{base}/nop/KH/HD-NHABE/")
        pdf = Path(tmp_path) / "ke-hoach.pdf"
        pdf.write_bytes(pdf_bytes("Kế hoạch của Huyện Đoàn Nhà Bè"))
        page.set_input_files("input[type=file]", str(pdf))
        page.click("form[enctype] button[type=submit]")
        page.wait_for_url("**/bien-nhan/**")
        page.goto(f"{base}/so-lieu/HD-NHABE/")
        page.locator("form.figures input[type=number]").first.fill("12")
        page.click("form.figures button[type=submit]")
        page.wait_for_selector(".flash")
        page.click("button[name=milestone][value=SK]")
        page.wait_for_selector(".flash")
        # 3. The coordinator approves the figures, scores and proposes.
        _sign_in(page, "dieuphoi", "mat-khau-thu-3")
        page.goto(f"{base}/xac-nhan-so-lieu/")
        page.click("button[name=decision][value=approve]")
        page.wait_for_selector(".flash")
        page.goto(f"{base}/xep-hang/")
        assert page.locator("table.ranking tbody tr").first.locator("th").inner_text() == "Huyện Đoàn Nhà Bè"
        page.goto(f"{base}/khen-thuong/")
        page.click("button:has-text('Lập danh sách tập thể từ xếp hạng')")
        page.wait_for_selector(".flash")
        page.click("button:has-text('Trình Ban Thường vụ')")
        page.wait_for_selector(".flash")
        # 4. The steering committee approves.
        _sign_in(page, "bcd", "mat-khau-thu-3")
        page.goto(f"{base}/khen-thuong/")
        page.click("button[name=decision][value=approve]")
        page.wait_for_selector(".flash")
        # 5. The decision is recorded.
        _sign_in(page, "dieuphoi", "mat-khau-thu-3")
        page.goto(f"{base}/khen-thuong/")
        page.fill("input[name=number]", "152-QĐ/TĐTN")
        page.fill("input[name=signed_on]", "14/07/2023")
        page.click("button:has-text('Ghi nhận quyết định')")
        page.wait_for_selector(".flash")
        [granted] = Proposal.objects.filter(campaign=campaign, status="decided")
        assert granted.unit.code == "HD-NHABE" and granted.decision.number == "152-QĐ/TĐTN"
        # 6. The certificates and the final report, downloaded where people look for them, read back.
        _read_back_the_documents(page, campaign, base)


def _download(page, selector):
    with page.expect_download() as download:
        page.click(selector)
    return download.value


def _read_back_the_documents(page, campaign, base):
    import docx
    import pypdf

    from thidua.documents import reports
    from thidua.progress import queries as progress

    page.goto(f"{base}/khen-thuong/")
    certificates = _download(page, ".decisions a.document-link:has-text('Giấy khen')")
    assert certificates.suggested_filename == "Giấy khen - 152-QĐ-TĐTN.pdf"
    [text] = [p.extract_text() for p in pypdf.PdfReader(certificates.path()).pages]  # one award, one page
    assert "BẰNG KHEN" in text and "Huyện Đoàn Nhà Bè" in text and "ĐOÀN TNCS HỒ CHÍ MINH" in text
    assert "Quyết định số 152-QĐ/TĐTN ngày 14/7/2023" in text
    page.goto(f"{base}/")
    report = _download(page, "a.document-link:has-text('Báo cáo tổng kết')")
    assert report.suggested_filename == f"Báo cáo tổng kết - {campaign.slug}.docx"
    document = docx.Document(report.path())
    paragraphs = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in paragraphs and paragraphs[paragraphs.index("BÁO CÁO") + 1].startswith("Tổng kết")
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    reported = [i for i in campaign.indicators.all() if progress.figure(i, campaign.issuer_unit).value is not None]
    assert reported  # Nhà Bè's figure, approved by the coordinator
    for indicator in reported:
        assert reports.indicator_row(indicator, progress.figure(indicator, campaign.issuer_unit)) in rows
    plan_row = next(r for r in rows if r[0] == campaign.milestones.order_by("order").first().title)
    assert plan_row[3] == "1"  # Nhà Bè's plan, on time
    ranking = next(r for r in rows if r[:2] == ["1", "Huyện Đoàn Nhà Bè"])
    assert ranking[4].endswith("%")
    assert any(p.startswith("- Quyết định số 152-QĐ/TĐTN ngày 14/7/2023: khen thưởng 1 tập thể") for p in paragraphs)
    # Nhà Bè downloads its own certificate from its result page.
    _sign_in(page, "nhabe", "mat-khau-thu-1")
    page.goto(f"{base}/xep-hang/HD-NHABE/")
    own = _download(page, "a.document-link:has-text('Giấy khen')")
    assert "Huyện Đoàn Nhà Bè" in pypdf.PdfReader(own.path()).pages[0].extract_text()
    assert page.locator("a.document-link:has-text('Báo cáo tổng kết')").count() == 0
