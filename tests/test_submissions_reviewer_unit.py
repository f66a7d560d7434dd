"""A milestone's reviewing unit (an activity lead) reviews documents of units outside its subtree;
an extension granted after a late document makes it on time everywhere but the receipt, which
says the deadline changed."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from thidua.core.timeutils import VN_TZ
from thidua.demo.submissions import pdf_bytes
from thidua.submissions.models import Submission
from thidua.submissions.services import deadline_exception_set, submission_create
from thidua.units.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db


def officer(code, unit, role=Role.OFFICER):
    user = get_user_model().objects.create_user(username=code, password="pw-for-tests-1")
    RoleAssignment.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def late_plan(seed_campaign, demo_tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    milestone = seed_campaign.milestones.get(code="KH")
    received = dt.datetime(2023, 5, 6, 15, 0, tzinfo=VN_TZ)  # four hours late
    submission = submission_create(
        actor=None,
        milestone=milestone,
        unit=demo_tree["QD3"],
        uploads=[("kh.pdf", pdf_bytes("QD3"))],
        now=received,
        notify=False,
    )
    return milestone, submission


def test_reviewing_unit_sees_and_reviews_other_units_documents(client, late_plan, demo_tree):
    milestone, submission = late_plan
    milestone.reviewer_unit_code = "BCNLD"
    milestone.save()
    reviewer = officer("bcnld", demo_tree["BCNLD"])
    client.force_login(reviewer)
    page = reverse("submissions:milestone", args=["cao-diem-2023", "KH", "QD3"])
    assert client.get(page).status_code == 200
    assert (
        client.get(reverse("submissions:receipt", args=["cao-diem-2023", submission.receipt_number])).status_code == 200
    )
    response = client.post(
        reverse("submissions:review", args=["cao-diem-2023", submission.pk]), {"decision": "accepted"}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    # Without the milestone naming them, the same officer sees nothing of Quận 3.
    milestone.reviewer_unit_code = ""
    milestone.save()
    assert client.get(page).status_code == 404


def test_extension_after_a_late_document_counts_it_on_time(client, late_plan, demo_tree, seed_campaign):
    milestone, submission = late_plan
    coordinator = officer("coord", demo_tree["TD"], Role.COORDINATOR)
    deadline_exception_set(
        actor=coordinator, milestone=milestone, unit=demo_tree["QD3"], kind="extension",
        new_deadline=dt.datetime(2023, 5, 8, 11, 0, tzinfo=VN_TZ), reason="Họp Ban Thường vụ quận", notify=False,
    )  # fmt: skip
    client.force_login(coordinator)
    page = client.get(reverse("submissions:milestone", args=["cao-diem-2023", "KH", "QD3"])).content.decode()
    assert "st-on_time" in page and "st-late" not in page
    receipt = client.get(
        reverse("submissions:receipt", args=["cao-diem-2023", submission.receipt_number])
    ).content.decode()
    assert "08/05/2023" in receipt  # the receipt keeps what applied and tells the deadline moved
