"""The library of effective models: a unit writes a model and sends it, the coordinator returns,
publishes, features and takes it down; the public sees published models only (never their contact
data, never a file of an unpublished one); bad input is a Vietnamese message that stores nothing;
the demo fills the library."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from thidua.campaigns.models import Activity
from thidua.core.errors import Refused
from thidua.core.models import AuditEntry, Notification, StoredFile
from thidua.demo import practices as demo
from thidua.demo.submissions import pdf_bytes
from thidua.practices import services
from thidua.practices.models import Field, Practice
from thidua.units.models import Role, RoleAssignment, Unit

from .test_submissions_files import files_under

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Tổ hỗ trợ định danh điện tử tại nhà văn hóa ấp",
    "field": Field.DIGITAL,
    "description": "Đoàn viên hỗ trợ người dân cài VNeID vào tối thứ Năm tại nhà văn hóa ấp.",
    "results": "Hỗ trợ 820 người dân kích hoạt tài khoản định danh mức độ 2.",
    "contact_name": "Nguyễn Văn Liên Hệ",
    "contact_phone": "0900 123 456",
}


def _user(username, role=None, unit=None):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-1")
    if role:
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def lib(seed_campaign, demo_tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return {
        "campaign": seed_campaign,
        "unit": Unit.objects.get(code="HD-NHABE-01"),
        "coordinator": _user("dieuphoi", Role.COORDINATOR, demo_tree["TD"]),
        "officer": _user("nhabe", Role.OFFICER, demo_tree["HD-NHABE"]),
        "viewer": _user("xem_nhabe", Role.VIEWER, demo_tree["HD-NHABE"]),
        "officer_q1": _user("quan1", Role.OFFICER, demo_tree["QD1"]),
        "tmp": tmp_path,
    }


def activity(campaign, code="CV2"):
    return campaign.activities.get(code=code)


def make(campaign, unit, *, actor=None, uploads=(), **changes) -> Practice:
    data = FORM | changes
    content = services.PracticeContent(
        title=data["title"],
        field=data["field"],
        description=data["description"],
        results=data["results"],
        activity=data.get("activity", activity(campaign)),
        contact_name=data["contact_name"],
        contact_phone=data["contact_phone"],
    )
    return services.practice_save(actor=actor, content=content, campaign=campaign, unit=unit, uploads=list(uploads))


def published(campaign, unit, *, featured=False, uploads=(), **changes) -> Practice:
    practice = services.practice_submit(actor=None, practice=make(campaign, unit, uploads=uploads, **changes))
    return services.practice_publish(actor=None, practice=practice, featured=featured)


def route_ids(campaign, unit) -> dict:
    """For the URL walk (tests/test_access.py): a published model of `unit` with a photo and a PDF."""
    practice = published(
        campaign, unit, uploads=[("anh.png", demo.png_bytes()), ("ke-hoach.pdf", pdf_bytes("Ke hoach mo hinh"))]
    )
    photo, document = practice.files.order_by("order")
    return {"PRACTICE": practice.pk, "PRACTICE_PHOTO": photo.pk, "PRACTICE_FILE": document.pk}


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def text(response) -> str:
    return response.content.decode()


# --- the life of a model ------------------------------------------------------------------------


def test_the_life_of_a_model_from_draft_to_taken_down(client, lib):
    campaign, unit = lib["campaign"], lib["unit"]
    client.force_login(lib["officer"])
    form = FORM | {"campaign": campaign.pk, "activity": activity(campaign).pk}
    form["files"] = [upload("ra-quan.png", demo.png_bytes()), upload("bao-cao.pdf", pdf_bytes("Bao cao"))]
    response = client.post(reverse("practices:create", args=[unit.code]), form)
    practice = Practice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("practices:detail", args=[practice.pk])
    assert practice.status == "draft" and practice.created_by == lib["officer"] and practice.files.count() == 2
    page = text(client.get(reverse("practices:detail", args=[practice.pk])))
    assert FORM["contact_phone"] in page and "Gửi lên đơn vị điều phối" in page

    # Sent: the coordinator is told; the unit may no longer change it.
    client.post(reverse("practices:submit", args=[practice.pk]))
    practice.refresh_from_db()
    assert practice.status == "submitted" and practice.submitted_at is not None
    assert Notification.objects.filter(user=lib["coordinator"], url__endswith=f"/ho-so/{practice.pk}/").exists()
    response = client.get(reverse("practices:edit", args=[practice.pk]), follow=True)
    assert "Chỉ mô hình đang soạn hoặc bị trả lại mới sửa được." in text(response)

    # Returned with a reason, rewritten, sent again.
    client.force_login(lib["coordinator"])
    queue = text(client.get(reverse("practices:list")))
    assert "chờ anh/chị quyết định" in queue
    client.post(reverse("practices:return", args=[practice.pk]), {"reason": "Bổ sung số liệu theo từng ấp."})
    practice.refresh_from_db()
    assert practice.status == "returned" and practice.return_reason == "Bổ sung số liệu theo từng ấp."
    client.force_login(lib["officer"])
    assert "Bổ sung số liệu theo từng ấp." in text(client.get(reverse("practices:detail", args=[practice.pk])))
    edited = FORM | {"results": "Ấp 1: 300 người, ấp 2: 520 người; tổng 820 người dân.", "activity": ""}
    response = client.post(reverse("practices:edit", args=[practice.pk]), edited)
    assert response.status_code == 302
    client.post(reverse("practices:submit", args=[practice.pk]))
    practice.refresh_from_db()
    assert practice.status == "submitted" and practice.results.startswith("Ấp 1") and practice.activity is None

    # Published, then featured: at the top of the library.
    client.force_login(lib["coordinator"])
    other = published(lib["campaign"], Unit.objects.get(code="QD1-01"), title="Mô hình khác")
    client.post(reverse("practices:publish", args=[practice.pk]))
    practice.refresh_from_db()
    assert practice.status == "published" and not practice.featured and practice.published_by == lib["coordinator"]
    client.post(reverse("practices:feature", args=[practice.pk]), {"featured": "1"})
    practice.refresh_from_db()
    assert practice.featured
    client.logout()
    gallery = text(client.get(reverse("practices:gallery")))
    assert gallery.index(FORM["title"]) < gallery.index(other.title)

    # Taken down: out of the library, back to its unit with the reason.
    client.force_login(lib["coordinator"])
    client.post(reverse("practices:unpublish", args=[practice.pk]), {"reason": "Số liệu chưa được xác minh."})
    practice.refresh_from_db()
    assert practice.status == "returned" and not practice.featured and practice.published_at is None
    client.logout()
    assert FORM["title"] not in text(client.get(reverse("practices:gallery")))
    assert client.get(reverse("practices:public_detail", args=[practice.pk])).status_code == 404
    actions = list(
        AuditEntry.objects.filter(object_type="practices.practice", object_id=str(practice.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "practice.create", "practice.submit", "practice.return", "practice.edit", "practice.submit",
        "practice.publish", "practice.feature", "practice.unpublish",
    ]  # fmt: skip


def test_states_that_do_not_allow_an_action_are_refused(lib):
    campaign, unit = lib["campaign"], lib["unit"]
    draft = make(campaign, unit)
    with pytest.raises(Refused, match="Chỉ mô hình đã được đơn vị gửi lên mới được công bố"):
        services.practice_publish(actor=None, practice=draft)
    with pytest.raises(Refused):
        services.practice_feature(actor=None, practice=draft, featured=True)
    sent = services.practice_submit(actor=None, practice=draft)
    with pytest.raises(Refused):
        services.practice_submit(actor=None, practice=sent)
    with pytest.raises(Refused, match="lý do"):
        services.practice_return(actor=None, practice=sent, reason="  ")
    with pytest.raises(Refused):
        services.practice_unpublish(actor=None, practice=sent, reason="Không phù hợp")
    content = services.PracticeContent(title="Đổi tên", field=Field.OTHER, description="x", results="y")
    with pytest.raises(Refused):
        services.practice_save(actor=None, practice=sent, content=content)
    sent.refresh_from_db()
    assert sent.status == "submitted" and sent.title == FORM["title"]
    # An activity of another campaign: refused.
    with pytest.raises(Refused, match="hoạt động"):
        make(campaign, unit, activity=Activity(campaign_id=campaign.pk + 1, code="CVX", title="Khác"))
    # No new model once the campaign is closed; a returned one is still rewritten.
    returned = services.practice_return(actor=None, practice=sent, reason="Thiếu số liệu")
    campaign.status = "closed"
    campaign.save(update_fields=["status"])
    with pytest.raises(Refused, match="đã ban hành"):
        make(campaign, unit, title="Mô hình mới")
    services.practice_save(actor=None, practice=returned, content=content)
    returned.refresh_from_db()
    assert returned.title == "Đổi tên" and Practice.objects.count() == 1


def test_a_model_holds_at_most_the_file_limit(lib, settings):
    settings.SUBMISSION_MAX_FILES = 2
    photos = [(f"anh-{n}.png", demo.png_bytes(8, 8 + n)) for n in range(3)]
    with pytest.raises(Refused):
        make(lib["campaign"], lib["unit"], uploads=photos)
    practice = make(lib["campaign"], lib["unit"], uploads=photos[:2])
    content = services.PracticeContent(title="x", field=Field.OTHER, description="y", results="z")
    with pytest.raises(Refused, match="tối đa 2 tệp"):
        services.practice_save(actor=None, practice=practice, content=content, uploads=photos[2:])
    assert practice.files.count() == 2 and StoredFile.objects.count() == 2 and len(files_under(lib["tmp"])) == 2


# --- what the public sees -----------------------------------------------------------------------


def test_the_public_sees_published_models_only_without_contact_data(client, lib):
    campaign, unit = lib["campaign"], lib["unit"]
    shown = published(
        campaign,
        unit,
        featured=True,
        uploads=[("ra-quan.png", demo.png_bytes()), ("cam-nang.pdf", pdf_bytes("Cam nang"))],
    )
    hidden = services.practice_submit(
        actor=None,
        practice=make(campaign, unit, title="Mô hình chưa công bố", uploads=[("anh-an.png", demo.png_bytes(8, 8))]),
    )
    gallery = text(client.get(reverse("practices:gallery")))
    assert shown.title in gallery and hidden.title not in gallery
    page = client.get(reverse("practices:public_detail", args=[shown.pk]))
    assert page.status_code == 200
    for secret in (FORM["contact_name"], FORM["contact_phone"]):
        assert secret not in text(page) and secret not in gallery
    photo, document = shown.files.order_by("order")
    assert reverse("practices:photo", args=[shown.pk, photo.pk]) in text(page)
    assert reverse("practices:public_download", args=[shown.pk, document.pk]) in text(page)

    image = client.get(reverse("practices:photo", args=[shown.pk, photo.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff" and image["Content-Disposition"] == "inline"
    assert b"".join(image.streaming_content) == demo.png_bytes()
    assert client.get(reverse("practices:photo", args=[shown.pk, document.pk])).status_code == 404  # not an image
    download = client.get(reverse("practices:public_download", args=[shown.pk, document.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]

    # Nothing of an unpublished model: its page, its photo, its files; nor another model's file by its id.
    (hidden_photo,) = hidden.files.all()
    for url in (
        reverse("practices:public_detail", args=[hidden.pk]),
        reverse("practices:photo", args=[hidden.pk, hidden_photo.pk]),
        reverse("practices:public_download", args=[hidden.pk, hidden_photo.pk]),
        reverse("practices:photo", args=[shown.pk, hidden_photo.pk]),
        f"/mo-hinh/{10**20}/",
        f"/mo-hinh/{shown.pk}/anh/{10**20}/",
    ):
        assert client.get(url).status_code == 404, url
    assert "/media/" not in text(page)


def test_the_gallery_searches_without_accents_and_filters_by_field_and_activity(client, lib):
    campaign, unit = lib["campaign"], lib["unit"]
    eid = published(campaign, unit)
    saturday = published(
        campaign,
        unit,
        title="Sáng thứ Bảy hồ sơ không giấy",
        field=Field.VOLUNTEERING,
        activity=activity(campaign, "CV5"),
    )
    url = reverse("practices:gallery")

    def titles(**params):
        page = text(client.get(url, params))
        return {p.title for p in (eid, saturday) if p.title in page}

    assert titles(q="dinh danh dien tu") == {eid.title}
    assert titles(q="THU BAY") == {saturday.title}
    assert titles(**{"linh-vuc": "volunteering"}) == {saturday.title}
    assert titles(**{"hoat-dong": activity(campaign, "CV2").pk}) == {eid.title}
    assert titles(dot=campaign.slug) == {eid.title, saturday.title}
    for junk in ("abc", str(10**20), "-1"):  # ignored, never a 500
        assert titles(**{"hoat-dong": junk, "linh-vuc": junk}) == {eid.title, saturday.title}


def test_the_library_is_linked_from_home_the_initiatives_gallery_and_the_campaign(client, lib):
    client.force_login(lib["officer"])
    gallery = reverse("practices:gallery")
    assert f'href="{gallery}"' in text(client.get(reverse("home")))
    assert f'href="{gallery}"' in text(client.get(reverse("initiatives:gallery")))
    campaign_page = text(client.get(reverse("campaigns:detail", args=[lib["campaign"].slug])))
    assert f'href="{gallery}?dot={lib["campaign"].slug}"' in campaign_page


# --- access -------------------------------------------------------------------------------------


def test_who_may_see_write_and_curate(client, lib):
    campaign, unit = lib["campaign"], lib["unit"]
    practice = services.practice_submit(actor=None, practice=make(campaign, unit))
    detail = reverse("practices:detail", args=[practice.pk])

    # An officer of another district: nothing exists.
    client.force_login(lib["officer_q1"])
    assert client.get(detail).status_code == 404
    assert client.get(reverse("practices:create", args=[unit.code])).status_code == 404
    assert client.post(reverse("practices:publish", args=[practice.pk])).status_code == 404
    assert practice.title not in text(client.get(reverse("practices:list")))

    # A viewer of the district sees it and changes nothing.
    client.force_login(lib["viewer"])
    assert client.get(detail).status_code == 200
    assert client.get(reverse("practices:create", args=[unit.code])).status_code == 403
    for name in ("edit", "submit", "publish", "return", "unpublish", "feature"):
        method = client.get if name == "edit" else client.post
        assert method(reverse(f"practices:{name}", args=[practice.pk])).status_code == 403, name

    # The unit's officer writes and sends, but does not publish its own model.
    client.force_login(lib["officer"])
    for name in ("publish", "return", "unpublish", "feature"):
        assert client.post(reverse(f"practices:{name}", args=[practice.pk])).status_code == 403, name
    practice.refresh_from_db()
    assert practice.status == "submitted"

    # Only the campaign's coordinator publishes.
    client.force_login(lib["coordinator"])
    client.post(reverse("practices:publish", args=[practice.pk]), {"featured": "on"})
    practice.refresh_from_db()
    assert practice.status == "published" and practice.featured


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": "   "}, "Hãy đặt tên cho mô hình."),
        ({"results": ""}, "Hãy nêu kết quả mô hình đạt được."),
        ({"field": "astrology"}, "Hãy chọn lĩnh vực của mô hình."),
        ({"activity": "abc"}, "Hãy chọn một trong các hoạt động trong danh sách."),
        ({"activity": str(10**20)}, "Hãy chọn một trong các hoạt động trong danh sách."),
        ({"campaign": "abc"}, "Hãy chọn một trong các đợt thi đua trong danh sách."),
        ({"files": [upload("mo-hinh.exe", b"MZ\x90\x00")]}, "chỉ nhận tệp PDF"),
        ({"files": [upload("anh.png", pdf_bytes("not a png"))]}, "không thực sự là tệp .png"),
    ],
)
def test_bad_input_is_a_vietnamese_message_and_stores_nothing(client, lib, changes, message):
    campaign, unit = lib["campaign"], lib["unit"]
    client.force_login(lib["officer"])
    form = FORM | {
        "campaign": campaign.pk,
        "activity": activity(campaign).pk,
        "files": [upload("a.png", demo.png_bytes())],
    }
    response = client.post(reverse("practices:create", args=[unit.code]), form | changes)
    assert response.status_code == 200
    assert message in text(response)
    assert Practice.objects.count() == 0 and StoredFile.objects.count() == 0
    assert files_under(lib["tmp"]) == []


def test_a_coordinator_s_bad_input_is_a_message_and_changes_nothing(client, lib):
    practice = services.practice_submit(actor=None, practice=make(lib["campaign"], lib["unit"]))
    client.force_login(lib["coordinator"])
    response = client.post(reverse("practices:return", args=[practice.pk]), {"reason": ""}, follow=True)
    assert "Hãy nêu lý do" in text(response)
    response = client.post(reverse("practices:feature", args=[practice.pk]), {"featured": "abc"}, follow=True)
    assert response.status_code == 200
    practice.refresh_from_db()
    assert practice.status == "submitted" and not practice.featured
    # The list page's "write a model for" box: a code with a slash is ignored, not a 500.
    assert client.get(reverse("practices:list"), {"them": "../TD"}).status_code == 200
    assert client.get(reverse("practices:list"), {"them": "HD-NHABE"})["Location"] == reverse(
        "practices:create", args=["HD-NHABE"]
    )


# --- the demo -----------------------------------------------------------------------------------


def test_the_demo_fills_the_library(client, lib):
    campaign = lib["campaign"]
    counts = demo.build(campaign, coordinator=lib["coordinator"], officers_by_unit={"HD-NHABE": lib["officer"]})
    assert 6 <= counts["practices"] <= 8
    public = Practice.objects.public()
    assert public.count() >= 4 and public.filter(featured=True).count() == 2
    assert Practice.objects.filter(status="submitted").count() == 1
    assert Practice.objects.get(status="returned").return_reason
    assert set(Practice.objects.values_list("activity__code", flat=True)) <= {"CV2", "CV3", "CV5"}
    assert any(p.photos for p in public)
    assert demo.build(campaign, coordinator=lib["coordinator"], officers_by_unit={})["practices"] == 0
    gallery = text(client.get(reverse("practices:gallery")))
    assert "Tổ công nghệ số cộng đồng" in gallery
