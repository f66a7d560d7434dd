"""Reminders before and after each deadline, and the coordinators' daily digest.

Run by `python manage.py send_reminders` (cron, every minute) or `--loop`. Each reminder is
claimed by inserting a unique (milestone, unit, step) row and committing it BEFORE the e-mail goes
out: a second run, or a run after a crash, finds the claim and sends nothing (at most once).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from thidua.campaigns.models import Campaign
from thidua.core import timeutils
from thidua.core.notify import notify_users, send_email
from thidua.submissions.models import DigestSent, ReminderSent
from thidua.submissions.queries import Status, expected_units, statuses, summarise
from thidua.submissions.services import _site_url, unit_officers
from thidua.units.models import Role, RoleAssignment, Unit

# A step not sent within this window after it fell due (the server was down) is skipped, so
# a restart never floods units with stale reminders.
WINDOW = dt.timedelta(hours=6)


@dataclass
class RunReport:
    reminders: int = 0
    digests: int = 0
    skipped_claimed: int = 0


def _step_label(minutes: int) -> str:
    if minutes < 0:
        amount = -minutes
        text = _("in %(time)s")
    else:
        amount = minutes
        text = _("%(time)s ago")
    if amount % 1440 == 0:
        span = translation.ngettext("%d day", "%d days", amount // 1440) % (amount // 1440)
    elif amount % 60 == 0:
        span = translation.ngettext("%d hour", "%d hours", amount // 60) % (amount // 60)
    else:
        span = translation.ngettext("%d minute", "%d minutes", amount) % amount
    return text % {"time": span}


def _claim(milestone, unit, step) -> ReminderSent | None:
    try:
        with transaction.atomic():
            return ReminderSent.objects.create(milestone=milestone, unit=unit, step_minutes=step)
    except IntegrityError:
        return None


def reminders_run(now: dt.datetime | None = None) -> RunReport:
    now = now or timeutils.now()
    report = RunReport()
    steps = sorted(settings.REMINDER_STEPS)
    if not steps:  # reminders switched off; the digest still goes out
        report.digests = digest_run(now)
        return report
    for campaign in Campaign.objects.published().select_related("issuer_unit"):
        for milestone in campaign.milestones.all():
            # Quick exit: no step of this milestone (even with a month's extension) can be due.
            earliest = milestone.deadline + dt.timedelta(minutes=steps[0])
            if now < earliest:
                continue
            unit_ids = list(expected_units(milestone, campaign).values_list("pk", flat=True))
            for unit_id, state in statuses(milestone, unit_ids, now=now).items():
                if state.status not in (Status.AWAITING, Status.MISSING):
                    continue
                for step in steps:
                    due = state.deadline + dt.timedelta(minutes=step)
                    if not (due <= now < due + WINDOW):
                        continue
                    unit = Unit.objects.get(pk=unit_id)
                    claim = _claim(milestone, unit, step)
                    if claim is None:
                        report.skipped_claimed += 1
                        continue
                    claim.recipients = ", ".join(_remind(campaign, milestone, unit, state.deadline, step))
                    claim.sent_at = timeutils.now()
                    claim.save(update_fields=["recipients", "sent_at"])
                    report.reminders += 1
    from thidua.initiatives.forwarding import forwarding_reminders_run  # departments' answers due

    report.reminders += forwarding_reminders_run(now)
    report.digests = digest_run(now)
    return report


def _remind(campaign, milestone, unit, deadline, step) -> list[str]:
    officers = list(unit_officers(unit))
    url = reverse("submissions:milestone", args=[campaign.slug, milestone.code, unit.code])
    with translation.override("vi"):
        if step < 0:
            subject = _("Reminder: “%(milestone)s” is due %(when)s (%(deadline)s)")
        else:
            subject = _("Overdue: “%(milestone)s” was due %(when)s (%(deadline)s)")
        subject %= {"milestone": milestone.title, "when": _step_label(step), "deadline": timeutils.format_vn(deadline)}
        body = render_to_string(
            "submissions/email/reminder.txt",
            {"campaign": campaign, "milestone": milestone, "unit": unit, "deadline": deadline, "overdue": step >= 0,
             "url": _site_url(url)},
        )  # fmt: skip
        notify_users(officers, text=subject, url=url)
    recipients = [*unit.email_list, *(u.email for u in officers if u.email)]
    send_email(to=recipients, subject=subject, body=body)
    return recipients


def coordinators(campaign: Campaign):
    """Users holding a coordinator role on the issuing unit or one of its ancestors."""
    paths = campaign.issuer_unit.ancestor_paths(include_self=True)
    ids = RoleAssignment.objects.filter(role=Role.COORDINATOR, unit__path__in=paths).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


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
                claim = DigestSent.objects.create(campaign=campaign, day=local_now.date())
        except IntegrityError:
            continue
        lines = []
        for milestone in campaign.milestones.all():
            unit_ids = list(expected_units(milestone, campaign).values_list("pk", flat=True))
            lines.append((milestone, summarise(statuses(milestone, unit_ids, now=now))))
        people = list(coordinators(campaign))
        with translation.override("vi"):
            subject = _("Daily summary — %(campaign)s — %(day)s") % {
                "campaign": campaign.theme or campaign.title,
                "day": local_now.strftime("%d/%m/%Y"),
            }
            body = render_to_string(
                "submissions/email/digest.txt",
                {
                    "campaign": campaign,
                    "lines": lines,
                    "url": _site_url(reverse("submissions:board", args=[campaign.slug])),
                },
            )
            notify_users(people, text=subject[:500], url=reverse("submissions:board", args=[campaign.slug]))
        emails = [u.email for u in people] + (campaign.coordinator_unit.email_list if campaign.coordinator_unit else [])
        send_email(to=emails, subject=subject, body=body)
        claim.sent_at = timeutils.now()
        claim.save(update_fields=["sent_at"])
        sent += 1
    return sent
