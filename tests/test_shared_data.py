"""Data shared by a module (tests/conftest.py's module_transaction): built once, and every test
starts from it whatever the tests before it changed, in the database or in memory."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from thidua.units.models import Unit

from .conftest import SMALL_TREE, make_tree

pytestmark = pytest.mark.django_db
BUILT = []


@pytest.fixture(scope="module")
def shared(module_transaction, django_db_blocker):
    with django_db_blocker.unblock():
        BUILT.append(1)
        make_tree(SMALL_TREE)
        return settings.MEDIA_ROOT


@pytest.mark.parametrize("step", ["first", "second", "third"])
def test_each_test_starts_from_the_shared_data(shared, step):
    assert len(BUILT) == 1  # once for the module, not once a test
    assert settings.MEDIA_ROOT == shared and settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")
    assert Unit.objects.count() == len(SMALL_TREE)
    assert Unit.objects.get(code="QD1").name == "Quận Đoàn 1"
    assert not get_user_model().objects.exists()
    Unit.objects.filter(code="QD1").update(name=f"changed by the {step} test")
    get_user_model().objects.create_user(username=step, password="pw-for-tests-1")
    Unit.objects.get(code="QD1-02").delete()
    assert Unit.objects.count() == len(SMALL_TREE) - 1
