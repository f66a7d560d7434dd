"""schemathesis against the open API, through the WSGI application (the whole middleware stack),
with a unit officer's token and a coordinator's: no response ≥ 500, every status code, content
type, header and body as the OpenAPI schema documents them. Bounded (a few examples per operation,
no deadline) so it runs in well under a minute and a half."""

from __future__ import annotations

import contextlib

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings

from . import test_api
from .conftest import coverage_paused

pytestmark = pytest.mark.django_db

world = test_api.world  # the demo directory, the seed campaign, tokens per role (built once)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]


@contextlib.contextmanager
def connection_kept():
    """As Django's test client does: the WSGI handler's end-of-request signal would close the
    database connection, and with it the test's transaction (on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


UNLIMITED = {"api-token": "100000/60", "api-anonymous-ip": "100000/60"}
# Generated path parameters mostly name nothing (a 404, also checked); each case is sent a second
# time naming real data of Huyện Đoàn Nhà Bè, so the fuzzed queries and bodies reach the services.
REAL = {"slug": "cao-diem-2023", "milestone": "SK", "code": "HD-NHABE", "indicator": "youths_job_referrals"}


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_answers_as_documented(case, world):
    # Untraced: the functional tests cover these lines; traced, the walk would take twice the time.
    limits = override_settings(RATE_LIMITS={**django_settings.RATE_LIMITS, **UNLIMITED})
    with limits, connection_kept(), coverage_paused():
        for real in (False, True):
            if real and case.path_parameters:
                names = {**REAL, "number": world["receipt"]}
                case.path_parameters = {k: names.get(k, v) for k, v in case.path_parameters.items()}
            for who in ("officer_nhabe", "coordinator"):
                # identity: the WSGI transport does not undo the gzip a real client would
                headers = {"Authorization": f"Bearer {world['tokens'][who]}", "Accept-Encoding": "identity"}
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS)
