"""The shared floor: one refusal type shown as a message (never Django's internals), the outbox
that loses no e-mail and sends none twice, background jobs that survive a broken one, the one
campaign-creation rule, and sign-off decisions checked in the service."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from thidua.core import jobs, outbox, timeutils
from thidua.core.errors import Refused
from thidua.core.models import OutboundEmail
from thidua.progress import services as progress_services
from thidua.units.models import Role, RoleAssignment, Unit

from .test_initiatives_services import make_portal, make_user, publish_feasible, submit

pytestmark = pytest.mark.django_db
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- malformed ids posted by buttons ------------------------------------------------------------


@pytest.mark.parametrize("bad", ["abc", "12345678901234567890", "1; DROP TABLE x", "-1", ""])
def test_a_malformed_reviewer_id_is_a_vietnamese_message(client, seed_campaign, demo_tree, settings, tmp_path, bad):
    portal = make_portal(seed_campaign, demo_tree, settings, tmp_path)
    initiative = submit(seed_campaign, portal["units"]["QD1-01"])
    client.force_login(portal["p"]["coordinator"])
    response = client.post(reverse("initiatives:assign", args=[initiative.code]), {"remove": bad})
    assert response.status_code == 302
    text = " ".join(_messages(response))
    assert "Người chấm này không được phân công" in text or "Hãy chọn người chấm" in text
    assert "expected a number" not in text and "Field 'id'" not in text


def test_a_malformed_role_or_event_id_is_a_message(client, tree, personas, seed_definition):
    client.force_login(personas["coordinator"])
    response = client.post(reverse("units:roles", args=["QD1"]), {"revoke": "abc"})
    assert response.status_code == 302 and _messages(response) == ["Hãy chọn một vai trò đang có trên đơn vị này."]
    assert RoleAssignment.objects.count() == 5  # nothing taken away


def test_nobody_takes_away_their_own_coordinator_role(client, tree, personas):
    client.force_login(personas["coordinator"])
    own = RoleAssignment.objects.get(user=personas["coordinator"])
    response = client.post(reverse("units:roles", args=["TD"]), {"revoke": own.pk})
    assert _messages(response) == ["Bạn không thể tự thu hồi vai trò điều phối của mình."]
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


# --- sign-off decisions --------------------------------------------------------------------------


def test_only_the_unit_above_decides_on_a_sign_off_even_through_the_service(seed_campaign, demo_tree):
    qd1 = demo_tree["QD1"]
    midterm = seed_campaign.milestones.get(code="SK")
    signoff = progress_services.signoff_submit(
        actor=None, milestone=midterm, unit=qd1, as_of=dt.date(2023, 5, 31)
    ).signoff
    own_officer = make_user("can_bo_q1", Role.OFFICER, qd1)
    other_district = make_user("can_bo_nb", Role.OFFICER, demo_tree["HD-NHABE"])
    for user in (own_officer, other_district):
        with pytest.raises(Refused):
            progress_services.signoff_decide(actor=user, signoff=signoff, decision="approve")
    signoff.refresh_from_db()
    assert signoff.status == "submitted"
    city = make_user("dieu_phoi", Role.COORDINATOR, demo_tree["TD"])
    progress_services.signoff_decide(actor=city, signoff=signoff, decision="approve")
    signoff.refresh_from_db()
    assert signoff.status == "approved"


def test_an_invalid_sign_off_decision_form_says_so(client, seed_campaign, demo_tree):
    signoff = progress_services.signoff_submit(
        actor=None, milestone=seed_campaign.milestones.get(code="SK"), unit=demo_tree["QD1"], as_of=dt.date(2023, 5, 31)
    ).signoff
    client.force_login(make_user("dieu_phoi", Role.COORDINATOR, demo_tree["TD"]))
    response = client.post(
        reverse("progress:signoff_decide", args=[seed_campaign.slug, signoff.pk]), {"decision": "bogus"}
    )
    assert response.status_code == 302 and _messages(response)  # not silently ignored
    signoff.refresh_from_db()
    assert signoff.status == "submitted"


# --- the outbox -------------------------------------------------------------------------------------


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = LOCMEM
    mail.outbox.clear()


def test_an_email_is_queued_once_per_key_and_carries_a_stable_message_id(locmem):
    assert outbox.email_send(to=["a@example.vn"], subject="Nhắc hạn", body="…", key="k1")
    assert not outbox.email_send(to=["a@example.vn"], subject="Nhắc hạn", body="…", key="k1")  # already sent
    assert len(mail.outbox) == 1 and OutboundEmail.objects.count() == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == outbox.message_id("k1")


def test_a_message_whose_sender_died_is_sent_after_its_lease(locmem):
    now = timeutils.now()
    row = outbox.email_queue(to=["a@example.vn"], subject="S", body="B", key="crash")
    # A sender claimed it, then was killed before sending.
    OutboundEmail.objects.filter(pk=row.pk).update(lease_until=now + outbox.lease(), attempts=1)
    assert outbox.outbox_deliver(now + dt.timedelta(minutes=1)) == 0  # still leased: nobody sends it twice
    assert outbox.outbox_deliver(now + outbox.lease() + dt.timedelta(seconds=1)) == 1
    assert len(mail.outbox) == 1
    assert outbox.outbox_deliver(now + dt.timedelta(hours=1)) == 0  # sent once


def test_a_failed_send_keeps_the_message_and_retries_it(locmem, monkeypatch):
    from django.core.mail import EmailMessage

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    assert not outbox.email_send(to=["a@example.vn"], subject="S", body="B", key="later")
    row = OutboundEmail.objects.get()
    assert row.sent_at is None and "down" in row.last_error and row.lease_until > timeutils.now()
    monkeypatch.undo()
    assert outbox.outbox_deliver(row.lease_until + dt.timedelta(seconds=1)) == 1
    assert len(mail.outbox) == 1


def test_a_subject_is_one_header_line(locmem):
    outbox.email_send(to=["a@example.vn"], subject="Sáng kiến\nBcc: x@evil.example", body="B")
    assert mail.outbox[0].subject == "Sáng kiến Bcc: x@evil.example"
    assert mail.outbox[0].to == ["a@example.vn"]


# --- background jobs ---------------------------------------------------------------------------------


def test_a_broken_job_does_not_stop_the_others(locmem, monkeypatch):
    calls = []
    monkeypatch.setattr(jobs, "_JOBS", {})
    jobs.register("broken", lambda now: 1 / 0, label="hỏng")
    jobs.register("fine", lambda now: calls.append(now) or 1, label="tốt")
    done = jobs.jobs_run()
    assert done["broken"] is None and done["fine"] == 1 and len(calls) == 1


def test_feasible_initiative_helpers_still_work(seed_campaign, demo_tree, settings, tmp_path):
    # Guard for the helpers the suites share (see tests/test_access.py).
    portal = make_portal(seed_campaign, demo_tree, settings, tmp_path)
    initiative = publish_feasible(submit(seed_campaign, portal["units"]["QD1-01"]), None)
    assert initiative.status == "feasible" and Unit.objects.filter(code="QD1-01").exists()


def test_a_reply_header_cannot_carry_a_second_header(db):
    """in_reply_to comes from a stranger's mail: line breaks are dropped, no header is injected."""
    from django.core import mail

    from thidua.core.outbox import email_deliver, email_queue

    row = email_queue(to=["a@example.vn"], subject="Biên nhận", body="x", in_reply_to="<id@x>\r\nBcc: all@x")
    assert email_deliver(row)
    sent = mail.outbox[-1].message()
    assert sent["In-Reply-To"] == "<id@x> Bcc: all@x" and sent["Bcc"] is None
