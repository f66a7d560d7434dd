"""Shared test fixtures: a small unit tree, the demo directory, and one persona per role."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.test import override_settings

from thidua.campaigns import definition as defn
from thidua.campaigns.services import campaign_load
from thidua.units.models import Role, RoleAssignment, Unit, UnitKind
from thidua.units.services import UnitSpec, units_bulk_create

SEED_PATH = Path(__file__).resolve().parent.parent / "thidua" / "campaigns" / "seed" / "cao-diem-2023.yaml"


def make_tree(rows: list[tuple[str, str | None, str, str]]) -> dict[str, Unit]:
    """rows: (code, parent_code, name, kind), parents first."""
    units_bulk_create(
        actor=None,
        specs=[UnitSpec(code=c, parent_code=p, name=n, kind=k, member_count=10, cadre_count=2) for c, p, n, k in rows],
    )
    return {u.code: u for u in Unit.objects.all()}


SMALL_TREE = [
    ("TD", None, "Thành Đoàn Thành phố Hồ Chí Minh", UnitKind.CITY),
    ("BCNLD", "TD", "Ban Công nhân lao động Thành Đoàn", UnitKind.DEPARTMENT),
    ("QD1", "TD", "Quận Đoàn 1", UnitKind.DISTRICT),
    ("QD1-01", "QD1", "Đoàn Phường Bến Nghé", UnitKind.GRASSROOTS),
    ("QD1-01-001", "QD1-01", "Chi đoàn Khu phố 1", UnitKind.BRANCH),
    ("QD1-01-002", "QD1-01", "Chi đoàn Khu phố 2", UnitKind.BRANCH),
    ("QD1-02", "QD1", "Đoàn Phường Bến Thành", UnitKind.GRASSROOTS),
    ("HD-NHABE", "TD", "Huyện Đoàn Nhà Bè", UnitKind.DISTRICT),
    ("HD-NHABE-01", "HD-NHABE", "Đoàn Xã Hiệp Phước", UnitKind.GRASSROOTS),
    ("HD-NHABE-01-001", "HD-NHABE-01", "Chi đoàn Ấp 1", UnitKind.BRANCH),
]


@pytest.fixture
def tree(db) -> dict[str, Unit]:
    return make_tree(SMALL_TREE)


@pytest.fixture
def demo_tree(db) -> dict[str, Unit]:
    """The demo HCMC directory with a few branches: every unit the seed plan names is in it."""
    from thidua.units.demo import build_directory

    build_directory(actor=None, branches=60)
    return {u.code: u for u in Unit.objects.filter(depth__lte=2)}


def _user(username: str, role: str | None, unit: Unit | None):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-1")
    if role:
        RoleAssignment.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def personas(tree):
    """One user per role: city coordinator, steering member, two district officers, a viewer, an outsider."""
    return {
        "coordinator": _user("coordinator", Role.COORDINATOR, tree["TD"]),
        "steering": _user("steering", Role.STEERING, tree["TD"]),
        "officer_q1": _user("officer_q1", Role.OFFICER, tree["QD1"]),
        "officer_nhabe": _user("officer_nhabe", Role.OFFICER, tree["HD-NHABE"]),
        "viewer_q1": _user("viewer_q1", Role.VIEWER, tree["QD1"]),
        "outsider": _user("outsider", None, None),
    }


@pytest.fixture
def seed_definition() -> dict:
    return defn.parse_text(SEED_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def seed_campaign(demo_tree, seed_definition):
    return campaign_load(actor=None, definition=seed_definition).campaign


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a user; tests create many users.
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker, tmp_path_factory):
    """Data shared by the tests of one module, built once and never committed.

    Opens an outer transaction on every database (marked like django.test.TestCase's class-level
    one) and lets the module's own fixture build its data inside `django_db_blocker.unblock()`.
    Each test's `db` transaction then nests in it as a savepoint and rolls back to the shared data;
    the module's end rolls the shared data back too. Settings for the whole module (uploaded files
    in a module temp dir, the fast hasher for the users it creates) are overridden meanwhile.

    Only for modules without transactional tests (a TransactionTestCase would flush the shared data).
    """
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"), PASSWORD_HASHERS=FAST_HASHERS):
        atomics = []
        with django_db_blocker.unblock():
            for alias in connections:
                atomic = transaction.atomic(using=alias)
                atomic._from_testcase = True  # as TestCase's: durable=True blocks inside still work
                atomic.__enter__()
                atomics.append((alias, atomic))
        try:
            yield
        finally:
            with django_db_blocker.unblock():
                for alias, atomic in reversed(atomics):
                    transaction.set_rollback(True, using=alias)
                    atomic.__exit__(None, None, None)
                    assert not connections[alias].in_atomic_block, "a test left a transaction open"
