"""The gateway against real protocol peers: `mail_fetch` talks to an IMAP4rev1 server of the
tests' own over a real socket (imaplib), and real MIME messages are sent with smtplib to the
aiosmtpd intake. The time of receipt is the server's (INTERNALDATE, or the SMTP intake's clock),
a message is never lost between storing and marking, and never filed twice."""

from __future__ import annotations

import datetime as dt
import imaplib
import smtplib
import socket
import threading

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection

from thidua.core import timeutils
from thidua.demo.submissions import pdf_bytes
from thidua.mailgateway import imap, smtpd
from thidua.mailgateway.management.commands import mail_fetch, mail_smtpd
from thidua.mailgateway.models import InboundMessage
from thidua.submissions.models import Submission

from . import imapserver
from .mailfixtures import GATEWAY, UNIT_ADDRESS, mime
from .test_submissions_services import LOCMEM, make_campaign, vn

Status = InboundMessage.Status


@pytest.fixture
def unit_campaign(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = LOCMEM
    tree["QD1"].emails = UNIT_ADDRESS
    tree["QD1"].save()
    cache.delete(imap.LOCK_KEY)
    return make_campaign(tree)


@pytest.fixture
def mailbox(settings):
    box = imapserver.Mailbox()
    server, port = imapserver.start(box)
    settings.MAIL_IMAP_HOST, settings.MAIL_IMAP_PORT, settings.MAIL_IMAP_TLS = "127.0.0.1", port, "none"
    settings.MAIL_IMAP_USER, settings.MAIL_IMAP_PASSWORD = box.user, box.password
    settings.MAIL_IMAP_FOLDER, settings.MAIL_IMAP_DONE_FOLDER = "INBOX", ""
    yield box
    server.shutdown()
    server.server_close()


def plan(name: str, **kwargs) -> bytes:
    return mime(subject="Kế hoạch tổ chức", files=[(f"{name}.pdf", pdf_bytes(name))], **kwargs)


def test_mail_fetch_files_unseen_messages_judged_by_internaldate(unit_campaign, mailbox):
    on_time = mailbox.deliver(b"Return-Path: <bounce@tphcm.gov.vn>\r\n" + plan("truoc"), vn(2023, 5, 6, 10, 59, 59))
    late = mailbox.deliver(plan("sau"), vn(2023, 5, 6, 11, 0, 0))
    stranger = mailbox.deliver(plan("la", sender="Người lạ <nguoila@gmail.com>"), vn(2023, 5, 6, 9, 0))
    call_command("mail_fetch", verbosity=0)
    first, second = Submission.objects.filter(unit__code="QD1").order_by("version")
    assert (first.received_at, first.on_time) == (vn(2023, 5, 6, 10, 59, 59), True)
    assert (second.received_at, second.on_time) == (vn(2023, 5, 6, 11, 0, 0), False)
    assert InboundMessage.objects.get(from_address="nguoila@gmail.com").status == Status.TRIAGE
    assert first.receipt_number and InboundMessage.objects.filter(envelope_from="bounce@tphcm.gov.vn").count() == 1
    assert all(r"\Seen" in mailbox.flags(uid) for uid in (on_time, late, stranger))
    assert not any(c.startswith("UID FETCH") and "PEEK" not in c and "BODY" in c for c in mailbox.commands)
    replies = {tuple(m.to) for m in mail.outbox}
    assert (UNIT_ADDRESS,) in replies and ("nguoila@gmail.com",) in replies
    # Run again: nothing unseen, nothing new.
    call_command("mail_fetch", verbosity=0)
    assert InboundMessage.objects.count() == 3 and Submission.objects.count() == 2


def test_processed_messages_are_moved_to_the_done_folder(unit_campaign, mailbox, settings):
    settings.MAIL_IMAP_DONE_FOLDER = "Done"
    mailbox.deliver(plan("a"), vn(2023, 5, 2, 8, 0))
    call_command("mail_fetch", verbosity=0)
    assert mailbox.folders["INBOX"] == [] and len(mailbox.folders["Done"]) == 1
    assert InboundMessage.objects.get().status == Status.FILED


def test_a_run_that_dies_before_marking_loses_nothing_and_files_once(unit_campaign, mailbox, monkeypatch):
    uid = mailbox.deliver(plan("a"), vn(2023, 5, 2, 8, 0))

    def dies(client, uid):
        raise imaplib.IMAP4.abort("connection lost")

    monkeypatch.setattr(imap, "_done", dies)
    with pytest.raises(CommandError):
        call_command("mail_fetch", verbosity=0)
    assert r"\Seen" not in mailbox.flags(uid)
    assert InboundMessage.objects.get().status == Status.FILED  # what was stored is read all the same
    monkeypatch.undo()
    cache.delete(imap.LOCK_KEY)
    assert imap.mailbox_fetch().already == 1
    assert r"\Seen" in mailbox.flags(uid)
    assert InboundMessage.objects.get().status == Status.FILED and Submission.objects.count() == 1


def test_a_message_the_server_garbles_is_skipped_and_the_others_go_on(unit_campaign, mailbox, monkeypatch):
    odd = mailbox.deliver(plan("odd"), vn(2023, 5, 2, 8, 0))
    fine = mailbox.deliver(plan("fine"), vn(2023, 5, 2, 8, 1))
    real_meta = imap._meta

    def meta(client, uid):
        if int(uid) == odd:
            raise imap.MailboxError("no INTERNALDATE")
        return real_meta(client, uid)

    monkeypatch.setattr(imap, "_meta", meta)
    result = imap.mailbox_fetch()
    assert (result.seen, result.stored, result.skipped, result.processed) == (2, 1, 1, 1)
    assert r"\Seen" not in mailbox.flags(odd) and r"\Seen" in mailbox.flags(fine)


def test_mail_fetch_loop_reports_an_unreachable_mailbox_and_goes_on(unit_campaign, settings, monkeypatch, capsys):
    settings.MAIL_IMAP_HOST, settings.MAIL_IMAP_PORT, settings.MAIL_IMAP_TLS = "127.0.0.1", _free_port(), "none"
    sleeps = []

    class Stop(Exception):
        pass

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise Stop

    monkeypatch.setattr(mail_fetch, "sleep", sleep)
    monkeypatch.setattr(mail_fetch, "close_old_connections", lambda: None)  # the test's own transaction
    with pytest.raises(Stop):
        call_command("mail_fetch", "--loop", "--interval", "7")
    assert sleeps == [7, 7] and capsys.readouterr().err.count("cannot open the mailbox") == 2
    with pytest.raises(CommandError):
        call_command("mail_fetch", "--interval", "0")


def test_a_message_beyond_the_hard_limit_keeps_its_header_and_goes_to_triage(unit_campaign, mailbox, settings):
    settings.MAIL_MAX_BYTES = 20_000
    mailbox.deliver(mime(files=[("lon.pdf", pdf_bytes("x") + b"%" * 60_000)]), vn(2023, 5, 2, 8, 0))
    call_command("mail_fetch", verbosity=0)
    message = InboundMessage.objects.get()
    assert message.raw_truncated and message.size > 40_000 and message.status == Status.TRIAGE
    assert message.subject == "Kế hoạch tổ chức đợt thi đua" and "MB" in message.reason
    assert "MB" in mail.outbox[-1].body


def test_a_wrong_password_is_a_clear_error(unit_campaign, mailbox, settings):
    settings.MAIL_IMAP_PASSWORD = "sai"
    with pytest.raises(CommandError, match="cannot open the mailbox"):
        call_command("mail_fetch", verbosity=0)


def test_a_second_run_while_one_holds_the_lock_does_nothing(unit_campaign, mailbox):
    mailbox.deliver(plan("a"), vn(2023, 5, 2, 8, 0))
    with imap.fetch_lock() as held:
        assert held
        assert imap.mailbox_fetch().locked
    assert InboundMessage.objects.count() == 0
    assert imap.mailbox_fetch().stored == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_without_the_lock_file_each_message_once(tree, settings, tmp_path, monkeypatch, mailbox):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL")
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = LOCMEM
    tree["QD1"].emails = UNIT_ADDRESS
    tree["QD1"].save()
    make_campaign(tree)
    for n in range(6):
        mailbox.deliver(plan(f"v{n}"), vn(2023, 5, 2, 8, n))

    class NoLock:
        def __enter__(self):
            return True

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(imap, "fetch_lock", NoLock)  # both runs really race
    start = threading.Barrier(2, timeout=20)
    errors = []

    def run():
        try:
            start.wait()
            imap.mailbox_fetch()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert InboundMessage.objects.count() == 6
    assert Submission.objects.count() == 6  # one version per message, never two
    assert sorted(Submission.objects.values_list("version", flat=True)) == [1, 2, 3, 4, 5, 6]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_intake(settings):
    settings.MAIL_SMTPD_RECIPIENTS = [GATEWAY]
    settings.MAIL_MAX_BYTES = 30_000  # the intake refuses beyond 60 kB, keeps but does not read beyond 30 kB
    controller = smtpd.controller("127.0.0.1", _free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_the_smtp_intake_stores_then_files_real_messages(tree, settings, tmp_path, smtp_intake):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = LOCMEM
    tree["QD1"].emails = UNIT_ADDRESS
    tree["QD1"].save()
    make_campaign(tree)
    raw = mime(subject="Báo cáo sơ kết", files=[("Báo cáo sơ kết.pdf", pdf_bytes("sk"))])
    before = timeutils.now()
    with smtplib.SMTP(smtp_intake.hostname, smtp_intake.port, timeout=30) as client:
        client.sendmail("vanthu@tphcm.gov.vn", [GATEWAY], raw)
        client.sendmail("vanthu@tphcm.gov.vn", [GATEWAY], raw)  # the same bytes again: one message
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail("vanthu@tphcm.gov.vn", ["someone@else.vn"], raw)
        with pytest.raises((smtplib.SMTPDataError, smtplib.SMTPSenderRefused, smtplib.SMTPServerDisconnected)):
            client.sendmail("vanthu@tphcm.gov.vn", [GATEWAY], mime(files=[("x.pdf", b"%PDF-" + b"x" * 70_000)]))
    message = InboundMessage.objects.get()
    assert before <= message.received_at <= timeutils.now()
    assert (message.source, message.envelope_from, message.status) == ("smtp", "vanthu@tphcm.gov.vn", Status.FILED)
    submission = message.submission
    assert submission.received_at == message.received_at and submission.milestone.code == "SK"
    assert submission.files.get().name == "Báo cáo sơ kết.pdf"
    assert any(submission.receipt_number in m.subject for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_the_smtp_intake_sends_a_large_message_to_triage(tree, settings, tmp_path, smtp_intake):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = LOCMEM
    tree["QD1"].emails = UNIT_ADDRESS
    tree["QD1"].save()
    make_campaign(tree)
    with smtplib.SMTP(smtp_intake.hostname, smtp_intake.port, timeout=30) as client:
        client.sendmail("a@b.vn", [GATEWAY], mime(files=[("x.pdf", b"%PDF-" + b"x" * 30_000)]))
    message = InboundMessage.objects.get()
    assert message.status == Status.TRIAGE and "MB" in message.reason
    assert message.received_at > timeutils.now() - dt.timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
def test_the_mail_smtpd_command_receives_until_stopped(tree, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = LOCMEM
    settings.MAIL_SMTPD_RECIPIENTS = []
    tree["QD1"].emails = UNIT_ADDRESS
    tree["QD1"].save()
    make_campaign(tree)
    port = _free_port()

    class SendThenStop(threading.Event):
        def wait(self, timeout=None):  # instead of waiting for a signal: one real message, then stop
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
                client.sendmail("vanthu@tphcm.gov.vn", [GATEWAY], plan("lenh"))
            return True

    monkeypatch.setattr(mail_smtpd, "Event", SendThenStop)
    monkeypatch.setattr(mail_smtpd.signal, "signal", lambda *args: None)
    call_command("mail_smtpd", "--host", "127.0.0.1", "--port", str(port))
    assert InboundMessage.objects.get().status == Status.FILED
