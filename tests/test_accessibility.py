"""Accessibility in a real browser: axe-core (vendored under tests/vendor/, MPL-2.0) on the key pages
of every persona, on a desktop and on a phone — no critical or serious violation of WCAG 2.1 A/AA —
and no page wider than a 390 px or a 360 px phone (no sideways scrolling of the page itself). Without Chromium
it skips, or fails where the browser is required (tests/browsers.py)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from thidua.campaigns.models import Milestone
from thidua.initiatives.models import ReviewAssignment
from thidua.mailgateway.models import InboundMessage

from . import browsers
from .conftest import coverage_paused

AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
pytestmark = pytest.mark.browser
S = "cao-diem-dang-dien-ra"  # the demo's living campaign: deadlines ahead and behind, figures, reports
PASSWORD = "mat-khau-a11y-2024"
WALK = {
    None: ["/dang-nhap/", "/sang-kien/", "/sang-kien/gui/", "/tai-khoan/quen-mat-khau/", "/mo-hinh/"],
    "dieuphoi": [
        "/",
        f"/dot-thi-dua/{S}/",
        f"/dot-thi-dua/{S}/tien-do/",
        f"/dot-thi-dua/{S}/dang-ky/",
        f"/dot-thi-dua/{S}/chi-tieu/",
        f"/dot-thi-dua/{S}/chi-tieu/youths_job_referrals/",
        f"/dot-thi-dua/{S}/ma-tran/",
        f"/dot-thi-dua/{S}/kiem-tra-so-lieu/",
        f"/dot-thi-dua/{S}/xac-nhan-so-lieu/",
        f"/dot-thi-dua/{S}/sua/",
        f"/dot-thi-dua/{S}/sua/chung/",
        f"/dot-thi-dua/{S}/sua/moc/",
        f"/dot-thi-dua/{S}/sua/chi-tieu/",
        f"/dot-thi-dua/{S}/sua/hoat-dong/CV1/",
        f"/dot-thi-dua/{S}/lich-su/",
        f"/dot-thi-dua/{S}/sao-chep/",
        "/dot-thi-dua/cao-diem-2023/xep-hang/",
        "/dot-thi-dua/cao-diem-2023/xep-hang/HD-NHABE/",
        "/dot-thi-dua/cao-diem-2023/tu-cham/HD-NHABE/",
        "/dot-thi-dua/cao-diem-2023/khen-thuong/",
        "/sang-kien/quan-ly/",
        "/don-vi/",
        "/don-vi/QD1/",
        "/don-vi/QD1/vai-tro/",
        "/thong-bao/",
        "/tai-khoan/xac-thuc-hai-buoc/",
        "/mo-hinh/quan-ly/",
        "/thu-den/",
        "/thu-den/?status=filed",
        "/thu-den/{mail}/",
        "/thu-den/{mail_refused}/",
    ],
    "quan1": [
        "/",
        f"/dot-thi-dua/{S}/don-vi/QD1/",
        f"/dot-thi-dua/{S}/so-lieu/QD1/",
        f"/dot-thi-dua/{S}/hoat-dong/QD1/",
        f"/dot-thi-dua/{S}/nop/SK/QD1/",
        f"/dot-thi-dua/{S}/dang-ky/QD1/",
        "/tai-khoan/doi-mat-khau/",
        "/khoa-api/",
        "/mo-hinh/them/QD1/",
        "/dot-thi-dua/cao-diem-2023/tu-cham/QD1/",
        "/dot-thi-dua/cao-diem-2023/khen-thuong/de-nghi/QD1/",
    ],
    # The officer of a grassroots unit (Đoàn Phường Bến Nghé, under District 1): what it reports.
    "benghe": [
        "/",
        f"/dot-thi-dua/{S}/",
        f"/dot-thi-dua/{S}/don-vi/QD1-01/",
        f"/dot-thi-dua/{S}/nop/SK/QD1-01/",
        f"/dot-thi-dua/{S}/dang-ky/QD1-01/",
        f"/dot-thi-dua/{S}/so-lieu/QD1-01/",
        f"/dot-thi-dua/{S}/hoat-dong/QD1-01/",
        "/don-vi/QD1-01/",
        "/mo-hinh/them/QD1-01/",
        "/thong-bao/",
    ],
    # A read-only viewer of District 1: everything it may open, with no form to fill.
    "xemquan1": [
        "/",
        f"/dot-thi-dua/{S}/",
        f"/dot-thi-dua/{S}/don-vi/QD1/",
        f"/dot-thi-dua/{S}/nop/KH/QD1/",
        f"/dot-thi-dua/{S}/nop/SK/QD1/",
        f"/dot-thi-dua/{S}/dang-ky/QD1/",
        f"/dot-thi-dua/{S}/so-lieu/QD1/",
        f"/dot-thi-dua/{S}/hoat-dong/QD1/",
        f"/dot-thi-dua/{S}/tien-do/",
        f"/dot-thi-dua/{S}/chi-tieu/",
        f"/dot-thi-dua/{S}/ma-tran/",
        "/don-vi/QD1/",
        "/don-vi/QD1-01/",
        "/mo-hinh/",
        "/dot-thi-dua/cao-diem-2023/xep-hang/",
    ],
    # A member of the initiatives council: the queue of initiatives to score, one of them, its rubric.
    "thamdinh1": [
        "/",
        "/sang-kien/cham-diem/",
        "/sang-kien/ho-so/{review}/",
        "/sang-kien/ho-so/{review}/cham-diem/",
    ],
    "bcd": [
        "/",
        f"/dot-thi-dua/{S}/chi-tieu/",
        f"/dot-thi-dua/{S}/ma-tran/",
        "/dot-thi-dua/cao-diem-2023/khen-thuong/",
    ],
}
MAIL: dict[str, int | str] = {}
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return result.violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
    .map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
}"""


@pytest.fixture
def demo(live_server, transactional_db, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("THIDUA_DEMO_PASSWORD", PASSWORD)
    settings.MEDIA_ROOT = tmp_path
    # A transactional test before this one (same worker) flushed the rows that migrations add, such
    # as the city departments: put them back as a fresh database has them.
    importlib.import_module("thidua.initiatives.migrations.0002_city_departments").add_departments(django_apps, None)
    call_command("demo_setup", "--branches", "80", "--quiet")
    # The plan asks no document of grassroots units; name Bến Nghé on the mid-term report (still
    # ahead) so that the walk sees a grassroots officer's submission and registration pages.
    sk = Milestone.objects.get(campaign__slug=S, code="SK")
    sk.scope_unit_codes = [*sk.scope_unit_codes, "QD1-01"]
    sk.save(update_fields=["scope_unit_codes"])
    return live_server.url


def _walk(browser, base: str, user: str | None, width: int) -> list[str]:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    if user:
        page.goto(base + "/dang-nhap/")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/")
    found = []
    for path in WALK[user]:
        path = path.format(**MAIL)  # demo e-mails waiting in the mail triage, an initiative to score
        response = page.goto(base + path)
        assert response.status == 200, (user, path, response.status)
        if user and path == "/":
            page.click("header .dropdown summary")  # the account menu, open: its items must be readable
        page.evaluate(AXE)
        found += [f"{user or 'anonymous'} {width}px {path}: {v}" for v in page.evaluate(RUN_AXE)]
        for fit in (width, 360) if width < 400 else (width,):  # the narrowest common phone too
            page.set_viewport_size({"width": fit, "height": 900})
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > fit + 1:
                found.append(f"{user or 'anonymous'} {fit}px {path}: the page is {wide} px wide")
        page.set_viewport_size({"width": width, "height": 900})
    context.close()
    return found


def test_key_pages_of_every_persona_pass_axe_on_desktop_and_phone(demo):
    sync_api = browsers.playwright_api()
    waiting = InboundMessage.objects.filter(status="triage").order_by("pk")
    MAIL["mail"] = waiting.first().pk
    # Quận Đoàn 6's report with a file the checks refuse: shown disabled, with the reason.
    MAIL["mail_refused"] = waiting.get(from_address="qd6@demo.thidua.vn").pk
    MAIL["review"] = ReviewAssignment.objects.filter(reviewer__username="thamdinh1").earliest("pk").initiative.code
    with sync_api.sync_playwright() as p:
        browser = browsers.launch(p)
        with coverage_paused():
            found = [problem for user in WALK for width in (1280, 390) for problem in _walk(browser, demo, user, width)]
        browser.close()
    assert found == [], "\n".join(found)
