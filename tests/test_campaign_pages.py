"""What the coordinator, the steering committee and a unit officer see of the seed campaign."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from thidua.campaigns.models import Campaign
from thidua.units.models import Role, RoleAssignment

from .conftest import SEED_PATH

pytestmark = pytest.mark.django_db


def user_with(role, unit, name):
    user = get_user_model().objects.create_user(username=name, password="pw-for-tests-1")
    RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def coordinator(demo_tree):
    return user_with(Role.COORDINATOR, demo_tree["TD"], "coord")


@pytest.fixture
def officer_nhabe(demo_tree):
    return user_with(Role.OFFICER, demo_tree["HD-NHABE"], "nhabe")


def test_overview_shows_the_plan(client, coordinator, seed_campaign):
    client.force_login(coordinator)
    page = client.get(reverse("campaigns:detail", args=[seed_campaign.slug])).content.decode()
    for text in [
        "Tuổi trẻ Thành phố Bác năng động",
        "Hội trường Thành Đoàn Thành phố Hồ Chí Minh",
        "20.000",
        "11:00 thứ Bảy 06/05/2023",
        "trước 11g00 ngày 06/5/2023 (thứ Sáu)",
        "bcnld.thanhdoan@tphcm.gov.vn",
        "Trần Thu Hà",
        "TM. BAN THƯỜNG VỤ THÀNH ĐOÀN",
        "Lưu (VT-LT).",
        "Huyện Đoàn Nhà Bè",
        "Trung tâm Phát triển Khoa học Công nghệ trẻ",
    ]:
        assert text in page, text
    # The coordinator sees the checks, with the Saturday deadline the plan calls a Friday.
    assert "06/05/2023" in page and "thứ Sáu" in page
    assert page.count('class="warn"') >= 2


def test_deadlines_in_the_past_are_marked_overdue(client, officer_nhabe, seed_campaign):
    client.force_login(officer_nhabe)
    page = client.get(reverse("campaigns:detail", args=[seed_campaign.slug])).content.decode()
    assert page.count("badge-late") == 3
    # Officers do not see the coordinator's checks.
    assert 'class="warn"' not in page


def test_my_unit_page_lists_what_nha_be_must_do(client, officer_nhabe, seed_campaign):
    client.force_login(officer_nhabe)
    response = client.get(reverse("campaigns:my_unit", args=[seed_campaign.slug]))
    assert response.status_code == 302 and response["Location"].endswith("/don-vi/HD-NHABE/")
    page = client.get(response["Location"]).content.decode()
    assert page.count("<time") == 3  # plan, mid-term report, final report
    assert "Ngày thứ Bảy tình nguyện" in page  # Nhà Bè is named in activity 5
    assert "Ra quân hướng dẫn cài đặt tài khoản định danh điện tử" in page  # as one of the direct units
    assert "Vành đai 3" not in page  # Nhà Bè is not in the Ring Road 3 activity


def test_ring_road_district_sees_ring_road_indicators(client, demo_tree, seed_campaign):
    user = user_with(Role.OFFICER, demo_tree["HD-CUCHI"], "cuchi")
    client.force_login(user)
    page = client.get(reverse("submissions:unit_tasks", args=[seed_campaign.slug, "HD-CUCHI"])).content.decode()
    assert "Vành đai 3" in page


def test_home_summarises_the_units_duties(client, officer_nhabe, seed_campaign):
    client.force_login(officer_nhabe)
    page = client.get(reverse("home")).content.decode()
    assert "Huyện Đoàn Nhà Bè" in page and seed_campaign.slug in page


def test_upload_creates_a_draft_and_reports_bad_files(client, coordinator, demo_tree):
    client.force_login(coordinator)
    url = reverse("campaigns:upload")
    bad = SimpleUploadedFile("plan.yaml", b"format: thidua.campaign/1\nslug: [oops\n", content_type="application/yaml")
    response = client.post(url, {"file": bad})
    assert response.status_code == 200 and Campaign.objects.count() == 0
    assert 'class="errors"' in response.content.decode()
    wrong_type = SimpleUploadedFile("plan.docx", b"PK\x03\x04", content_type="application/octet-stream")
    assert client.post(url, {"file": wrong_type}).status_code == 200 and Campaign.objects.count() == 0
    good = SimpleUploadedFile("plan.yaml", SEED_PATH.read_bytes(), content_type="application/yaml")
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.DRAFT and campaign.source_sha256
    # Publishing from the page.
    response = client.post(reverse("campaigns:status", args=[campaign.slug]), {"status": "published"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PUBLISHED


def test_drafts_are_hidden_from_units(client, officer_nhabe, seed_campaign):
    Campaign.objects.filter(pk=seed_campaign.pk).update(status=Campaign.Status.DRAFT)
    client.force_login(officer_nhabe)
    assert client.get(reverse("campaigns:detail", args=[seed_campaign.slug])).status_code == 404
    assert seed_campaign.slug not in client.get(reverse("campaigns:list")).content.decode()


def test_definition_download_is_the_yaml(client, officer_nhabe, seed_campaign):
    client.force_login(officer_nhabe)
    response = client.get(reverse("campaigns:definition", args=[seed_campaign.slug]))
    assert response["Content-Type"].startswith("application/yaml")
    assert "format: thidua.campaign/1" in response.content.decode()


def test_publishing_and_closing_tell_exactly_the_units_concerned(client, demo_tree, seed_definition, settings):
    from django.core import mail

    from thidua.campaigns.services import campaign_load, units_concerned
    from thidua.core import outbox
    from thidua.core.models import Notification
    from thidua.units.models import Role, RoleAssignment

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    seed_definition["status"] = "draft"
    campaign = campaign_load(actor=None, definition=seed_definition).campaign
    officer = get_user_model().objects.create_user("cb_q1", email="cb@q1.vn", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=officer, unit=demo_tree["QD1"], role=Role.OFFICER)
    coordinator = get_user_model().objects.create_user("dp", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=coordinator, unit=demo_tree["TD"], role=Role.COORDINATOR)
    client.force_login(coordinator)
    page = client.get(reverse("campaigns:detail", args=[campaign.slug])).content.decode()
    assert "data-confirm=" in page  # publishing asks first
    mail.outbox.clear()
    client.post(reverse("campaigns:status", args=[campaign.slug]), {"status": "published"})
    concerned = units_concerned(campaign)
    assert demo_tree["QD1"] in concerned and demo_tree["TD"] not in concerned  # the issuer sends itself nothing
    outbox.outbox_deliver(limit=5000)  # several run_jobs' worth
    with_address = [u for u in concerned if u.email_list] + [demo_tree["QD1"]]
    assert len(mail.outbox) == len({u.pk for u in with_address})  # one e-mail per unit with an address
    assert Notification.objects.filter(user=officer, text__contains="Đợt thi đua mới").count() == 1
    client.post(reverse("campaigns:status", args=[campaign.slug]), {"status": "closed", "reason": "Hết đợt"})
    assert Notification.objects.filter(user=officer, text__contains="đã kết thúc").count() == 1


def test_copy_to_next_year_moves_every_date_and_copies_no_data(client, demo_tree, seed_definition):
    import datetime as dt

    from thidua.campaigns.services import campaign_load
    from thidua.core import timeutils

    seed = campaign_load(actor=None, definition=seed_definition).campaign
    coordinator = get_user_model().objects.create_user("dp", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=coordinator, unit=demo_tree["TD"], role=Role.COORDINATOR)
    client.force_login(coordinator)
    page = client.get(reverse("campaigns:copy", args=[seed.slug]))
    assert page.context["form"].initial["slug"] == "cao-diem-2024"
    response = client.post(
        reverse("campaigns:copy", args=[seed.slug]),
        {"slug": "cao-diem-2027", "title": "Đợt thi đua cao điểm 2027", "start": "27/04/2027", "keep_weekdays": "on"},
    )
    assert response.status_code == 302
    copy = Campaign.objects.get(slug="cao-diem-2027")
    assert copy.status == "draft" and copy.title == "Đợt thi đua cao điểm 2027"
    old = {m.code: timeutils.local(m.deadline) for m in seed.milestones.all()}
    new = {m.code: timeutils.local(m.deadline) for m in copy.milestones.all()}
    shift = new["KH"] - old["KH"]
    assert shift.days % 7 == 0 and abs(shift.days - 1452) <= 3  # 27/04/2027, by whole weeks: weekdays kept
    assert all(new[code] - old[code] == shift for code in old) and new["KH"].hour == 11
    assert all(new[c].weekday() == old[c].weekday() for c in old)
    conference = copy.activities.get(code="CV1")
    assert conference.start_date == seed.activities.get(code="CV1").start_date + dt.timedelta(days=shift.days)
    assert copy.indicators.count() == seed.indicators.count() and copy.validation_rules.count() == 5
    assert sorted(copy.activities.get(code="CV2").assignments.values_list("unit_code", flat=True)) == sorted(
        seed.activities.get(code="CV2").assignments.values_list("unit_code", flat=True)
    )
    # A district coordinator may not copy the city's campaign.
    district = get_user_model().objects.create_user("dpq1", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=district, unit=demo_tree["QD1"], role=Role.COORDINATOR)
    client.force_login(district)
    assert client.get(reverse("campaigns:copy", args=[seed.slug])).status_code == 403


def test_after_closing_units_are_told_the_campaign_is_closed_not_that_their_role_is_wrong(
    client, seed_campaign, demo_tree
):
    from thidua.campaigns.models import Campaign
    from thidua.units.models import Role, RoleAssignment, Unit

    from .test_submissions_services import add_officer

    officer = add_officer(Unit.objects.get(code="HD-NHABE"), "officer_closed")
    assert RoleAssignment.objects.filter(user=officer, role=Role.OFFICER).exists()
    Campaign.objects.filter(pk=seed_campaign.pk).update(status=Campaign.Status.CLOSED)
    client.force_login(officer)
    base = f"/dot-thi-dua/{seed_campaign.slug}"
    for path in (f"{base}/nop/KH/HD-NHABE/", f"{base}/so-lieu/HD-NHABE/", f"{base}/dang-ky/HD-NHABE/"):
        response = client.post(path, {})
        page = response.content.decode()
        assert response.status_code == 403, path
        assert "đã kết thúc" in page and "vai trò" not in page, path
