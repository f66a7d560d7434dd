"""Reminders before and after each deadline, and the coordinators' daily digest.

Both are jobs (thidua.core.jobs, run every minute by `python manage.py run_jobs`). Each reminder
is claimed by inserting a unique (milestone, unit, step) row, in the same transaction as its
queued e-mail and notifications: a second run finds the claim and does nothing; a run killed
before the commit leaves neither, and the next run does it all; a run killed after the commit
leaves the e-mail in the outbox, which delivers it (thidua.core.outbox). One bad milestone is
logged and skipped; the others are still reminded.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from thidua.campaigns.models import Campaign
from thidua.campaigns.queries import campaign_coordinators
from thidua.core import outbox, timeutils
from thidua.core.models import OutboundEmail
from thidua.submissions.models import DigestSent, ReminderSent
from thidua.submissions.queries import Status, expected_units, statuses, summarise
from thidua.units.models import Unit
from thidua.units.queries import unit_officers

log = logging.getLogger(__name__)

# A step not sent within this window after it fell due (the server was down) is skipped, so
# a restart never floods units with stale reminders.
WINDOW = dt.timedelta(hours=6)


@dataclass
class RunReport:
    reminders: int = 0
    skipped_claimed: int = 0
    failed: int = 0


def reminders_run(now: dt.datetime | None = None) -> RunReport:
    """Remind every expected unit that has not sent a document, at each step before and after
    its deadline (settings.REMINDER_STEPS), once per (milestone, unit, step)."""
    now = now or timeutils.now()
    report = RunReport()
    steps = sorted(settings.REMINDER_STEPS)
    if not steps:  # reminders switched off
        return report
    for campaign in Campaign.objects.published().select_related("issuer_unit"):
        for milestone in campaign.milestones.all():
            try:
                _milestone_reminders(campaign, milestone, steps, now, report)
            except Exception:  # a damaged row must not stop the reminders of every other milestone
                log.exception("reminders for milestone %s of %s failed", milestone.pk, campaign.slug)
                report.failed += 1
    return report


def _milestone_reminders(campaign, milestone, steps, now, report: RunReport) -> None:
    # Quick exit: no step of this milestone (even with a month's extension) can be due.
    if now < milestone.deadline + dt.timedelta(minutes=steps[0]):
        return
    unit_ids = list(expected_units(milestone, campaign).values_list("pk", flat=True))
    for unit_id, state in statuses(milestone, unit_ids, now=now).items():
        if state.status not in (Status.AWAITING, Status.MISSING):
            continue
        for step in steps:
            due = timeutils.shift(state.deadline, minutes=step)
            if due is None or not (due <= now < due + WINDOW):
                continue
            with transaction.atomic():
                claim = outbox.claim(ReminderSent, milestone=milestone, unit_id=unit_id, step_minutes=step)
                if claim is None:
                    report.skipped_claimed += 1
                    continue
                unit = Unit.objects.get(pk=unit_id)
                message = _remind(campaign, milestone, unit, state.deadline, step)
                claim.recipients = ", ".join(message.to if message else [])
                claim.sent_at = timeutils.now()
                claim.save(update_fields=["recipients", "sent_at"])
            report.reminders += 1
            if message is not None:
                outbox.email_deliver(message)


def _remind(campaign, milestone, unit, deadline, step) -> OutboundEmail | None:
    """Queue the reminder (in the caller's transaction) and notify the unit's officers in the app."""
    officers = list(unit_officers(unit))
    url = reverse("submissions:milestone", args=[campaign.slug, milestone.code, unit.code])
    with translation.override("vi"):
        if step < 0:
            subject = _("Reminder: “%(milestone)s” is due %(when)s (%(deadline)s)")
        else:
            subject = _("Overdue: “%(milestone)s” was due %(when)s (%(deadline)s)")
        subject %= {
            "milestone": milestone.title,
            "when": timeutils.step_label(step),
            "deadline": timeutils.format_vn(deadline),
        }
        body = render_to_string(
            "submissions/email/reminder.txt",
            {
                "campaign": campaign,
                "milestone": milestone,
                "unit": unit,
                "deadline": deadline,
                "overdue": step >= 0,
                "url": outbox.site_url(url),
            },
        )
        outbox.notify_users(officers, text=subject, url=url)
    recipients = [*unit.email_list, *(u.email for u in officers if u.email)]
    return outbox.email_queue(
        to=recipients, subject=subject, body=body, key=f"reminder:{milestone.pk}:{unit.pk}:{step}"
    )


def digest_run(now: dt.datetime | None = None) -> int:
    """Once a day (from DIGEST_HOUR, Ho Chi Minh City time) per running campaign: the state of
    every milestone, sent to its coordinators."""
    now = now or timeutils.now()
    local_now = timeutils.local(now)
    if local_now.hour < settings.DIGEST_HOUR:
        return 0
    sent = 0
    for campaign in Campaign.objects.published().select_related("issuer_unit", "coordinator_unit"):
        if campaign.period_end and local_now.date() > campaign.period_end:
            continue
        try:
            with transaction.atomic():
                claim = outbox.claim(DigestSent, campaign=campaign, day=local_now.date())
                if claim is None:
                    continue
                message = _digest(campaign, local_now, now)
                claim.sent_at = timeutils.now()
                claim.save(update_fields=["sent_at"])
        except Exception:  # one campaign's damaged data must not stop the others' digests
            log.exception("digest for %s failed", campaign.slug)
            continue
        sent += 1
        if message is not None:
            outbox.email_deliver(message)
    return sent


def _digest(campaign, local_now, now) -> OutboundEmail | None:
    lines = []
    for milestone in campaign.milestones.all():
        unit_ids = list(expected_units(milestone, campaign).values_list("pk", flat=True))
        lines.append((milestone, summarise(statuses(milestone, unit_ids, now=now))))
    people = list(campaign_coordinators(campaign))
    board = reverse("submissions:board", args=[campaign.slug])
    with translation.override("vi"):
        subject = _("Daily summary — %(campaign)s — %(day)s") % {
            "campaign": campaign.theme or campaign.title,
            "day": local_now.strftime("%d/%m/%Y"),
        }
        body = render_to_string(
            "submissions/email/digest.txt",
            {"campaign": campaign, "lines": lines, "url": outbox.site_url(board)},
        )
        outbox.notify_users(people, text=subject[:500], url=board)
    emails = [u.email for u in people] + (campaign.coordinator_unit.email_list if campaign.coordinator_unit else [])
    return outbox.email_queue(
        to=emails, subject=subject, body=body, key=f"digest:{campaign.pk}:{local_now.date().isoformat()}"
    )
