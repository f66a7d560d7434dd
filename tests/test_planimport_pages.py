"""Importing a plan in the browser: upload, the plan read by a worker ("đang đọc…" until then),
check against the text, correct, publish; a plan that cannot be read says why and imports nothing."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from thidua.campaigns.models import Campaign
from thidua.core.models import AuditEntry
from thidua.planimport import reading
from thidua.planimport.models import PlanDraft
from thidua.units.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db
SEED = (
    Path(__file__).resolve().parent / "seed" / "ke-hoach-2023.txt"
)  # a copy of ../shared/seed/000_cb102c91df529f6d.txt


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


EMPTY_DOCX = _zip({"word/styles.xml": b"<styles/>"})  # opens, but holds no document


def seed_bytes() -> bytes:
    return SEED.read_bytes()


@pytest.fixture
def coordinator(demo_tree, django_user_model):
    user = django_user_model.objects.create_user(username="dieuphoi", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=user, unit=demo_tree["TD"], role=Role.COORDINATOR)
    return user


def upload(client, name, data):
    return client.post(reverse("planimport:upload"), {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def read_at_once(django_capture_on_commit_callbacks):
    """Upload with the worker reading the plan as soon as the upload commits (no broker)."""

    def send(client, name, data):
        with django_capture_on_commit_callbacks(execute=True):
            return upload(client, name, data)

    return send


POLL = {"HX-Request": "true", "HX-Target": "plan-reading"}


def test_coordinator_imports_checks_and_publishes_the_seed_plan(client, coordinator, read_at_once):
    client.force_login(coordinator)
    response = read_at_once(client, "ke-hoach.txt", seed_bytes())
    assert response.status_code == 302
    draft = PlanDraft.objects.get()
    assert draft.status == PlanDraft.Status.READY and not bytes(draft.upload)  # the file let go once read
    page = client.get(response["Location"]).content.decode()
    # The text is shown with the extracted fields marked, the warnings listed.
    assert "<mark" in page and "Hội trường Thành Đoàn Thành phố Hồ Chí Minh" in page
    assert "06/05/2023" in page  # the Saturday the plan calls a Friday
    assert draft.definition["milestones"][0]["deadline"] == "2023-05-06T11:00:00+07:00"
    # A correction with a mistake is refused and loses nothing.
    bad = client.post(response["Location"], {"text": "format: thidua.campaign/1\nslug: [broken\n"})
    assert bad.status_code == 200 and 'class="errors"' in bad.content.decode()
    draft.refresh_from_db()
    assert len(draft.definition["activities"]) == 8
    # Publish: the campaign exists, published, with the plan's facts.
    response = client.post(reverse("planimport:publish", args=[draft.pk]), {"publish": "1"})
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.PUBLISHED
    assert campaign.activities.count() == 8 and campaign.milestones.count() == 3
    assert campaign.signature_name == "Trần Thu Hà"


@pytest.mark.parametrize(
    "name, data",
    [
        ("ke-hoach.doc", b"\xd0\xcf\x11\xe0 old word"),
        ("ke-hoach.pdf", b"not a pdf at all"),
        ("ke-hoach.docx", b"not a zip at all"),
        ("anh.png", b"\x89PNG\r\n\x1a\n"),
        ("trong.txt", b""),
    ],
)
def test_files_of_the_wrong_type_get_a_message_at_once_and_create_nothing(client, coordinator, name, data):
    client.force_login(coordinator)
    response = upload(client, name, data)
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert PlanDraft.objects.count() == 0


def test_the_page_says_the_plan_is_being_read_until_the_worker_has_read_it(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        response = upload(client, "ke-hoach.txt", seed_bytes())
    draft = PlanDraft.objects.get()
    assert draft.status == PlanDraft.Status.READING and response["Location"] == reverse(
        "planimport:review", args=[draft.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "Đang đọc kế hoạch…" in page and 'hx-trigger="every 1s"' in page and "<mark" not in page
    assert "đang đọc…" in client.get(reverse("planimport:upload")).content.decode()  # in the list too
    part = client.get(response["Location"], headers=POLL)
    assert b"<html" not in part.content and "Đang đọc kế hoạch…" in part.content.decode()
    # Nothing to publish yet.
    refused = client.post(reverse("planimport:publish", args=[draft.pk]), {"publish": "1"}, follow=True)
    assert "Kế hoạch chưa được đọc xong." in refused.content.decode() and not Campaign.objects.exists()
    for callback in waiting:  # the worker reads it
        callback()
    part = client.get(response["Location"], headers=POLL)
    assert part["HX-Refresh"] == "true"  # the page reloads, whole
    page = client.get(response["Location"]).content.decode()
    assert "<mark" in page and "Hội trường Thành Đoàn Thành phố Hồ Chí Minh" in page and "hx-trigger" not in page
    assert reading.draft_read(draft.pk) is None  # read once only
    assert AuditEntry.objects.filter(action="plan.import", object_id=str(draft.pk), actor=coordinator).count() == 1


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("ngan.txt", b"KE HOACH", "Không tìm thấy nội dung văn bản trong tệp."),
        ("hong.docx", EMPTY_DOCX, "Tệp .docx bị hỏng hoặc không phải là văn bản Word."),
        ("ke-hoach.pdf", b"%PDF-1.4 nothing else", "Không đọc được tệp PDF."),
    ],
)
def test_a_plan_the_worker_cannot_read_says_why_and_imports_nothing(
    client, coordinator, read_at_once, name, data, reason
):
    client.force_login(coordinator)
    response = read_at_once(client, name, data)
    draft = PlanDraft.objects.get()
    assert draft.status == PlanDraft.Status.FAILED and reason in draft.message
    assert draft.definition == {} and not bytes(draft.upload)
    page = client.get(response["Location"]).content.decode()
    assert "Không đọc được kế hoạch:" in page and reason in page and "hx-trigger" not in page
    assert reverse("planimport:upload") in page and "Không nhập được gì từ tệp này." in page
    for attempt in (
        client.post(reverse("planimport:publish", args=[draft.pk]), {"publish": "1"}, follow=True),
        client.post(response["Location"], {"text": "format: thidua.campaign/1\n"}, follow=True),
    ):
        assert attempt.status_code == 200 and not Campaign.objects.exists()
    draft.refresh_from_db()
    assert draft.status == PlanDraft.Status.FAILED and draft.definition == {}


def test_a_bug_while_reading_is_told_plainly(client, coordinator, read_at_once, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("parser internals")

    monkeypatch.setattr(reading, "import_text", broken)
    client.force_login(coordinator)
    response = read_at_once(client, "ke-hoach.txt", seed_bytes())
    page = client.get(response["Location"]).content.decode()
    assert "Không đọc được kế hoạch. Vui lòng tải lên lại." in page and "parser internals" not in page
    assert PlanDraft.objects.get().status == PlanDraft.Status.FAILED and not Campaign.objects.exists()


def test_only_coordinators_import(client, demo_tree, django_user_model, coordinator):
    officer = django_user_model.objects.create_user(username="q1", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=officer, unit=demo_tree["QD1"], role=Role.OFFICER)
    client.force_login(coordinator)
    upload(client, "ke-hoach.txt", seed_bytes())  # still being read: its page is no more visible
    draft = PlanDraft.objects.get()
    client.force_login(officer)
    assert client.get(reverse("planimport:upload")).status_code == 403
    assert client.get(reverse("planimport:review", args=[draft.pk])).status_code == 404


def test_import_plan_command_prints_the_definition_and_the_warnings(demo_tree, capsys):
    call_command("import_plan", str(SEED))
    captured = capsys.readouterr()
    assert "format: thidua.campaign/1" in captured.out and "bcnld.thanhdoan@tphcm.gov.vn" in captured.out
    assert "06/05/2023" in captured.err
