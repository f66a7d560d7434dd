"""End to end in headless Chromium (Debian's package): sign in, read the campaign, search units.

Without Chromium (or Playwright) these tests skip, saying why; where the browser is required (CI=1
or THIDUA_REQUIRE_BROWSER=1, as .ci/run sets) they fail instead, so CI never passes without them.
"""

import os
import shutil

import pytest
from django.contrib.auth import get_user_model

from thidua.campaigns import definition as defn
from thidua.campaigns.services import campaign_load
from thidua.demo.directory import build_directory
from thidua.units.models import Role, RoleAssignment, Unit

from .conftest import SEED_PATH

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = any(
    os.environ.get(name, "").strip().lower() in {"1", "true", "yes"} for name in ("CI", "THIDUA_REQUIRE_BROWSER")
)
pytestmark = pytest.mark.browser


def _missing(what: str):
    if REQUIRED:
        pytest.fail(f"{what}, and the browser tests are required here (CI or THIDUA_REQUIRE_BROWSER is set)")
    pytest.skip(what)


@pytest.fixture
def page(live_server, transactional_db):
    if CHROMIUM is None:
        _missing("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright import sync_api
    except ImportError:
        _missing("Playwright is not installed (pip install -r requirements-dev.txt)")
    build_directory(actor=None, branches=40)
    campaign_load(actor=None, definition=defn.parse_text(SEED_PATH.read_text(encoding="utf-8")))
    user = get_user_model().objects.create_user(username="nhabe", password="mat-khau-thu-1", first_name="Trần Ngọc Hân")
    RoleAssignment.objects.create(user=user, unit=Unit.objects.get(code="HD-NHABE"), role=Role.OFFICER)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        tab = browser.new_page(viewport={"width": 390, "height": 844}, locale="vi-VN")
        tab.set_default_timeout(10_000)
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
