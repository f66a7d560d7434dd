"""schemathesis against the open API over real HTTP: the schema is read from, and every generated
case sent to, a running server (pytest-django's `live_server`, Django's threaded WSGI server on a
socket, with the whole middleware stack), with a unit officer's token and a coordinator's: no
response ≥ 500, every status code, content type, header and body as the OpenAPI schema documents
them. The server answers from its own database connection (on PostgreSQL; SQLite's in-memory test
database is shared with it), so the data is committed (a transactional test) and built once for the
whole walk: one test, each operation reported as a subtest. Bounded (a few examples per operation,
derandomized, no deadline) so it runs in well under a minute on a quiet machine."""

from __future__ import annotations

import importlib

import pytest
import requests
import schemathesis
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.cache.backends.db import DatabaseCache
from django.test.testcases import QuietWSGIRequestHandler
from hypothesis import HealthCheck, settings

from . import test_api
from .conftest import coverage_paused

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]
UNLIMITED = {"api-token": "100000/60", "api-anonymous-ip": "100000/60"}
# Generated path parameters mostly name nothing (a 404, also checked); each case is sent a second
# time naming real data of Huyện Đoàn Nhà Bè, so the fuzzed queries and bodies reach the services.
REAL = {"slug": "cao-diem-2023", "milestone": "SK", "code": "HD-NHABE", "indicator": "youths_job_referrals"}


@pytest.fixture
def server(live_server, monkeypatch) -> str:
    """The live server's address; its connections answer without Nagle's algorithm: the test
    server (wsgiref) sends the status line, the headers and the body in separate small writes, and
    each response then waited for the client's delayed ACK, ~40 ms a request on Linux: more than
    the request itself (a test-server artefact)."""
    monkeypatch.setattr(QuietWSGIRequestHandler, "disable_nagle_algorithm", True)
    return live_server.url


@pytest.fixture
def live_world(transactional_db, settings, tmp_path):
    """tests/test_api.py's data, committed where the server's own connection sees it."""
    settings.MEDIA_ROOT = tmp_path  # the server's too: settings are the process's
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **UNLIMITED}
    # A transactional test before this one (same worker) flushed the rows that migrations add, such
    # as the city departments: put them back as a fresh database has them.
    importlib.import_module("thidua.initiatives.migrations.0002_city_departments").add_departments(django_apps, None)
    yield test_api.build_world()
    if isinstance(cache, DatabaseCache):  # the walk's rate-limit counts were committed: not for later tests
        cache.clear()


@pytest.fixture
def live_schema(server, live_world):
    return schemathesis.openapi.from_url(server + "/api/v1/openapi.json", timeout=30)


schema = schemathesis.pytest.from_fixture("live_schema")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    """schemathesis 4.32's lazy schema reads `item._nodeid`, which pytest 9.2 no longer has (the id
    is `item.nodeid`, built from `item._id`): give it the attribute, which it renames per operation
    and puts back (pytest's reports name each operation by its subtest label all the same)."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture
def http():
    with requests.Session() as session:  # one keep-alive connection for the whole walk
        yield session


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_answers_as_documented(case, server, live_world, http):
    # Untraced (here and in the server's threads): the functional tests cover these lines; traced,
    # the walk would take twice the time.
    with coverage_paused(new_threads=True):
        for real in (False, True):
            if real and case.path_parameters:
                names = {**REAL, "number": live_world["receipt"]}
                case.path_parameters = {k: names.get(k, v) for k, v in case.path_parameters.items()}
            for who in ("officer_nhabe", "coordinator"):
                headers = {"Authorization": f"Bearer {live_world['tokens'][who]}"}
                case.call_and_validate(base_url=server, session=http, headers=headers, checks=CHECKS, timeout=30)
