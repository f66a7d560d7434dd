"""The layers of tests/shared_data.py, in this order: each test sees exactly the layers it asks for,
as they were built, whatever the test before it changed."""

import pytest

from thidua.campaigns.models import Campaign
from thidua.units.models import Unit


def test_a_demo_tree_test_changes_the_directory(demo_tree):
    assert not Campaign.objects.exists()
    assert demo_tree["HD-NHABE"].name == "Huyện Đoàn Nhà Bè"
    Unit.objects.filter(code="HD-NHABE").update(name="đổi tên")
    demo_tree["QD1"].name = "changed in memory only"


def test_a_seed_campaign_test_sees_the_directory_unchanged(seed_campaign, demo_tree):
    assert seed_campaign.slug == "cao-diem-2023"
    assert Unit.objects.get(code="HD-NHABE").name == "Huyện Đoàn Nhà Bè"
    assert demo_tree["QD1"].name == "Quận Đoàn 1"
    seed_campaign.milestones.all().delete()


@pytest.mark.django_db
def test_a_test_without_them_sees_an_empty_database():
    assert not Unit.objects.exists() and not Campaign.objects.exists()


def test_the_seed_campaign_is_whole_again(seed_campaign):
    assert seed_campaign.milestones.count() == 3


def test_a_demo_tree_test_after_it_sees_no_campaign(demo_tree):
    assert not Campaign.objects.exists()
    assert Unit.objects.filter(depth__lte=2).count() == len(demo_tree)


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_builds_its_own(demo_tree, seed_campaign):
    assert Campaign.objects.get() == seed_campaign
    assert Unit.objects.filter(depth__lte=2).count() == len(demo_tree)


def test_a_personas_test_changes_its_people(personas, tree):
    from thidua.units.models import RoleAssignment

    assert RoleAssignment.objects.get(user=personas["officer_q1"]).unit == tree["QD1"]
    RoleAssignment.objects.filter(user=personas["officer_q1"]).update(unit=tree["HD-NHABE"])
    personas["coordinator"].username = "changed in memory only"


def test_the_next_one_sees_them_as_built(personas):
    from thidua.units.models import RoleAssignment

    assert RoleAssignment.objects.get(user=personas["officer_q1"]).unit.code == "QD1"
    assert personas["coordinator"].username == "coordinator"
    assert personas["coordinator"].check_password("pw-for-tests-1")


def test_a_tree_test_sees_no_people(tree):
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists()
    assert len(tree) == Unit.objects.count() == 10
