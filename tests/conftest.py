"""Shared test fixtures: a small unit tree, the demo directory, and one persona per role.

The small tree and its personas, the demo directory and the seed campaign are built once and shared
by consecutive tests that ask for them, each test rolling back to them (tests/shared_data.py explains
how); `module_transaction` does the same for one module's own data.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import override_settings

from thidua.campaigns.models import Campaign
from thidua.campaigns.services import campaign_load
from thidua.units.models import Role, RoleAssignment, Unit, UnitKind
from thidua.units.services import UnitSpec, units_bulk_create

from . import shared_data

# Real hashing costs ~0.3 s a user; tests create many users.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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


def _build_tree() -> None:
    make_tree(SMALL_TREE)


def _user(username: str, role: str | None, unit: Unit | None):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-1")
    if role:
        RoleAssignment.objects.create(user=user, unit=unit, role=role)
    return user


def _build_personas() -> dict[str, int]:
    units = {u.code: u for u in Unit.objects.filter(code__in=["TD", "QD1", "HD-NHABE"])}
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        people = {
            "coordinator": _user("coordinator", Role.COORDINATOR, units["TD"]),
            "steering": _user("steering", Role.STEERING, units["TD"]),
            "officer_q1": _user("officer_q1", Role.OFFICER, units["QD1"]),
            "officer_nhabe": _user("officer_nhabe", Role.OFFICER, units["HD-NHABE"]),
            "viewer_q1": _user("viewer_q1", Role.VIEWER, units["QD1"]),
            "outsider": _user("outsider", None, None),
        }
    return {who: user.pk for who, user in people.items()}


def _build_demo_tree() -> None:
    from thidua.demo.directory import build_directory

    build_directory(actor=None, branches=60)


def _build_seed_campaign() -> int:
    return campaign_load(actor=None, definition=shared_data.seed_definition(SEED_PATH)).campaign.pk


# name → (the layer it sits on, what builds it); a test gets the highest one it asks for, with those below.
LAYERS = shared_data.Layers(
    {
        "tree": (None, _build_tree),
        "personas": ("tree", _build_personas),
        "demo_tree": (None, _build_demo_tree),
        "seed_campaign": ("demo_tree", _build_seed_campaign),
    }
)


@pytest.fixture
def tree(db) -> dict[str, Unit]:
    if not LAYERS.has("tree"):  # a transactional test, or a module with its own shared data
        _build_tree()
    return {u.code: u for u in Unit.objects.all()}


@pytest.fixture
def demo_tree(db) -> dict[str, Unit]:
    """The demo HCMC directory with a few branches: every unit the seed plan names is in it."""
    if not LAYERS.has("demo_tree"):
        _build_demo_tree()
    return {u.code: u for u in Unit.objects.filter(depth__lte=2)}


@pytest.fixture
def personas(tree):
    """One user per role: city coordinator, steering member, two district officers, a viewer, an outsider."""
    pks = LAYERS.value("personas") if LAYERS.has("personas") else _build_personas()
    users = get_user_model().objects.in_bulk(pks.values())
    return {who: users[pk] for who, pk in pks.items()}


@pytest.fixture
def seed_definition() -> dict:
    return shared_data.seed_definition(SEED_PATH)


@pytest.fixture
def seed_campaign(demo_tree, seed_definition):
    if LAYERS.has("seed_campaign"):
        return Campaign.objects.get(pk=LAYERS.value("seed_campaign"))
    return campaign_load(actor=None, definition=seed_definition).campaign


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    options = {**dict(zip(("transaction", "reset_sequences"), marker.args)), **marker.kwargs} if marker else {}
    names = set(item.fixturenames)
    return bool(
        options.get("transaction")
        or options.get("reset_sequences")
        or names & {"transactional_db", "live_server", "django_db_reset_sequences"}
    )


@pytest.fixture(scope="session")
def _shared_layers(django_db_setup, django_db_blocker):
    yield LAYERS
    with django_db_blocker.unblock():
        LAYERS.close()


@pytest.fixture
def _shared_layers_for_test(request, _shared_layers, django_db_blocker):
    """Bring the shared layers to what this test asks for, before its own transaction opens."""
    if LAYERS.paused:
        if _is_transactional(request.node):  # it would commit into, then flush, the module's shared data
            pytest.fail("a transactional test cannot share a module with module_transaction: move it out")
        return
    names = request.node.fixturenames
    if _is_transactional(request.node):
        top = None  # it commits and flushes: it builds its own data, outside any layer
    else:
        top = next((name for name in ("seed_campaign", "demo_tree", "personas", "tree") if name in names), None)
    with django_db_blocker.unblock():
        LAYERS.bring_to(top)


@pytest.fixture
def _django_db_helper(_shared_layers_for_test, _django_db_helper):
    """pytest-django's (internal) fixture that opens each test's transaction, for every database test
    (`db` and the django_db mark alike), overridden to set the shared layers up first. Should a later
    pytest-django rename it, the layers simply stay closed and every test builds its own data."""
    return _django_db_helper


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
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
        LAYERS.paused += 1  # the module's data replaces the shared layers
        with django_db_blocker.unblock():
            LAYERS.close()
            atomics = shared_data.enter_atomics()
        try:
            yield
        finally:
            LAYERS.paused -= 1
            with django_db_blocker.unblock():
                shared_data.rollback_atomics(atomics)
                for alias in connections:
                    assert not connections[alias].in_atomic_block, "a test left a transaction open"


def verified_login(client, user):
    """Sign in as `user` having passed two-step sign-in (what superusers must do)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@contextlib.contextmanager
def coverage_paused(*, new_threads: bool = False):
    """Run a block without coverage tracing in this thread (and with new_threads, in the threads
    started meanwhile: a live server's, one a connection): the fuzz and accessibility walks send
    thousands of requests whose lines the functional tests already cover; traced, they cost twice
    the time. (Coverage's own stop() leaves xdist workers' tracer in place: the trace functions are
    set aside directly, and put back.)"""
    tracer, thread_tracer = sys.gettrace(), threading.gettrace()
    sys.settrace(None)
    if new_threads:
        threading.settrace(None)
    try:
        yield
    finally:
        if new_threads:
            threading.settrace(thread_tracer)
        sys.settrace(tracer)
