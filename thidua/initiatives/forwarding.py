"""Forwarding feasible initiatives to city departments (sở, ban, ngành), their answers (adopt, pilot,
decline with a reason), the results of applying them, and reminders of answers due or overdue.

Reminders follow the unit deadlines' steps (settings.REMINDER_STEPS, from the answer deadline, the
end of `respond_by` in Ho Chi Minh City time) and are claimed once per (forwarding, step) before
the e-mail goes out, exactly like thidua.submissions.reminders.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from thidua.campaigns.queries import campaign_coordinators
from thidua.core import outbox, timeutils
from thidua.core.audit import diff, log_action
from thidua.core.errors import Refused
from thidua.core.models import OutboundEmail
from thidua.core.outbox import email_send, site_url
from thidua.initiatives.models import Agency, ApplicationResult, Forwarding, ForwardingReminder, Initiative
from thidua.initiatives.services import feed_counts, tell_author

log = logging.getLogger(__name__)

# As for unit reminders: a step not sent within this window after it fell due is skipped.
WINDOW = dt.timedelta(hours=6)


def status_after_answers(initiative: Initiative, responses: list[str]) -> str:
    """Adopted if any department adopts, piloted if any pilots, forwarded while answers are awaited,
    declined when every department declined."""
    if not responses:
        return initiative.status
    if Forwarding.Response.ADOPT in responses:
        return Initiative.Status.ADOPTED
    if Forwarding.Response.PILOT in responses:
        return Initiative.Status.PILOTED
    if "" in responses:
        return Initiative.Status.FORWARDED
    return Initiative.Status.DECLINED


def _restatus(initiative: Initiative) -> tuple[str, str]:
    old = initiative.status
    initiative.status = status_after_answers(
        initiative, list(initiative.forwardings.values_list("response", flat=True))
    )
    if initiative.status != old:
        initiative.save(update_fields=["status"])
    return old, initiative.status


def initiative_forward(
    *,
    actor,
    initiative: Initiative,
    agencies,
    respond_by: dt.date,
    note: str = "",
    now: dt.datetime | None = None,
    notify: bool = True,
) -> list[Forwarding]:
    """Introduce a feasible initiative to one or more departments, with a date to answer by.
    Each department is sent the initiative (never the authors' contact data)."""
    agencies = list({a.pk: a for a in agencies}.values())
    at = now or timeutils.now()
    if not agencies:
        raise Refused(_("Choose at least one department."))
    if respond_by is None or respond_by < timeutils.local(at).date():
        raise Refused(_("The answer date must not be in the past."))
    inactive = [a.name for a in agencies if not a.active]
    if inactive:
        raise Refused(_("%(names)s no longer receives initiatives.") % {"names": ", ".join(inactive)})
    with transaction.atomic():
        initiative = (
            Initiative.objects.select_for_update(of=("self",)).select_related("unit", "campaign").get(pk=initiative.pk)
        )
        if initiative.status not in Initiative.FEASIBLE_STATUSES:
            raise Refused(_("Only initiatives published as feasible are forwarded to departments."))
        already = set(initiative.forwardings.filter(agency__in=agencies).values_list("agency__name", flat=True))
        if already:
            raise Refused(
                _("%(code)s was already forwarded to %(names)s.")
                % {"code": initiative.code, "names": ", ".join(sorted(already))}
            )
        created = [
            Forwarding.objects.create(
                initiative=initiative,
                agency=a,
                forwarded_at=at,
                forwarded_by=actor,
                respond_by=respond_by,
                note=(note or "").strip()[:5000],
            )
            for a in agencies
        ]
        old, new = _restatus(initiative)
        log_action(
            actor=actor,
            action="initiative.forward",
            obj=initiative,
            changes={
                "agencies": [None, [a.name for a in agencies]],
                "respond_by": [None, respond_by],
                "status": [old, new],
            },
            reason=note,
        )
        feed_counts(actor, initiative, at)
    if notify:
        for forwarding in created:
            _send_to_agency(forwarding)
        with translation.override("vi"):
            subject = _("Your initiative %(code)s was forwarded to %(names)s") % {
                "code": initiative.code,
                "names": ", ".join(a.name for a in agencies),
            }
            tell_author(initiative, subject=subject, body=subject + ".")
    return created


def _send_to_agency(forwarding: Forwarding) -> None:
    initiative = forwarding.initiative
    with translation.override("vi"):
        subject = _("Initiative %(code)s introduced by the Ho Chi Minh City Youth Union: %(title)s") % {
            "code": initiative.code,
            "title": initiative.title[:120],
        }
        body = render_to_string(
            "initiatives/email/forwarding.txt",
            {
                "f": forwarding,
                "i": initiative,
                "deadline": forwarding.respond_by,
                "url": site_url(reverse("initiatives:public_detail", args=[initiative.code])),
            },
        )
    email_send(to=[forwarding.agency.email], subject=subject, body=body)


def forwarding_respond(
    *,
    actor,
    forwarding: Forwarding,
    response: str,
    response_date: dt.date,
    reason: str = "",
    now: dt.datetime | None = None,
    notify: bool = True,
) -> Forwarding:
    """Record the department's answer (from its letter). Declining needs the reason it gave. An
    answer may be corrected later (a pilot becomes an adoption); the audit trail keeps each one."""
    reason = (reason or "").strip()
    at = now or timeutils.now()
    if response not in Forwarding.Response.values:
        raise Refused(_("Choose the department's answer: adopt, pilot or decline."))
    if response == Forwarding.Response.DECLINE and not reason:
        raise Refused(_("Give the reason the department declined."))
    if response_date is None or response_date > timeutils.local(at).date():
        raise Refused(_("The date of the answer cannot be in the future."))
    with transaction.atomic():
        forwarding = (
            Forwarding.objects.select_for_update(of=("self",))
            .select_related("initiative", "agency")
            .get(pk=forwarding.pk)
        )
        initiative = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("unit", "campaign")
            .get(pk=forwarding.initiative_id)
        )
        if response_date < timeutils.local(forwarding.forwarded_at).date():
            raise Refused(_("The answer cannot be dated before the initiative was forwarded."))
        before = {
            "response": forwarding.response,
            "reason": forwarding.response_reason,
            "date": forwarding.response_date,
        }
        forwarding.response, forwarding.response_reason, forwarding.response_date = (
            response,
            reason[:5000],
            response_date,
        )
        forwarding.recorded_at, forwarding.recorded_by = at, actor
        forwarding.save()
        old, new = _restatus(initiative)
        log_action(
            actor=actor,
            action="initiative.answer_recorded",
            obj=initiative,
            changes={
                **diff(before, {"response": response, "reason": forwarding.response_reason, "date": response_date}),
                "agency": [None, forwarding.agency.name],
                "status": [old, new],
            },
            reason=reason,
        )
        feed_counts(actor, initiative, at)
    if notify:
        with translation.override("vi"):
            subject = _("%(agency)s answered about your initiative %(code)s: %(answer)s") % {
                "agency": forwarding.agency.name,
                "code": initiative.code,
                "answer": forwarding.get_response_display(),
            }
            tell_author(initiative, subject=subject, body=subject + (f"\n\n{reason}" if reason else ""))
    return forwarding


def result_add(
    *, actor, forwarding: Forwarding, date: dt.date, text: str, now: dt.datetime | None = None
) -> ApplicationResult:
    """Record what came of applying (or piloting) the initiative in the department."""
    text = (text or "").strip()
    at = now or timeutils.now()
    if not text:
        raise Refused(_("Describe the result."))
    if date is None or date > timeutils.local(at).date():
        raise Refused(_("The date of the result cannot be in the future."))
    with transaction.atomic():
        forwarding = (
            Forwarding.objects.select_for_update(of=("self",))
            .select_related("initiative", "agency")
            .get(pk=forwarding.pk)
        )
        if forwarding.response not in (Forwarding.Response.ADOPT, Forwarding.Response.PILOT):
            raise Refused(_("Results are recorded once the department adopts or pilots the initiative."))
        result = ApplicationResult.objects.create(
            forwarding=forwarding, date=date, text=text[:5000], recorded_at=at, recorded_by=actor
        )
        log_action(
            actor=actor,
            action="initiative.result",
            obj=forwarding.initiative,
            changes={"agency": [None, forwarding.agency.name], "result": [None, text], "date": [None, date]},
        )
    return result


# --- reminders ----------------------------------------------------------------------------------


def forwarding_reminders_run(now: dt.datetime | None = None) -> int:
    """Remind departments of answers due (and overdue), once per (forwarding, step): the claim,
    the queued e-mail and the notifications commit together (as for unit reminders, see
    thidua.submissions.reminders). A job of thidua.core.jobs."""
    now = now or timeutils.now()
    steps = sorted(settings.REMINDER_STEPS)
    if not steps:
        return 0
    # Answer dates whose steps can be due now (a day's margin each side; the exact test is below).
    today = timeutils.local(now).date()
    low = today - dt.timedelta(days=max(steps[-1], 0) // 1440 + 2)
    high = today + dt.timedelta(days=max(-steps[0], 0) // 1440 + 2)
    candidates = (
        Forwarding.objects.filter(response="", respond_by__range=(low, high))
        .exclude(initiative__status=Initiative.Status.MERGED)
        .select_related("agency", "initiative__campaign__issuer_unit", "forwarded_by")
    )
    sent = 0
    for forwarding in candidates:
        for step in steps:
            due = timeutils.shift(forwarding.deadline, minutes=step)
            if due is None or not (due <= now < due + WINDOW):
                continue
            try:
                message = _remind_once(forwarding, step)
            except Exception:  # one damaged forwarding must not stop the others' reminders
                log.exception("reminder for forwarding %s failed", forwarding.pk)
                continue
            if message is False:
                continue
            sent += 1
            if message is not None:
                outbox.email_deliver(message)
    return sent


def _remind_once(forwarding: Forwarding, step: int) -> OutboundEmail | None | bool:
    """Claim and queue one reminder; False if it was claimed before."""
    with transaction.atomic():
        claim = outbox.claim(ForwardingReminder, forwarding=forwarding, step_minutes=step)
        if claim is None:
            return False
        message = _remind(forwarding, step)
        claim.recipients = ", ".join(message.to if message else [])
        claim.sent_at = timeutils.now()
        claim.save(update_fields=["recipients", "sent_at"])
    return message


def _remind(forwarding: Forwarding, step: int) -> OutboundEmail | None:
    initiative = forwarding.initiative
    overdue = step >= 0
    with translation.override("vi"):
        if overdue:
            subject = _("Overdue: answer about initiative %(code)s was due %(when)s (%(date)s)")
        else:
            subject = _("Reminder: answer about initiative %(code)s is due %(when)s (%(date)s)")
        subject %= {
            "code": initiative.code,
            "when": timeutils.step_label(step),
            "date": forwarding.respond_by.strftime("%d/%m/%Y"),
        }
        body = render_to_string(
            "initiatives/email/agency_reminder.txt",
            {
                "f": forwarding,
                "i": initiative,
                "overdue": overdue,
                "url": outbox.site_url(reverse("initiatives:public_detail", args=[initiative.code])),
            },
        )
        recipients = [forwarding.agency.email]
        if overdue:
            # The coordinators follow up by phone or letter: tell them too.
            people = list(campaign_coordinators(initiative.campaign))
            outbox.notify_users(
                people,
                text=f"{subject} — {forwarding.agency.name}",
                url=reverse("initiatives:detail", args=[initiative.code]),
            )
            recipients += [u.email for u in people]
    return outbox.email_queue(
        to=recipients, subject=subject, body=body, key=f"forwarding-reminder:{forwarding.pk}:{step}"
    )


def agencies_active():
    return Agency.objects.filter(active=True)
