"""The start page says what to do next, to each persona, with counts that lead to the lists behind them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from thidua.home import queries
from thidua.submissions.models import Submission
from thidua.units.models import RoleAssignment, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(module_transaction, django_db_blocker):
    """The demo, built once for the module (each test rolls back to it)."""
    with django_db_blocker.unblock():
        call_command("demo_setup", "--branches", "60", "--quiet")


@pytest.fixture
def demo(built, db):
    return get_user_model().objects


def test_the_coordinator_sees_the_queue_of_the_running_campaign(client, demo):
    coordinator = demo.get(username="dieuphoi")
    client.force_login(coordinator)
    page = client.get(reverse("home"))
    items = page.context["coordinator"]
    assert [i.campaign.slug for i in items] == ["cao-diem-dang-dien-ra"]  # the 2023 one is long over
    todos = {t.label: t for t in items[0].todos}
    received = Submission.objects.filter(milestone__campaign=items[0].campaign, status="received").count()
    assert todos["Văn bản chờ xét duyệt"].count == received > 0
    assert todos["Văn bản chờ xét duyệt"].url == reverse("submissions:board", args=["cao-diem-dang-dien-ra"])
    milestone, summary = items[0].next_deadline
    assert milestone.code == "SK" and summary.received == 0
    text = page.content.decode()
    assert "Việc cần làm" in text and "nhắc các đơn vị chưa nộp" in text


def test_the_steering_committee_sees_a_few_numbers_and_the_matrix(client, demo):
    client.force_login(demo.get(username="bcd"))
    page = client.get(reverse("home"))
    (numbers,) = page.context["steering"]
    assert numbers.reporting[0].code == "KH" and numbers.reporting[1].expected > 0
    assert (
        numbers.reached + numbers.near + numbers.behind
        == numbers.campaign.indicators.exclude(target_value=None).count()
    )
    assert reverse("progress:matrix", args=["cao-diem-dang-dien-ra"]) in page.content.decode()


def test_the_officer_sees_each_document_and_the_next_step(client, demo):
    client.force_login(demo.get(username="quan1"))
    page = client.get(reverse("home"))
    (card,) = page.context["units"]
    assert card.unit.code == "QD1" and [m.code for m, _s in card.rows] == ["KH", "SK", "TK"]
    assert card.next_step.code == "SK"
    text = page.content.decode()
    assert reverse("submissions:milestone", args=["cao-diem-dang-dien-ra", "SK", "QD1"]) in text
    assert reverse("progress:entry", args=["cao-diem-dang-dien-ra", "QD1"]) in text  # home → figures → saved


def test_someone_without_a_role_is_told_to_ask_for_one(client, demo):
    user = get_user_model().objects.create_user("moi", password="pw-for-tests-1")
    client.force_login(user)
    page = client.get(reverse("home"))
    assert page.status_code == 200 and not page.context["coordinator"] and not page.context["units"]
    assert not RoleAssignment.objects.filter(user=user).exists() and Unit.objects.count() >= 0
    assert queries.coordinator_todos(user, []) == []
