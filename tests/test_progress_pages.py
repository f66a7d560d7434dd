"""Progress pages: the dashboards of the seed campaign (targets, bars, breakdown, drill-down, sort,
exports, the vendored chart library), who may open and change what, and the sign-off workflow:
submit with the mid-term report, approve / send back / withdraw, locking, approved-only totals."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.test_progress_rollup import DAY, build_campaign, ind, put, unit
from thidua.core.errors import Refused
from thidua.core.models import AuditEntry
from thidua.core.templatetags.thidua import percent
from thidua.progress import queries, services
from thidua.progress.models import IndicatorValue, SignOff, SignOffValue
from thidua.units.models import Role, RoleAssignment, Unit

pytestmark = pytest.mark.django_db
SEED = "cao-diem-2023"


def _user(username, role=None, unit=None):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-1")
    if role:
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


def text_of(response) -> str:
    return response.content.decode()


def visible(response) -> str:
    """The page's text without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text_of(response)))


# --- the seed campaign's dashboards -----------------------------------------------------------


@pytest.fixture
def seed_people(seed_campaign, demo_tree):
    return {
        "coordinator": _user("c", Role.COORDINATOR, demo_tree["TD"]),
        "steering": _user("s", Role.STEERING, demo_tree["TD"]),
        "officer_q1": _user("o1", Role.OFFICER, demo_tree["QD1"]),
        "officer_dkdcd": _user("od", Role.OFFICER, demo_tree["DKDCD"]),
        "viewer_nhabe": _user("vn", Role.VIEWER, demo_tree["HD-NHABE"]),
    }


def seed_put(campaign, code, unit_code, num, den=None, as_of=DAY):
    return services.indicator_value_set(
        actor=None,
        indicator=campaign.indicators.get(code=code),
        unit=unit(unit_code),
        numerator=num,
        denominator=den,
        as_of=as_of,
    )


@pytest.fixture
def seed_values(seed_campaign, seed_people):
    seed_put(seed_campaign, "youths_job_referrals", "QD1", 100, as_of=dt.date(2023, 5, 10))
    seed_put(seed_campaign, "youths_job_referrals", "QD1", 300, as_of=dt.date(2023, 5, 20))
    seed_put(seed_campaign, "youths_job_referrals", "HD-NHABE", 1200, as_of=dt.date(2023, 5, 25))
    seed_put(seed_campaign, "launched_movement", "HD-NHABE-01", 1)
    seed_put(seed_campaign, "launched_movement", "HD-NHABE-02", 0)
    return seed_campaign


def dashboard_url(**params):
    url = reverse("progress:dashboard", args=[SEED])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def indicator_url(code, **params):
    url = reverse("progress:indicator", args=[SEED, code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_dashboard_shows_targets_progress_bars_and_not_reported(seed_values, seed_people, client_for):
    response = client_for(seed_people["steering"]).get(dashboard_url())
    assert response.status_code == 200
    assert response.context["unit"].code == "TD"
    page = visible(response)
    assert "1.500 / 20.000" in page  # youths introduced to jobs against the target of 20,000
    assert "7,5 %" in page  # of the target
    assert 'class="bar"' in text_of(response) and 'style="width: 7%"' in text_of(response)
    assert "not reported" in page or "chưa báo cáo" in page  # indicators nobody entered
    figures = {f.indicator.code: f for _g, figs in response.context["goals"] for f in figs}
    figures |= {f.indicator.code: f for _a, figs in response.context["activities"] for f in figs}
    assert figures["youths_job_referrals"].value == 1500
    assert (
        figures["launched_movement"].value is not None and figures["launched_movement"].value < 1
    )  # 1 of hundreds of wards
    assert figures["eid_l2_members"].value is None


def test_indicator_page_breakdown_sort_and_drill_down(seed_values, seed_people, client_for):
    client = client_for(seed_people["steering"])
    response = client.get(indicator_url("youths_job_referrals"))
    assert response.status_code == 200
    page = visible(response)
    assert "20.000" in page and "1.500" in page
    assert 'class="bar"' in text_of(response)
    lines = response.context["lines"]
    codes = [b.unit.code for b in lines]
    assert {"QD1", "HD-NHABE", "TTHTTNCN", "TTDVVLTN"} <= set(codes)
    assert "BCNLD" not in codes  # a department does not report it
    assert all(b.unit.depth == 2 for b in lines)  # direct units of the city only
    assert 'href="?don-vi=QD1"' in text_of(response) and 'href="?don-vi=HD-NHABE"' in text_of(response)
    by_result = client.get(indicator_url("youths_job_referrals", **{"sap-xep": "ket-qua"}))
    ordered = [b.unit.code for b in by_result.context["lines"]]
    assert ordered[:2] == ["HD-NHABE", "QD1"]
    html = text_of(by_result)
    assert html.index("Huyện Đoàn Nhà Bè") < html.index("Quận Đoàn 1")
    assert all(b.figure.value is None for b in by_result.context["lines"][2:])  # not reported come last
    # By name (the default): tree order.
    assert codes.index("QD1") < codes.index("HD-NHABE")
    # A chart over time, from the vendored library.
    assert response.context["chart"]["values"] == [100.0, 300.0, 1500.0]
    assert '<script src="/static/vendor/chartjs/chart.umd.js"></script>' in text_of(response)


def test_drill_down_to_a_district_lists_its_wards(seed_values, seed_people, client_for):
    client = client_for(seed_people["steering"])
    response = client.get(indicator_url("launched_movement", **{"don-vi": "HD-NHABE"}))
    assert response.status_code == 200
    lines = {b.unit.code: b.figure for b in response.context["lines"]}
    assert set(lines) == {f"HD-NHABE-{i:02d}" for i in range(1, 8)}
    assert lines["HD-NHABE-01"].value == 100 and lines["HD-NHABE-02"].value == 0
    assert lines["HD-NHABE-03"].value is None
    total = response.context["total"]
    assert (total.numerator, total.reported, total.expected) == (1, 2, 7)
    assert total.value == Decimal("14.3")
    page = visible(response)
    assert "1 of 7 units said yes" in page or "1/7 đơn vị trả lời có" in page
    # The breadcrumb leads back up to the city.
    assert 'href="?don-vi=TD"' in text_of(response)


def test_dashboard_and_indicator_export_to_xlsx(seed_values, seed_people, client_for):
    client = client_for(seed_people["coordinator"])
    response = client.get(dashboard_url(xuat="xlsx"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["youths_job_referrals"][3] == 1500 and by_code["youths_job_referrals"][4] == 20000
    assert by_code["eid_l2_members"][3] == "chưa báo cáo"
    response = client.get(indicator_url("youths_job_referrals", **{"sap-xep": "ket-qua", "xuat": "xlsx"}))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:3]] == ["HD-NHABE", "QD1"]
    assert rows[1][2] == 1200 and rows[2][2] == 300


def test_officer_sees_their_subtree_and_activity_leads_see_their_activities(seed_values, seed_people, client_for):
    client = client_for(seed_people["officer_q1"])
    response = client.get(dashboard_url())
    assert response.status_code == 200 and response.context["unit"].code == "QD1"
    assert "300 / 20.000" in visible(response)
    assert client.get(dashboard_url(**{"don-vi": "HD-NHABE"})).status_code == 404
    assert client.get(indicator_url("youths_job_referrals", **{"don-vi": "HD-NHABE"})).status_code == 404
    lead = client_for(seed_people["officer_dkdcd"]).get(dashboard_url())
    cv5 = seed_values.activities.get(code="CV5")
    assert cv5.pk in lead.context["led"]
    assert "your unit takes part" in text_of(lead) or "đơn vị bạn tham gia" in text_of(lead)


def test_officer_of_another_district_cannot_reach_or_change_nha_be(seed_values, seed_people, client_for):
    client = client_for(seed_people["officer_q1"])
    for name in ("progress:entry", "progress:template", "progress:events"):
        assert client.get(reverse(name, args=[SEED, "HD-NHABE"])).status_code == 404
        assert client.get(reverse(name, args=[SEED, "HD-NHABE-01"])).status_code == 404
    referrals = seed_values.indicators.get(code="youths_job_referrals")
    before = list(IndicatorValue.objects.values_list("pk", "numerator", "version"))
    response = client.post(
        reverse("progress:entry", args=[SEED, "HD-NHABE"]),
        {"as_of": "2023-05-30", f"i{referrals.pk}": "1", f"v{referrals.pk}": "1"},
    )
    assert response.status_code == 404
    assert list(IndicatorValue.objects.values_list("pk", "numerator", "version")) == before
    # Their own district: fine.
    assert client.get(reverse("progress:entry", args=[SEED, "QD1"])).status_code == 200


def test_viewer_gets_403_when_posting_figures(seed_values, seed_people, client_for):
    client = client_for(seed_people["viewer_nhabe"])
    url = reverse("progress:entry", args=[SEED, "HD-NHABE"])
    assert client.get(url).status_code == 200
    referrals = seed_values.indicators.get(code="youths_job_referrals")
    response = client.post(url, {"as_of": "2023-05-30", f"i{referrals.pk}": "5000", f"v{referrals.pk}": "1"})
    assert response.status_code == 403
    assert IndicatorValue.objects.get(indicator=referrals, unit__code="HD-NHABE").numerator == 1200


def test_chart_library_is_vendored_not_from_a_cdn(seed_values, seed_people, client_for):
    response = client_for(seed_people["steering"]).get(indicator_url("youths_job_referrals"))
    html = text_of(response)
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert "/static/vendor/chartjs/chart.umd.js" in scripts
    assert all(src.startswith("/static/") for src in scripts), scripts
    assert not re.search(r"(cdn|jsdelivr|unpkg|cdnjs)\.", html, re.I)
    found = finders.find("vendor/chartjs/chart.umd.js")
    assert found and "Chart.js" in Path(found).read_text(encoding="utf-8")[:2000]
    for url in (dashboard_url(), reverse("progress:entry", args=[SEED, "QD1"])):
        assert not re.search(r'src="(https?:)?//', text_of(response.client.get(url)))


def test_chart_library_is_served_by_the_app(settings):
    # Served from the app's own static files (collected or not): nothing to fetch from elsewhere.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/vendor/chartjs/chart.umd.js")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Chart.js" in body[:2000]


# --- sign-off, through the pages, on the small tree -------------------------------------------

SLUG = "thu-nghiem"


@pytest.fixture
def campaign(tree):
    c = build_campaign(tree["TD"])
    put(c, "jobs", "QD1", 40)
    put(c, "jobs", "QD1-01", 4)
    put(c, "eid", "QD1-01", 2, 10)
    put(c, "jobs", "HD-NHABE", 7)
    return c


def login(user) -> Client:
    """A browser of its own per person (client_for shares one between them)."""
    client = Client()
    client.force_login(user)
    return client


def submit_url(code):
    return reverse("progress:signoff_submit", args=[SLUG, code])


def decide_url(signoff):
    return reverse("progress:signoff_decide", args=[SLUG, signoff.pk])


def entry_url(code):
    return reverse("progress:entry", args=[SLUG, code])


def actions():
    return list(
        AuditEntry.objects.filter(action__startswith="signoff.").order_by("id").values_list("action", flat=True)
    )


def signed(client, code, milestone="SK"):
    client.post(submit_url(code), {"milestone": milestone})
    return SignOff.objects.filter(unit__code=code).order_by("-id").first()


def test_signing_off_with_the_midterm_report_snapshots_the_subtree(campaign, personas):
    client = login(personas["officer_q1"])
    response = client.post(submit_url("QD1"), {"milestone": "KH"}, follow=True)  # the plan: no figures with it
    assert not SignOff.objects.exists()
    assert any("mid-term" in str(m) or "sơ kết" in str(m) for m in response.context["messages"])
    signoff = signed(client, "QD1")
    assert signoff.status == SignOff.Status.SUBMITTED and signoff.submitted_by == personas["officer_q1"]
    snap = {
        (v.indicator.code, v.unit.code, v.numerator, v.denominator)
        for v in SignOffValue.objects.filter(signoff=signoff)
    }
    assert snap == {("jobs", "QD1", 40, None), ("jobs", "QD1-01", 4, None), ("eid", "QD1-01", 2, 10)}
    # Signing off again while awaiting a decision is refused.
    client.post(submit_url("QD1"), {"milestone": "SK"})
    assert SignOff.objects.count() == 1
    assert actions() == ["signoff.submit"]
    page = text_of(client.get(entry_url("QD1")))
    assert "Awaiting approval" in page or "Chờ duyệt" in page


def test_own_officer_cannot_approve_their_own_figures(campaign, personas):
    signoff = signed(login(personas["officer_q1"]), "QD1")
    assert login(personas["officer_q1"]).post(decide_url(signoff), {"decision": "approve"}).status_code == 403
    for who in ("steering", "viewer_q1"):
        assert login(personas[who]).post(decide_url(signoff), {"decision": "approve"}).status_code == 403
    assert login(personas["officer_nhabe"]).post(decide_url(signoff), {"decision": "approve"}).status_code == 404
    signoff.refresh_from_db()
    assert signoff.status == SignOff.Status.SUBMITTED
    # The list offers no decision to the unit itself.
    listing = login(personas["officer_q1"]).get(reverse("progress:signoffs", args=[SLUG]))
    assert listing.status_code == 200
    assert listing.context["items"] == [(signoff, False)]


def test_the_parent_officer_approves_a_ward(campaign, personas):
    client = login(personas["officer_q1"])
    ward = signed(client, "QD1-01")
    listing = client.get(reverse("progress:signoffs", args=[SLUG]))
    assert listing.context["items"] == [(ward, True)]
    assert client.post(decide_url(ward), {"decision": "approve"}).status_code == 302
    ward.refresh_from_db()
    assert ward.status == SignOff.Status.APPROVED and ward.decided_by == personas["officer_q1"]
    # The ward's figures are locked; the district's own are not.
    with pytest.raises(Refused):
        put(campaign, "jobs", "QD1-01", 5)
    put(campaign, "jobs", "QD1", 41)


def test_approved_figures_are_locked_until_the_approval_is_withdrawn(campaign, personas):
    officer = login(personas["officer_q1"])
    signoff = signed(officer, "QD1")
    coordinator = login(personas["coordinator"])
    assert coordinator.post(decide_url(signoff), {"decision": "approve"}).status_code == 302
    signoff.refresh_from_db()
    assert signoff.status == SignOff.Status.APPROVED and signoff.decided_by == personas["coordinator"]

    # Locked for the unit and every unit below it, through every way of writing.
    for code, unit_code in [("jobs", "QD1"), ("jobs", "QD1-01"), ("launched", "QD1-02")]:
        with pytest.raises(Refused):
            put(campaign, code, unit_code, 1)
    put(campaign, "jobs", "HD-NHABE", 8)  # another district is not locked
    officer = login(personas["officer_q1"])
    page = officer.get(entry_url("QD1"))
    html = text_of(page)
    assert page.context["lock"] == signoff
    assert "locked" in html or "khoá" in html or "khóa" in html
    assert 'class="flash flash-info"' in html and "Quận Đoàn 1" in html
    assert "Save the figures" not in html and "Lưu số liệu" not in html
    data = {"as_of": "2023-05-30", f"i{ind(campaign, 'jobs').pk}": "99", f"v{ind(campaign, 'jobs').pk}": "1"}
    response = officer.post(entry_url("QD1"), data)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert IndicatorValue.objects.get(indicator__code="jobs", unit__code="QD1").numerator == 40
    with pytest.raises(Refused):
        services.event_record(
            actor=None, activity=campaign.activities.get(code="A1"), unit=unit("QD1"), date=DAY, counts={"jobs": 1}
        )

    # Withdrawing the approval needs a reason.
    coordinator.post(decide_url(signoff), {"decision": "reopen", "reason": "   "})
    signoff.refresh_from_db()
    assert signoff.status == SignOff.Status.APPROVED
    assert (
        coordinator.post(decide_url(signoff), {"decision": "reopen", "reason": "Sai số liệu phường"}).status_code == 302
    )
    signoff.refresh_from_db()
    assert signoff.status == SignOff.Status.REOPENED and signoff.reason == "Sai số liệu phường"
    assert officer.get(entry_url("QD1")).context["lock"] is None
    assert officer.post(entry_url("QD1"), data).status_code == 302
    assert IndicatorValue.objects.get(indicator__code="jobs", unit__code="QD1").numerator == 99
    assert actions() == ["signoff.submit", "signoff.approve", "signoff.reopen"]
    reopen = AuditEntry.objects.get(action="signoff.reopen")
    assert reopen.actor == personas["coordinator"] and reopen.reason == "Sai số liệu phường"


def test_sending_back_needs_a_reason_and_the_unit_can_sign_off_again(campaign, personas):
    officer = login(personas["officer_q1"])
    signoff = signed(officer, "QD1")
    coordinator = login(personas["coordinator"])
    coordinator.post(decide_url(signoff), {"decision": "return"})
    signoff.refresh_from_db()
    assert signoff.status == SignOff.Status.SUBMITTED
    coordinator.post(decide_url(signoff), {"decision": "return", "reason": "Thiếu số liệu Phường Bến Thành"})
    signoff.refresh_from_db()
    assert signoff.status == SignOff.Status.RETURNED
    assert "Thiếu số liệu Phường Bến Thành" in text_of(officer.get(entry_url("QD1")))
    put(campaign, "jobs", "QD1-02", 3)  # sent back: not locked, the unit corrects its figures
    again = signed(officer, "QD1")
    assert again.pk != signoff.pk and again.status == SignOff.Status.SUBMITTED
    assert SignOffValue.objects.filter(signoff=again).count() == 4
    # A sent-back sign-off cannot then be approved.
    coordinator.post(decide_url(signoff), {"decision": "approve"})
    signoff.refresh_from_db()
    assert signoff.status == SignOff.Status.RETURNED
    assert actions() == ["signoff.submit", "signoff.return", "signoff.submit"]


def test_approved_only_dashboard_next_to_latest(campaign, personas):
    signoff = signed(login(personas["officer_q1"]), "QD1")
    coordinator = login(personas["coordinator"])
    url = reverse("progress:dashboard", args=[SLUG])
    assert "51 / 100" in visible(coordinator.get(url))
    before = coordinator.get(url + "?duyet=1")
    assert before.context["approved"] is True
    assert "51 / 100" not in visible(before) and "44 / 100" not in visible(before)
    coordinator.post(decide_url(signoff), {"decision": "approve"})
    latest, approved = coordinator.get(url), coordinator.get(url + "?duyet=1")
    assert "51 / 100" in visible(latest)
    assert "44 / 100" in visible(approved) and "51 / 100" not in visible(approved)
    jobs = ind(campaign, "jobs")
    assert queries.approved_figure(jobs, unit("TD")).value == 44 and queries.figure(jobs, unit("TD")).value == 51
    detail = coordinator.get(reverse("progress:indicator", args=[SLUG, "jobs"]) + "?duyet=1")
    assert detail.context["total"].value == 44


# --- zero and "not reported" on the pages -----------------------------------------------------


def figure_value_text(html: str) -> str:
    """The big number of the first figure on the page (the total on an indicator page)."""
    start = html.index('class="figure-value">') + len('class="figure-value">')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start : html.index("</div>", start)])).strip()


def test_zero_shows_as_zero_and_nothing_as_not_reported(tree, personas):
    bare = build_campaign(tree["TD"])
    put(bare, "jobs", "QD1-01", 0)
    coordinator = login(personas["coordinator"])
    response = coordinator.get(reverse("progress:indicator", args=[SLUG, "jobs"]))
    assert figure_value_text(text_of(response)).startswith("0 / 100")
    lines = {b.unit.code: b for b in response.context["lines"]}
    assert lines["QD1"].figure.value == 0 and lines["HD-NHABE"].figure.value is None
    rows = re.findall(r'<td class="num" data-label="[^"]*">(.*?)</td>', text_of(response))
    results = [re.sub(r"<[^>]+>", "", r).strip() for r in rows[0::3]]  # the Result column
    assert results == ["0", "chưa báo cáo"]  # Quận Đoàn 1, Huyện Đoàn Nhà Bè
    fairs = coordinator.get(reverse("progress:indicator", args=[SLUG, "fairs"]))
    assert figure_value_text(text_of(fairs)) == "chưa báo cáo"
    export = coordinator.get(reverse("progress:dashboard", args=[SLUG]) + "?xuat=xlsx")
    by_code = {r[0]: r for r in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)}
    assert by_code["jobs"][3] == 0 and by_code["fairs"][3] == "chưa báo cáo"


def test_a_ratio_of_nobody_is_reported_not_missing(tree, personas):
    """A ward with no members that enters 0 out of 0 has reported: the total is no percentage, but not
    "not reported" either."""
    bare = build_campaign(tree["TD"])
    put(bare, "eid", "QD1-01", 0, 0)
    fig = queries.figure(ind(bare, "eid"), unit("QD1"))
    assert fig.has_data and fig.reported == 1 and fig.value is None
    response = login(personas["coordinator"]).get(reverse("progress:indicator", args=[SLUG, "eid"]) + "?don-vi=QD1")
    big = figure_value_text(text_of(response))
    assert "chưa báo cáo" not in big and "not reported" not in big
    assert big == "—"
    put(bare, "eid", "QD1-02", 3, 4)
    response = login(personas["coordinator"]).get(reverse("progress:indicator", args=[SLUG, "eid"]) + "?don-vi=QD1")
    assert figure_value_text(text_of(response)) == "75 %"


# --- what the steering committee sees for a share of units ---------------------------------------


def test_a_share_of_units_is_right_on_the_city_page_and_in_its_export(seed_campaign, demo_tree, client):
    """MT1: Quận Đoàn 1 says two of its wards have not launched the movement yet; the city page and
    the export show its share (never 400–3,200 %), and "8/10" as reported over expected."""
    indicator = seed_campaign.indicators.get(code="launched_movement")
    wards = list(queries.reporting_units(indicator, demo_tree["QD1"]))
    assert len(wards) >= 3
    for ward in wards[:-2]:
        services.indicator_value_set(actor=None, indicator=indicator, unit=ward, numerator=1, as_of=DAY)
    done, total = len(wards) - 2, len(wards)
    share = (Decimal(100) * done / total).quantize(Decimal("0.1"))
    client.force_login(_user("bcd", Role.STEERING, demo_tree["TD"]))
    url = reverse("progress:indicator", args=[SEED, indicator.code])
    line = queries.breakdown(indicator, demo_tree["TD"])
    qd1 = next(b for b in line if b.unit.code == "QD1")
    assert (qd1.figure.value, qd1.figure.reported, qd1.figure.expected) == (share, done, total)
    page = visible(client.get(url))
    assert f"Quận Đoàn 1 {percent(share)} {done}/{total}" in page
    assert all(b.figure.value is None or b.figure.value <= 100 for b in line)
    sheet = load_workbook(io.BytesIO(client.get(url + "?xuat=xlsx").content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["QD1"][2] == float(share) and rows["QD1"][3:5] == (done, total)


def test_lower_is_better_indicators_rank_the_fewest_first(seed_campaign, demo_tree, client):
    overdue = seed_campaign.indicators.get(code="overdue_dossiers")
    assert overdue.lower_is_better
    for code, n in (("QD1", 5), ("QD3", 1), ("HD-NHABE", 9)):
        services.indicator_value_set(actor=None, indicator=overdue, unit=demo_tree[code], numerator=n, as_of=DAY)
    client.force_login(_user("bcd", Role.STEERING, demo_tree["TD"]))
    response = client.get(reverse("progress:indicator", args=[SEED, overdue.code]) + "?sap-xep=ket-qua")
    order = [b.unit.code for b in response.context["lines"] if b.figure.value is not None]
    assert order == ["QD3", "QD1", "HD-NHABE"]


def test_the_steering_matrix_shows_which_districts_are_behind_on_which_goal(seed_campaign, demo_tree, client):
    """One screen: districts × key indicators, coloured against the target (percentages) or the
    unit's commitment (counts), sortable, with its export."""
    launched = seed_campaign.indicators.get(code="launched_movement")
    wards = {code: list(queries.reporting_units(launched, demo_tree[code])) for code in ("QD1", "QD3")}
    for ward in wards["QD1"]:  # Quận 1: every ward launched the movement
        services.indicator_value_set(actor=None, indicator=launched, unit=ward, numerator=1, as_of=DAY)
    for ward in wards["QD3"][:1]:  # Quận 3: one ward only
        services.indicator_value_set(actor=None, indicator=launched, unit=ward, numerator=1, as_of=DAY)
    client.force_login(_user("bcd", Role.STEERING, demo_tree["TD"]))
    url = reverse("progress:matrix", args=[SEED])
    response = client.get(url, {"loai": "district"})
    assert response.status_code == 200
    rows = {r.unit.code: r for r in response.context["rows"]}
    assert set(rows) <= set(Unit.objects.filter(depth=2, kind="district").values_list("code", flat=True))  # the filter
    column = [i.code for i in response.context["indicators"]].index("launched_movement")
    assert rows["QD1"].cells[column].band == "good" and rows["QD3"].cells[column].band == "behind"
    assert rows["HD-NHABE"].cells[column].band == "none"  # not reported is not zero
    page = response.content.decode()
    assert 'class="m-good"' in page and 'class="m-behind"' in page and "chưa báo cáo" in page
    best = client.get(url, {"loai": "district", "sap-xep": "launched_movement"}).context["rows"]
    assert best[0].unit.code == "QD1"
    sheet = load_workbook(io.BytesIO(client.get(url, {"loai": "district", "xuat": "xlsx"}).content)).active
    exported = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported["QD1"][2 + 2 * column] == 100.0 and exported["QD1"][3 + 2 * column] == 100.0
    # An emulation cluster narrows the rows to its members.
    seed_campaign.clusters.create(code="TT", name="Cụm trung tâm", unit_codes=["QD1", "QD3"])
    central = client.get(url, {"cum": "TT"})
    assert {r.unit.code for r in central.context["rows"]} == {"QD1", "QD3"}
    assert "Cụm trung tâm" in central.content.decode()


def _matrix_link(page: str, name: str) -> str:
    """The address of the drill-down link on a unit's name in the matrix."""
    match = re.search(r'<th scope="row" class="sticky"><a href="([^"]+)">' + re.escape(name) + "</a></th>", page)
    assert match, f"no drill-down link on {name}"
    return match.group(1).replace("&amp;", "&")


def test_the_steering_matrix_drills_down_to_a_units_own_matrix(seed_campaign, demo_tree, client):
    """The link on a district opens the district's matrix: its wards as rows, the goal chosen kept,
    even when the city's matrix was narrowed to districts (the wards are of another kind)."""
    launched = seed_campaign.indicators.get(code="launched_movement")
    wards = list(queries.reporting_units(launched, demo_tree["QD1"]))
    for ward in wards[:2]:
        services.indicator_value_set(actor=None, indicator=launched, unit=ward, numerator=1, as_of=DAY)
    client.force_login(_user("bcd", Role.STEERING, demo_tree["TD"]))
    url = reverse("progress:matrix", args=[SEED])
    for filters in ({}, {"muc-tieu": "MT1"}, {"loai": "district", "muc-tieu": "MT1"}):
        city = client.get(url, filters)
        assert "QD1" in {r.unit.code for r in city.context["rows"]}
        link = _matrix_link(city.content.decode(), "Quận Đoàn 1")
        district = client.get(url + link)
        assert district.status_code == 200 and district.context["unit"].code == "QD1", filters
        rows = {r.unit.code for r in district.context["rows"]}
        qd1 = demo_tree["QD1"]
        children = set(Unit.objects.subtree(qd1).filter(depth=qd1.depth + 1).values_list("code", flat=True))
        assert {w.code for w in wards} <= rows <= children, filters  # its own children, every reporting ward
        column = [i.code for i in district.context["indicators"]].index("launched_movement")
        by_code = {r.unit.code: r for r in district.context["rows"]}
        assert by_code[wards[0].code].cells[column].band == "good"
        assert by_code[wards[-1].code].cells[column].band == "none"  # not reported
        goals = {i.goal.code if i.goal else None for i in district.context["indicators"]}
        assert (goals == {"MT1"}) == bool(filters), filters  # the goal chosen is kept, and only it
        assert ancestors_of(district) == ["TD"]  # and the way back up
    # A kind of unit none of the rows can be (a bookmark, an old link) narrows nothing.
    kept = client.get(url, {"don-vi": "QD1", "loai": "district"})
    assert {r.unit.code for r in kept.context["rows"]} == rows and kept.context["kind"] == ""


def ancestors_of(response) -> list[str]:
    return [a.code for a in response.context["ancestors"]]


def test_the_steering_matrix_goal_filter_shows_only_that_goals_indicators(seed_campaign, demo_tree, client):
    client.force_login(_user("bcd", Role.STEERING, demo_tree["TD"]))
    url = reverse("progress:matrix", args=[SEED])
    everything = [i.code for i in client.get(url).context["indicators"]]
    mt2 = set(seed_campaign.indicators.filter(goal__code="MT2").values_list("code", flat=True))
    assert mt2 == {"young_civil_servants_committed", "overdue_dossiers"} and mt2 < set(everything)
    response = client.get(url, {"muc-tieu": "MT2"})
    assert [i.code for i in response.context["indicators"]] == [c for c in everything if c in mt2]
    assert response.context["goals"] == [("MT2", 2)]  # one goal's columns in the header
    page = response.content.decode()
    headers = re.findall(r'<th scope="col"><a href="[^"]*/chi-tieu/([^/"?]+)/', page)
    assert set(headers) == mt2
    assert '<option value="MT2" selected>' in page
    launched = seed_campaign.indicators.get(code="launched_movement")
    assert launched.name[:20] not in page  # an MT1 indicator: not a column
    assert client.get(url, {"muc-tieu": "KHONG-CO"}).context["indicators"] == []  # an unknown goal: nothing


def test_the_steering_matrix_ranks_lower_is_better_indicators_fewest_first(seed_campaign, demo_tree, client):
    overdue = seed_campaign.indicators.get(code="overdue_dossiers")
    assert overdue.lower_is_better
    for code, n in (("QD1", 5), ("QD3", 1), ("HD-NHABE", 9)):
        services.indicator_value_set(actor=None, indicator=overdue, unit=demo_tree[code], numerator=n, as_of=DAY)
    client.force_login(_user("bcd", Role.STEERING, demo_tree["TD"]))
    response = client.get(reverse("progress:matrix", args=[SEED]), {"sap-xep": "overdue_dossiers"})
    column = [i.code for i in response.context["indicators"]].index("overdue_dossiers")
    cells = [(r.unit.code, r.cells[column].figure) for r in response.context["rows"]]
    ranked = [(code, figure.value if figure else None) for code, figure in cells]
    reported = [(code, value) for code, value in ranked if value is not None]
    assert reported == [("QD3", 1), ("QD1", 5), ("HD-NHABE", 9)]
    assert ranked[: len(reported)] == reported  # the units without a figure come last
    assert "(càng thấp càng tốt)" in response.content.decode()  # the column says which way is best


def test_the_sign_off_queue_lists_what_awaits_a_decision_first(campaign, personas):
    client = login(personas["officer_q1"])
    decided = signed(client, "QD1-01")
    assert client.post(decide_url(decided), {"decision": "approve"}).status_code == 302
    waiting = signed(client, "QD1-02")
    listing = client.get(reverse("progress:signoffs", args=[SLUG]))
    assert [s for s, _may in listing.context["items"]] == [waiting, decided]
