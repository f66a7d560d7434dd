"""The campaign editor as the coordinator uses it: every section's page, posted back as the browser
would (the form's own values, read from the HTML), dd/mm/yyyy dates, units picked by name, the
reason a published change needs, two coordinators at once, and who may edit at all."""

from __future__ import annotations

import lxml.html
import pytest
from django.urls import reverse

from thidua.campaigns.models import Campaign, CampaignVersion
from thidua.core.outbox import OutboundEmail
from thidua.units.models import Role, RoleAssignment, Unit

from .test_submissions_services import add_officer


def page_form(client, url) -> tuple[list[tuple[str, str]], str]:
    """The editor form's values exactly as the page offers them, and the page's text."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    form = next(f for f in lxml.html.fromstring(html).forms if "editor" in (f.get("class") or ""))
    return list(form.form_values()), html


def as_post(values) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in values:
        data.setdefault(name, []).append(value)
    return data


def replace(values, name, value):
    """Type `value` into the box `name` (an empty text box is not among lxml's values: add it)."""
    if not any(n == name for n, _ in values):
        return [*values, (name, value)]
    return [(n, value if n == name else v) for n, v in values]


@pytest.fixture
def coordinator(seed_campaign, client):
    user = add_officer(Unit.objects.get(code="TD"), "editor_td")
    RoleAssignment.objects.filter(user=user).update(role=Role.COORDINATOR)
    client.force_login(user)
    return user


def url(campaign, section=None):
    if section is None:
        return reverse("campaigns:edit", args=[campaign.slug])
    return reverse("campaigns:edit_section", args=[campaign.slug, section])


@pytest.mark.parametrize(
    "section",
    ["chung", "muc-tieu", "chi-tieu", "hoat-dong", "moc", "quy-tac", "cum", "tieu-chi", "khen-thuong", "noi-nhan"],
)
def test_every_section_posted_back_unchanged_changes_nothing(client, coordinator, seed_campaign, section):
    values, html = page_form(client, url(seed_campaign, section))
    assert ("dd/mm/yyyy" in html) == (section in ("chung", "hoat-dong", "moc"))
    response = client.post(url(seed_campaign, section), as_post(values))
    assert response.status_code == 302, [line for line in response.content.decode().splitlines() if "alert" in line]
    assert not CampaignVersion.objects.filter(campaign=seed_campaign, number__gt=1).exists()


def test_the_general_section_shows_dates_as_vietnamese_read_them(client, coordinator, seed_campaign):
    values, html = page_form(client, url(seed_campaign, "chung"))
    fields = dict(values)
    assert fields["period_end"] == seed_campaign.period_end.strftime("%d/%m/%Y")
    assert fields["issuer_unit"] == "TD — Thành Đoàn Thành phố Hồ Chí Minh"
    assert "Bắt đầu" in html and "Đơn vị ban hành" in html


def test_moving_a_deadline_in_the_browser_needs_a_reason_then_makes_a_version(client, coordinator, seed_campaign):
    values, _ = page_form(client, url(seed_campaign, "moc"))
    sk = next(n for n, v in values if v == "SK")
    prefix = sk.removesuffix("-code")
    moved = replace(values, f"{prefix}-deadline_date", "07/06/2023")
    response = client.post(url(seed_campaign, "moc"), as_post(moved))
    assert response.status_code == 400 and "Hãy ghi lý do thay đổi" in response.content.decode()
    moved = replace(moved, "reason", "Lùi hạn sơ kết theo đề nghị của các quận, huyện.")
    response = client.post(url(seed_campaign, "moc"), as_post(moved), follow=True)
    assert "phiên bản 2" in response.content.decode()
    version = seed_campaign.versions.get(number=2)
    changed = [(c["code"], c["field"]) for c in version.changes]
    assert changed == [("SK", "deadline"), ("SK", "deadline_text"), ("SK", "weekday")]  # the old texts no longer hold
    assert version.notified_units > 0
    assert (
        OutboundEmail.objects.filter(key__startswith=f"campaign-change:{version.pk}:").count() == version.notified_units
    )
    history = client.get(reverse("campaigns:history", args=[seed_campaign.slug])).content.decode()
    assert "07/06/2023" in history and "31/05/2023" in history and "Lùi hạn sơ kết" in history


def test_a_unit_is_picked_by_its_name_without_accents(client, coordinator, seed_campaign):
    activity = seed_campaign.activities.first()
    page = reverse("campaigns:edit_activity", args=[seed_campaign.slug, activity.code])
    values, _ = page_form(client, page)
    total = int(dict(values)["assignments-TOTAL_FORMS"])
    extra = total - 1
    values = replace(values, f"assignments-{extra}-unit", "huyen doan nha be")
    values = replace(values, f"assignments-{extra}-role", "co_lead")
    values = replace(values, "reason", "Thêm đơn vị phối hợp.")
    response = client.post(page, as_post(values))
    assert response.status_code == 302, response.content.decode()[:2000]
    added = activity.assignments.get(unit_code="HD-NHABE")
    assert added.role == "co_lead" and added.name_in_plan == "Huyện Đoàn Nhà Bè"
    # The suggestions the picker shows while typing.
    suggestions = client.get(reverse("units:pick"), {"field": "x", "x": "nha be"}, HTTP_HX_REQUEST="true")
    assert 'data-unit-pick="HD-NHABE"' in suggestions.content.decode()
    # A name that matches several units is refused with the candidates listed, nothing saved.
    values = replace(values, f"assignments-{extra}-unit", "quan doan")
    response = client.post(page, as_post(values))
    assert response.status_code == 400 and "khớp với nhiều đơn vị" in response.content.decode()


def test_a_stale_page_does_not_overwrite_a_change_saved_meanwhile(client, coordinator, seed_campaign):
    values, _ = page_form(client, url(seed_campaign, "chung"))
    first = replace(replace(values, "theme", "Chủ đề A"), "reason", "Sửa chủ đề.")
    second = replace(replace(values, "audience", "Đoàn viên, thanh niên"), "reason", "Sửa đối tượng.")
    assert client.post(url(seed_campaign, "chung"), as_post(first)).status_code == 302
    response = client.post(url(seed_campaign, "chung"), as_post(second))
    assert response.status_code == 400 and "tải lại trang" in response.content.decode()
    seed_campaign.refresh_from_db()
    assert seed_campaign.theme == "Chủ đề A" and seed_campaign.audience != "Đoàn viên, thanh niên"


def test_bad_input_gets_a_message_and_loses_nothing(client, coordinator, seed_campaign):
    values, _ = page_form(client, url(seed_campaign, "chung"))
    bad = replace(replace(values, "period_end", "31/13/2023"), "reason", "x")
    response = client.post(url(seed_campaign, "chung"), as_post(bad))
    assert response.status_code == 400 and "dd/mm/yyyy" in response.content.decode()
    values, _ = page_form(client, url(seed_campaign, "muc-tieu"))
    codes = [n for n, v in values if n.endswith("-code") and v]
    duplicate = replace(replace(values, codes[1], dict(values)[codes[0]]), "reason", "x")
    response = client.post(url(seed_campaign, "muc-tieu"), as_post(duplicate))
    assert response.status_code == 400 and dict(values)[codes[0]] in response.content.decode()
    assert seed_campaign.versions.count() == 1


def test_who_may_edit(client, seed_campaign, demo_tree):
    nhabe = Unit.objects.get(code="HD-NHABE")
    district = add_officer(nhabe, "coordinator_nhabe_editor")
    RoleAssignment.objects.filter(user=district).update(role=Role.COORDINATOR)
    client.force_login(district)
    for target in (
        url(seed_campaign),
        url(seed_campaign, "moc"),
        reverse("campaigns:history", args=[seed_campaign.slug]),
    ):
        assert client.get(target).status_code == 403
    assert client.post(url(seed_campaign, "chung"), {"title": "x"}).status_code == 403
    officer = add_officer(nhabe, "officer_nhabe_editor")
    client.force_login(officer)
    assert client.get(url(seed_campaign, "chung")).status_code == 403
    assert Campaign.objects.get(pk=seed_campaign.pk).title == seed_campaign.title


def test_the_criteria_set_and_clusters_are_edited_in_the_browser(client, coordinator, seed_campaign):
    values, _ = page_form(client, url(seed_campaign, "cum"))
    values = replace(values, "clusters-0-code", "QH")
    values = replace(values, "clusters-0-name", "Cụm các quận, huyện")
    values = [*values, ("clusters-0-kinds", "district")]
    values = replace(values, "reason", "Thêm cụm thi đua.")
    assert client.post(url(seed_campaign, "cum"), as_post(values)).status_code == 302
    values, _ = page_form(client, url(seed_campaign, "tieu-chi"))
    for name, value in (
        ("code", "TC1"),
        ("name", "Giới thiệu việc làm"),
        ("max_points", "30"),
        ("source", "indicator"),
    ):
        values = replace(values, f"criteria-0-{name}", value)
    response = client.post(url(seed_campaign, "tieu-chi"), as_post(replace(values, "reason", "Bảng tiêu chí.")))
    assert response.status_code == 400 and "Chọn chỉ tiêu" in response.content.decode()
    values = replace(values, "criteria-0-indicator", "youths_job_referrals")
    response = client.post(url(seed_campaign, "tieu-chi"), as_post(replace(values, "reason", "Bảng tiêu chí.")))
    assert response.status_code == 302
    criterion = seed_campaign.criteria.get()
    assert (criterion.code, criterion.max_points, criterion.indicator_code) == ("TC1", 30, "youths_job_referrals")
    assert seed_campaign.clusters.get().members(seed_campaign).filter(kind="district").count() > 5
