"""The task engine: e-mails leave the request; a real Celery worker on the machine's broker sends
them. Without a broker (the default), tasks run in-process and nothing else is needed.

The worker test needs a broker (Redis at THIDUA_TEST_BROKER, default redis://127.0.0.1:6379/15);
it skips when there is none, except where THIDUA_REQUIRE_BROKER=1 (CI), where it fails."""

from __future__ import annotations

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction
from kombu import Connection

from thidua import celery_app
from thidua.core import outbox
from thidua.core.models import Notification, OutboundEmail
from thidua.core.outbox import email_queue, email_send
from thidua.core.tasks import jobs_run_task, later

from .test_submissions_services import add_officer, make_campaign, submit, vn

BROKER = os.environ.get("THIDUA_TEST_BROKER", "redis://127.0.0.1:6379/15")
REQUIRED = os.environ.get("THIDUA_REQUIRE_BROKER", "").strip().lower() in {"1", "true", "yes"}


def _broker_reachable() -> bool:
    try:
        with Connection(BROKER, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
        return True
    except Exception:  # noqa: BLE001 - any failure means "no broker here"
        return False


@pytest.fixture(scope="module")
def worker():
    """One real worker thread for the module, consuming from the machine's broker."""
    if not _broker_reachable():
        if REQUIRED:
            pytest.fail(f"no broker at {BROKER}, and THIDUA_REQUIRE_BROKER is set")
        pytest.skip(f"no broker at {BROKER}")
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")}
    # A queue of this process's own: pytest-xdist runs other test processes against other databases.
    queue = f"thidua-tests-{os.getpid()}"
    celery_app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=queue)
    _forget_connections()  # an earlier eager call may have opened them for the default broker
    with Connection(BROKER) as connection:  # a clean queue: nothing left by an earlier run
        connection.default_channel.queue_declare(queue, auto_delete=False)
        connection.default_channel.queue_purge(queue)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]):
            yield celery_app
    finally:
        celery_app.conf.update(**saved)
        _forget_connections()


def _forget_connections() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(worker, settings):
    settings.TASKS_IN_PROCESS = False
    return worker


def _wait_for_mail(seconds: float = 20) -> None:
    """Until the worker has sent the mail and recorded it (the row's update follows the send)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if mail.outbox and not OutboundEmail.objects.filter(sent_at__isnull=True).exists():
            return
        time.sleep(0.05)


@pytest.mark.django_db
def test_without_a_broker_the_mail_goes_out_at_once():
    assert email_send(to=["a@example.org"], subject="Biên nhận", body="x") is True
    assert [m.subject for m in mail.outbox] == ["Biên nhận"]


@pytest.mark.django_db
def test_without_a_broker_later_runs_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        later(jobs_run_task)
    assert len(callbacks) == 1, "the task is handed over once the transaction commits"
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_mail_after_the_request_returned(broker):
    started = time.perf_counter()
    with transaction.atomic():
        sent_now = email_send(to=["donvi@example.org"], subject="Biên nhận BN-1", body="Đã nhận.")
        assert mail.outbox == [], "nothing is sent inside the caller's transaction"
    caller_time = time.perf_counter() - started
    assert sent_now is False  # the caller did not wait for the mail server
    _wait_for_mail()
    assert [m.subject for m in mail.outbox] == ["Biên nhận BN-1"]
    assert OutboundEmail.objects.get().sent_at is not None
    assert caller_time < 1.0


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_minute_jobs_and_retries_the_outbox(broker):
    email_queue(to=["donvi@example.org"], subject="Nhắc hạn", body="Còn 3 ngày.")  # queued, never sent
    jobs_run_task.delay()
    _wait_for_mail()
    assert [m.subject for m in mail.outbox] == ["Nhắc hạn"]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_tells_the_unit_its_receipt_after_the_upload_committed(
    broker, tree, personas, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    milestone = make_campaign(tree).milestones.get(code="KH")
    officer = add_officer(tree["QD1"], "canbo-qd1-tasks", "canbo@example.org")
    with transaction.atomic():
        submission = submit(milestone, tree["QD1"], officer, vn(2023, 5, 2, 9, 0))
        assert mail.outbox == [] and not Notification.objects.exists(), "the upload's request only enqueues"
    _wait_for_mail()
    assert [m.to for m in mail.outbox] == [["canbo@example.org"]]
    assert submission.receipt_number in mail.outbox[0].subject
    assert Notification.objects.filter(user=officer, text__contains=submission.receipt_number).count() == 1


@pytest.mark.django_db
def test_with_the_broker_down_the_receipt_is_made_in_the_request(
    tree, personas, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """The upload committed: a broker that does not answer must not turn it into an error page, and
    the unit still gets its receipt (notified here; the e-mail queued for the outbox's retries)."""

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    settings.MEDIA_ROOT = tmp_path
    settings.TASKS_IN_PROCESS = False
    monkeypatch.setattr(outbox.current_app, "send_task", broker_down)
    milestone = make_campaign(tree).milestones.get(code="KH")
    officer = add_officer(tree["QD1"], "canbo-qd1-down", "canbo@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(milestone, tree["QD1"], officer, vn(2023, 5, 2, 9, 0))
    assert Notification.objects.filter(user=officer, text__contains=submission.receipt_number).count() == 1
    queued = OutboundEmail.objects.get(key=f"receipt:{submission.pk}")
    assert queued.to == ["canbo@example.org"] and queued.sent_at is None
