"""Importing a plan in the browser: upload, check against the text, correct, publish."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from thidua.campaigns.models import Campaign
from thidua.planimport.models import PlanDraft
from thidua.units.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db
SEED = (
    Path(__file__).resolve().parent / "seed" / "ke-hoach-2023.txt"
)  # a copy of ../shared/seed/000_cb102c91df529f6d.txt


def seed_bytes() -> bytes:
    return SEED.read_bytes()


@pytest.fixture
def coordinator(demo_tree, django_user_model):
    user = django_user_model.objects.create_user(username="dieuphoi", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=user, unit=demo_tree["TD"], role=Role.COORDINATOR)
    return user


def upload(client, name, data):
    return client.post(reverse("planimport:upload"), {"file": SimpleUploadedFile(name, data)})


def test_coordinator_imports_checks_and_publishes_the_seed_plan(client, coordinator):
    client.force_login(coordinator)
    response = upload(client, "ke-hoach.txt", seed_bytes())
    assert response.status_code == 302
    draft = PlanDraft.objects.get()
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
        ("anh.png", b"\x89PNG\r\n\x1a\n"),
        ("trong.txt", b""),
        ("ngan.txt", b"KE HOACH"),
    ],
)
def test_unreadable_files_get_a_message_and_create_nothing(client, coordinator, name, data):
    client.force_login(coordinator)
    response = upload(client, name, data)
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert PlanDraft.objects.count() == 0


def test_only_coordinators_import(client, demo_tree, django_user_model, coordinator):
    officer = django_user_model.objects.create_user(username="q1", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=officer, unit=demo_tree["QD1"], role=Role.OFFICER)
    client.force_login(coordinator)
    upload(client, "ke-hoach.txt", seed_bytes())
    draft = PlanDraft.objects.get()
    client.force_login(officer)
    assert client.get(reverse("planimport:upload")).status_code == 403
    assert client.get(reverse("planimport:review", args=[draft.pk])).status_code == 404


def test_import_plan_command_prints_the_definition_and_the_warnings(demo_tree, capsys):
    call_command("import_plan", str(SEED))
    captured = capsys.readouterr()
    assert "format: thidua.campaign/1" in captured.out and "bcnld.thanhdoan@tphcm.gov.vn" in captured.out
    assert "06/05/2023" in captured.err
