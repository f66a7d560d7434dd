"""Deadline reminders and the coordinators' daily digest: the right units, the right steps, each
exactly once, in Vietnamese, by e-mail and in the app; the cron command is idempotent."""

from __future__ import annotations

import datetime as dt
import os
import time
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from thidua.campaigns.models import Campaign
from thidua.core.models import Notification
from thidua.submissions import reminders, services
from thidua.submissions.models import DigestSent, ReminderSent
from thidua.units.models import Unit

from .test_submissions_services import LOCMEM, add_officer, make_campaign, submit, vn

# The SK document is due before 11:00 on Wednesday 31/05/2023 (Ho Chi Minh City time).
THREE_DAYS_BEFORE = vn(2023, 5, 28, 11, 0)
ONE_DAY_BEFORE = vn(2023, 5, 30, 11, 0)
TWO_HOURS_BEFORE = vn(2023, 5, 31, 9, 0)
ONE_DAY_AFTER = vn(2023, 6, 1, 11, 0)


@pytest.fixture
def r(tree, personas, settings, tmp_path):
    """BCNLD has sent nothing, QD1 has sent SK early, HD-NHABE is exempted from SK."""
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = LOCMEM
    settings.REMINDER_STEPS = [-4320, -1440, -120, 1440]
    settings.DIGEST_HOUR = 24  # no digest unless a test asks for it
    Unit.objects.filter(code="BCNLD").update(emails="bcnld@example.vn, vanphong.bcnld@example.vn")
    Unit.objects.filter(code="QD1").update(emails="quandoan1@example.vn")
    Unit.objects.filter(code="HD-NHABE").update(emails="nhabe@example.vn")
    for unit in tree.values():
        unit.refresh_from_db()
    campaign = make_campaign(tree)
    sk = campaign.milestones.get(code="SK")
    bcnld_officer = add_officer(tree["BCNLD"], "officer_bcnld", "can.bo.bcnld@example.vn")
    personas["officer_q1"].email = "can.bo.q1@example.vn"
    personas["officer_q1"].save()
    personas["coordinator"].email = "dieu.phoi@example.vn"
    personas["coordinator"].save()
    submit(sk, tree["QD1"], personas["officer_q1"], vn(2023, 5, 20, 9), notify=False)
    services.deadline_exception_set(
        actor=personas["coordinator"], milestone=sk, unit=tree["HD-NHABE"], kind="exemption",
        reason="Đơn vị đang kiện toàn tổ chức.", notify=False,
    )  # fmt: skip
    mail.outbox.clear()
    return {"tree": tree, "p": personas, "campaign": campaign, "sk": sk, "bcnld_officer": bcnld_officer}


def _sent_to():
    return [set(m.to) for m in mail.outbox]


def test_a_unit_that_has_not_sent_gets_the_three_days_reminder_once(r):
    assert reminders.reminders_run(now=THREE_DAYS_BEFORE - dt.timedelta(minutes=1)).reminders == 0
    assert mail.outbox == []

    report = reminders.reminders_run(now=THREE_DAYS_BEFORE)
    assert report.reminders == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    # To the unit's addresses and its officer; not to QD1 (sent) nor HD-NHABE (exempted).
    assert set(message.to) == {"bcnld@example.vn", "vanphong.bcnld@example.vn", "can.bo.bcnld@example.vn"}
    assert message.subject == "Nhắc hạn nộp: “Báo cáo sơ kết” đến hạn còn 3 ngày (11:00 thứ Tư 31/05/2023)"
    assert "Kính gửi Ban Công nhân lao động Thành Đoàn," in message.body
    assert "“Báo cáo sơ kết” cần được gửi đến trước 11:00 thứ Tư 31/05/2023" in message.body
    assert "/dot-thi-dua/thu-nghiem/nop/SK/BCNLD/" in message.body
    note = Notification.objects.get(user=r["bcnld_officer"])
    assert note.text == message.subject and note.url == "/dot-thi-dua/thu-nghiem/nop/SK/BCNLD/"
    assert not Notification.objects.filter(user__in=[r["p"]["officer_q1"], r["p"]["officer_nhabe"]]).exists()
    claim = ReminderSent.objects.get()
    assert claim.sent_at is not None and "bcnld@example.vn" in claim.recipients

    # cron runs again the same minute, and a few minutes later: nothing more.
    again = reminders.reminders_run(now=THREE_DAYS_BEFORE)
    later = reminders.reminders_run(now=THREE_DAYS_BEFORE + dt.timedelta(minutes=7))
    assert (again.reminders, later.reminders) == (0, 0)
    assert again.skipped_claimed == 1
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1


def test_each_step_fires_once_at_its_time(r):
    runs = [
        (THREE_DAYS_BEFORE, 1), (THREE_DAYS_BEFORE + dt.timedelta(hours=1), 0),
        (ONE_DAY_BEFORE - dt.timedelta(seconds=1), 0), (ONE_DAY_BEFORE, 1), (ONE_DAY_BEFORE + dt.timedelta(minutes=30), 0),
        (TWO_HOURS_BEFORE, 1), (vn(2023, 5, 31, 10, 59), 0), (vn(2023, 5, 31, 11, 0), 0),
        (ONE_DAY_AFTER - dt.timedelta(minutes=1), 0), (ONE_DAY_AFTER, 1), (ONE_DAY_AFTER + dt.timedelta(hours=5), 0),
    ]  # fmt: skip
    assert [reminders.reminders_run(now=at).reminders for at, _ in runs] == [n for _, n in runs]
    subjects = [m.subject for m in mail.outbox]
    assert subjects == [
        "Nhắc hạn nộp: “Báo cáo sơ kết” đến hạn còn 3 ngày (11:00 thứ Tư 31/05/2023)",
        "Nhắc hạn nộp: “Báo cáo sơ kết” đến hạn còn 1 ngày (11:00 thứ Tư 31/05/2023)",
        "Nhắc hạn nộp: “Báo cáo sơ kết” đến hạn còn 2 giờ (11:00 thứ Tư 31/05/2023)",
        "Quá hạn nộp: “Báo cáo sơ kết” — hạn nộp 11:00 thứ Tư 31/05/2023, đã quá 1 ngày",
    ]
    assert "chưa nhận được “Báo cáo sơ kết”" in mail.outbox[-1].body
    assert sorted(ReminderSent.objects.values_list("step_minutes", flat=True)) == [-4320, -1440, -120, 1440]
    assert Notification.objects.filter(user=r["bcnld_officer"]).count() == 4


@pytest.mark.parametrize(
    ("late", "sent"),
    [(dt.timedelta(hours=5, minutes=59, seconds=59), 1), (dt.timedelta(hours=6), 0), (dt.timedelta(hours=30), 0)],
)
def test_a_step_more_than_six_hours_stale_is_skipped(r, late, sent):
    """The server was down when the step fell due: a stale reminder is not sent on restart."""
    assert reminders.reminders_run(now=THREE_DAYS_BEFORE + late).reminders == sent
    assert len(mail.outbox) == sent


def test_a_unit_that_sends_after_a_reminder_gets_no_more(r):
    reminders.reminders_run(now=THREE_DAYS_BEFORE)
    submit(r["sk"], r["tree"]["BCNLD"], r["bcnld_officer"], vn(2023, 5, 29, 15), notify=False)
    for at in (ONE_DAY_BEFORE, TWO_HOURS_BEFORE, ONE_DAY_AFTER):
        assert reminders.reminders_run(now=at).reminders == 0
    assert len(mail.outbox) == 1


def test_a_late_sender_gets_no_overdue_reminder(r):
    submit(r["sk"], r["tree"]["BCNLD"], r["bcnld_officer"], vn(2023, 5, 31, 15), notify=False)
    assert reminders.reminders_run(now=ONE_DAY_AFTER).reminders == 0


def test_an_extension_shifts_the_schedule_to_the_new_deadline(r):
    services.deadline_exception_set(
        actor=r["p"]["coordinator"], milestone=r["sk"], unit=r["tree"]["BCNLD"], kind="extension",
        new_deadline=vn(2023, 6, 3, 17, 0), reason="Lãnh đạo đơn vị đi công tác.", notify=False,
    )  # fmt: skip
    # Nothing at the plan's times …
    for at in (THREE_DAYS_BEFORE, ONE_DAY_BEFORE, TWO_HOURS_BEFORE, ONE_DAY_AFTER):
        assert reminders.reminders_run(now=at).reminders == 0
    # … but at the extended deadline's.
    assert reminders.reminders_run(now=vn(2023, 5, 31, 17, 0)).reminders == 1
    assert reminders.reminders_run(now=vn(2023, 6, 2, 17, 0)).reminders == 1
    assert reminders.reminders_run(now=vn(2023, 6, 3, 15, 0)).reminders == 1
    assert reminders.reminders_run(now=vn(2023, 6, 4, 17, 0)).reminders == 1
    assert [m.subject for m in mail.outbox] == [
        "Nhắc hạn nộp: “Báo cáo sơ kết” đến hạn còn 3 ngày (17:00 thứ Bảy 03/06/2023)",
        "Nhắc hạn nộp: “Báo cáo sơ kết” đến hạn còn 1 ngày (17:00 thứ Bảy 03/06/2023)",
        "Nhắc hạn nộp: “Báo cáo sơ kết” đến hạn còn 2 giờ (17:00 thứ Bảy 03/06/2023)",
        "Quá hạn nộp: “Báo cáo sơ kết” — hạn nộp 17:00 thứ Bảy 03/06/2023, đã quá 1 ngày",
    ]


def test_draft_and_closed_campaigns_send_no_reminders(r):
    Campaign.objects.filter(pk=r["campaign"].pk).update(status=Campaign.Status.CLOSED)
    assert reminders.reminders_run(now=THREE_DAYS_BEFORE).reminders == 0
    assert mail.outbox == []


def test_a_run_killed_mid_way_loses_nothing_and_sends_nothing_twice(r, monkeypatch):
    # Two units are due for a reminder this time: BCNLD and (no longer exempted) HD-NHABE.
    r["sk"].exceptions.all().delete()
    real = reminders._remind
    calls = []

    def killed(*args, **kwargs):
        calls.append(args[2].code)
        if len(calls) == 1:
            raise KeyboardInterrupt  # the process is killed while preparing the first e-mail
        return real(*args, **kwargs)

    monkeypatch.setattr(reminders, "_remind", killed)
    with pytest.raises(KeyboardInterrupt):
        reminders.reminders_run(now=THREE_DAYS_BEFORE)
    first = calls[0]
    assert not ReminderSent.objects.exists()  # the claim died with its e-mail: nothing is lost
    report = reminders.reminders_run(now=THREE_DAYS_BEFORE + dt.timedelta(minutes=1))
    assert report.reminders == 2 and report.skipped_claimed == 0
    assert set(calls) == {"BCNLD", "HD-NHABE"} and calls.count(first) == 2
    assert ReminderSent.objects.count() == 2
    assert len(mail.outbox) == 2  # one e-mail to each unit, none twice
    assert reminders.reminders_run(now=THREE_DAYS_BEFORE + dt.timedelta(minutes=2)).reminders == 0
    assert len(mail.outbox) == 2


# --- the daily digest -------------------------------------------------------------------------------


@pytest.fixture
def utc_server():
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if previous is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = previous
    time.tzset()


def test_the_digest_goes_to_coordinators_once_a_day_from_the_digest_hour(r, settings, utc_server):
    settings.DIGEST_HOUR = 7
    steering = r["p"]["steering"]
    assert reminders.digest_run(vn(2023, 5, 29, 6, 59, 59)) == 0
    assert reminders.digest_run(vn(2023, 5, 29, 7, 0)) == 1
    assert reminders.digest_run(vn(2023, 5, 29, 7, 1)) == 0
    assert reminders.digest_run(vn(2023, 5, 29, 23, 59)) == 0
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.subject == "Tổng hợp hằng ngày — Tuổi trẻ thử nghiệm — 29/05/2023"
    assert set(digest.to) == {"dieu.phoi@example.vn", "bcnld@example.vn", "vanphong.bcnld@example.vn"}
    assert "Báo cáo sơ kết" in digest.body and "Kế hoạch tổ chức" in digest.body
    # SK, the day before it is due: 2 expected (HD-NHABE exempted), 1 received.
    sk_line = next(line for line in digest.body.splitlines() if "phải nộp" in line and "miễn nộp 1" in line)
    assert "phải nộp 2" in sk_line and "đã nộp 1 (50,0%)" in sk_line and "chưa đến hạn 1" in sk_line
    assert Notification.objects.filter(user=r["p"]["coordinator"], text=digest.subject).count() == 1
    assert not Notification.objects.filter(user=steering).exists()

    # 00:30 on 30/05 in Ho Chi Minh City (still 29/05 in UTC): before the digest hour there.
    assert reminders.digest_run(vn(2023, 5, 30, 0, 30)) == 0
    assert reminders.digest_run(vn(2023, 5, 30, 7, 0)) == 1
    assert list(DigestSent.objects.order_by("day").values_list("day", flat=True)) == [
        dt.date(2023, 5, 29),
        dt.date(2023, 5, 30),
    ]
    # After the campaign's period, no more digests.
    assert reminders.digest_run(vn(2023, 7, 1, 8, 0)) == 0


def test_send_reminders_command_is_idempotent(r, settings):
    settings.DIGEST_HOUR = 7
    with time_machine.travel(THREE_DAYS_BEFORE.astimezone(dt.UTC), tick=False):
        out = StringIO()
        call_command("send_reminders", stdout=out)
        assert "nhắc hạn: 1, tổng hợp ngày: 1" in out.getvalue()
        out = StringIO()
        call_command("send_reminders", stdout=out)
        assert out.getvalue() == ""  # nothing new to say
    with time_machine.travel((THREE_DAYS_BEFORE + dt.timedelta(minutes=1)).astimezone(dt.UTC), tick=False):
        call_command("send_reminders", stdout=StringIO())
    assert len(mail.outbox) == 2  # one reminder, one digest
    assert ReminderSent.objects.count() == 1 and DigestSent.objects.count() == 1
