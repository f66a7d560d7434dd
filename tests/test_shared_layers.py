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
