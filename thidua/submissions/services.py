"""Writes of the unit portal: registrations, submissions, reviews, extensions and exemptions.

Each is one transaction, audited, and tells the people concerned (in the app and by e-mail).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from thidua.campaigns.models import Campaign, Indicator, Milestone
from thidua.core import files, timeutils
from thidua.core.audit import log_action
from thidua.core.errors import Refused
from thidua.core.models import AuditEntry
from thidua.core.outbox import email_send, notify_users, site_url, task_after_commit
from thidua.submissions.models import (
    Commitment,
    DeadlineException,
    Registration,
    RegistrationRevision,
    Review,
    Submission,
    SubmissionFile,
)
from thidua.submissions.queries import effective_deadline, is_expected
from thidua.units.models import Unit
from thidua.units.queries import unit_officers

RETRIES = 5


def _next_number(model, field: str, **filters) -> int:
    return (model.objects.filter(**filters).aggregate(n=Max(field))["n"] or 0) + 1


# --- registration -----------------------------------------------------------------------------


def registration_is_open(campaign: Campaign, now: dt.datetime | None = None) -> bool:
    """Units register and revise before the registration deadline (or, without one, before the
    end of the campaign period, Ho Chi Minh City time)."""
    now = now or timeutils.now()
    if campaign.status != Campaign.Status.PUBLISHED:
        return False
    if campaign.registration_deadline:
        return timeutils.is_on_time(now, campaign.registration_deadline)
    if campaign.period_end:
        return timeutils.is_on_time(now, timeutils.vn_datetime(campaign.period_end + dt.timedelta(days=1)))
    return True


def registration_save(
    *,
    actor,
    campaign: Campaign,
    unit: Unit,
    commitments: dict[Indicator, Decimal],
    note: str = "",
    on_behalf: bool = False,
    now: dt.datetime | None = None,
) -> RegistrationRevision:
    """Register the unit, or revise its registration: always a new revision, the old ones kept.

    After the deadline only the coordinator (on_behalf) may still register a unit.
    """
    if not on_behalf and not registration_is_open(campaign, now):
        raise Refused(_("Registration for this campaign is closed."))
    for indicator, value in commitments.items():
        if value is None or value < 0:
            raise Refused(_("A commitment must be a number ≥ 0."))
        if indicator.kind != Indicator.Kind.COUNT and value > 100:
            raise Refused(_("“%(name)s” is a percentage: at most 100.") % {"name": indicator.name})
    for attempt in range(RETRIES):
        try:
            with transaction.atomic():
                at = now or timeutils.now()
                registration, created = Registration.objects.get_or_create(
                    campaign=campaign, unit=unit, defaults={"created_at": at}
                )
                revision = RegistrationRevision.objects.create(
                    created_at=at,
                    registration=registration,
                    number=_next_number(RegistrationRevision, "number", registration=registration),
                    note=note,
                    created_by=actor,
                    on_behalf=on_behalf,
                )
                Commitment.objects.bulk_create(
                    [
                        Commitment(revision=revision, indicator=i, value=v)
                        for i, v in commitments.items()
                        if v is not None
                    ]
                )
                log_action(
                    actor=actor,
                    action="registration.create" if created else "registration.revise",
                    obj=registration,
                    changes={
                        "revision": [revision.number - 1 or None, revision.number],
                        "commitments": [None, {i.code: str(v) for i, v in commitments.items()}],
                        "on_behalf": [None, on_behalf],
                    },
                    reason=note,
                )
                return revision
        except IntegrityError:
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


# --- submissions ------------------------------------------------------------------------------


def submission_create(
    *,
    actor,
    milestone: Milestone,
    unit: Unit,
    uploads: list[tuple[str, bytes]],
    note: str = "",
    now: dt.datetime | None = None,
    notify: bool = True,
) -> Submission:
    """Receive a new version of the unit's document: files checked, stored under their hash, a
    receipt issued with the server time. Raises Refused / Refused with a clear message;
    on any failure nothing is stored (no row, no file left behind)."""

    campaign = milestone.campaign
    if campaign.status != Campaign.Status.PUBLISHED:
        raise Refused(_("This campaign is not open for submissions."))
    if not is_expected(milestone, campaign, unit):
        raise Refused(
            _("%(unit)s is not expected to send “%(milestone)s”.") % {"unit": unit.name, "milestone": milestone.title}
        )
    exception = DeadlineException.objects.filter(milestone=milestone, unit=unit).first()
    if exception is not None and exception.kind == DeadlineException.Kind.EXEMPTION:
        raise Refused(
            _("%(unit)s is exempted from “%(milestone)s”.") % {"unit": unit.name, "milestone": milestone.title}
        )
    if not uploads:
        raise Refused(_("Choose at least one file."))
    checked = files.check_uploads(uploads)
    with files.stored_first(checked):
        submission = _submission_rows(actor, milestone, unit, checked, note, exception, now)
    if notify:
        receipt_send(submission)
    return submission


def _submission_rows(actor, milestone, unit, checked, note, exception, now) -> Submission:
    for attempt in range(RETRIES):
        try:
            with transaction.atomic():
                received_at = now or timeutils.now()  # the server's clock, to the second and beyond
                previous = Submission.objects.filter(milestone=milestone, unit=unit).order_by("-version").first()
                answers = None
                if previous is not None and previous.status == Submission.Status.SUPPLEMENT:
                    answers = previous.reviews.filter(decision=Review.Decision.SUPPLEMENT).first()
                submission = Submission.objects.create(
                    milestone=milestone,
                    unit=unit,
                    version=(previous.version + 1) if previous else 1,
                    received_at=received_at,
                    deadline=effective_deadline(milestone, exception),
                    created_by=actor if getattr(actor, "pk", None) else None,
                    note=note,
                    answers=answers,
                )
                submission.receipt_number = f"{timeutils.local(received_at):%Y%m%d}-{submission.pk:06d}"
                submission.save(update_fields=["receipt_number"])
                for order, item in enumerate(checked):
                    SubmissionFile.objects.create(
                        submission=submission, stored=files.stored_file(item), name=item.name, order=order
                    )
                log_action(
                    actor=actor,
                    action="submission.create",
                    obj=submission,
                    changes={
                        "version": [None, submission.version],
                        "receipt": [None, submission.receipt_number],
                        "files": [None, [f"{i.name} sha256:{i.sha256}" for i in checked]],
                        "on_time": [None, submission.on_time],
                    },
                    reason=note,
                )
                return submission
        except IntegrityError:
            # Another officer of the unit sent a version at the same instant: take the next number.
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def receipt_text(submission: Submission) -> str:
    with translation.override("vi"):
        return render_to_string(
            "submissions/email/receipt.txt",
            {
                "s": submission,
                "files": submission.files.select_related("stored"),
                "url": site_url(receipt_path(submission)),
            },
        )


def receipt_path(submission: Submission) -> str:
    return reverse("submissions:receipt", args=[submission.milestone.campaign.slug, submission.receipt_number])


RECEIPT_TASK = "thidua.submissions.tasks.receipt_send_task"


def receipt_send(submission: Submission) -> None:
    """Tell the unit's officers (in the app and by e-mail) that their document arrived. With a
    broker a worker does it after the upload's transaction commits: the deadline burst's requests
    only enqueue (the receipt page is the acknowledgement); without one, here and now."""
    if settings.TASKS_IN_PROCESS:
        _tell_receipt(submission)
    else:
        task_after_commit(RECEIPT_TASK, submission.pk, fallback=lambda: _tell_receipt(submission))


def receipt_send_by_id(pk: int) -> bool:
    """The worker's side of `receipt_send`. False if the submission is gone."""
    submission = Submission.objects.select_related("unit", "milestone__campaign").filter(pk=pk).first()
    if submission is None:
        return False
    _tell_receipt(submission)
    return True


def _tell_receipt(submission: Submission) -> None:
    unit = submission.unit
    officers = list(unit_officers(unit))
    with translation.override("vi"):
        subject = _("Receipt %(number)s — %(milestone)s — %(unit)s") % {
            "number": submission.receipt_number,
            "milestone": submission.milestone.title,
            "unit": unit.name,
        }
        notify_users(officers, text=subject, url=receipt_path(submission))
    email_send(
        to=[*unit.email_list, *(u.email for u in officers)],
        subject=subject,
        body=receipt_text(submission),
        key=f"receipt:{submission.pk}",  # a task run twice (a worker killed mid-way) sends it once
    )


# --- review -----------------------------------------------------------------------------------


def submission_review(
    *,
    actor,
    submission: Submission,
    decision: str,
    comment: str = "",
    notify: bool = True,
    now: dt.datetime | None = None,
) -> Review:
    """Accept the latest version, or ask for a supplement (a comment is then required)."""
    comment = (comment or "").strip()
    if decision not in Review.Decision.values:
        raise Refused(_("Unknown decision."))
    if decision == Review.Decision.SUPPLEMENT and not comment:
        raise Refused(_("Say what must be supplemented."))
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        latest = Submission.objects.filter(milestone=submission.milestone, unit=submission.unit).aggregate(
            v=Max("version")
        )["v"]
        if submission.version != latest:
            raise Refused(_("A newer version has arrived; review that one."))
        review = Review.objects.create(
            submission=submission, decision=decision, comment=comment, reviewer=actor, created_at=now or timeutils.now()
        )
        old = submission.status
        submission.status = decision
        submission.save(update_fields=["status"])
        log_action(
            actor=actor, action="submission.review", obj=submission, changes={"status": [old, decision]}, reason=comment
        )
    if notify:
        _tell_review(submission, decision, comment)
    return review


def _tell_review(submission: Submission, decision: str, comment: str) -> None:
    unit = submission.unit
    with translation.override("vi"):
        if decision == Review.Decision.ACCEPTED:
            text = _("“%(milestone)s” of %(unit)s (version %(v)s) was accepted.")
        else:
            text = _("“%(milestone)s” of %(unit)s (version %(v)s) needs a supplement: %(comment)s")
        text = text % {
            "milestone": submission.milestone.title,
            "unit": unit.name,
            "v": submission.version,
            "comment": comment,
        }
        url = reverse(
            "submissions:milestone", args=[submission.milestone.campaign.slug, submission.milestone.code, unit.code]
        )
        officers = list(unit_officers(unit))
        notify_users(officers, text=text, url=url)
        body = text + "\n\n" + site_url(url) + "\n"
        email_send(to=[*unit.email_list, *(u.email for u in officers)], subject=text[:150], body=body)


# --- extensions and exemptions ---------------------------------------------------------------


def deadline_exception_set(
    *,
    actor,
    milestone: Milestone,
    unit: Unit,
    kind: str,
    reason: str,
    new_deadline: dt.datetime | None = None,
    notify: bool = True,
) -> DeadlineException:
    """Grant (or change) an extension or an exemption; a reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason for the extension or exemption."))
    if kind == DeadlineException.Kind.EXTENSION:
        if new_deadline is None or new_deadline <= milestone.deadline:
            raise Refused(_("The new deadline must be later than the milestone's deadline."))
    else:
        new_deadline = None
    with transaction.atomic():
        existing = DeadlineException.objects.select_for_update().filter(milestone=milestone, unit=unit).first()
        before = {"kind": existing.kind, "new_deadline": existing.new_deadline} if existing else {}
        if existing:
            existing.kind, existing.new_deadline, existing.reason, existing.granted_by = (
                kind,
                new_deadline,
                reason,
                actor,
            )
            existing.save()
            exception = existing
        else:
            exception = DeadlineException.objects.create(
                milestone=milestone, unit=unit, kind=kind, new_deadline=new_deadline, reason=reason, granted_by=actor
            )
        log_action(
            actor=actor,
            action=f"deadline.{kind}",
            obj=exception,
            changes={
                "unit": [None, unit.code],
                "milestone": [None, milestone.code],
                "kind": [before.get("kind"), kind],
                "new_deadline": [before.get("new_deadline"), new_deadline],
            },
            reason=reason,
        )
    if not notify:
        return exception
    with translation.override("vi"):
        if kind == DeadlineException.Kind.EXTENSION:
            text = _("%(unit)s: the deadline for “%(milestone)s” is extended to %(deadline)s. Reason: %(reason)s")
        else:
            text = _("%(unit)s is exempted from “%(milestone)s”. Reason: %(reason)s")
        text %= {
            "unit": unit.name,
            "milestone": milestone.title,
            "deadline": timeutils.format_vn(new_deadline),
            "reason": reason,
        }
        notify_users(unit_officers(unit), text=text)
    return exception


def deadline_exception_remove(*, actor, exception: DeadlineException, reason: str = "") -> None:
    with transaction.atomic():
        log_action(
            actor=actor,
            action="deadline.remove",
            obj=exception,
            changes={"kind": [exception.kind, None], "new_deadline": [exception.new_deadline, None]},
            reason=reason,
        )
        exception.delete()


# --- downloads ---------------------------------------------------------------------------------

FILE_DOWNLOAD = "submission_file.download"
ZIP_DOWNLOAD = "submission_files.download"


def file_download_record(*, actor, item: SubmissionFile) -> AuditEntry:
    """Who downloaded which file a unit sent: the campaign, deadline, unit, receipt and version, the
    file's name and the SHA-256 of its bytes."""
    submission = item.submission
    return log_action(
        actor=actor,
        action=FILE_DOWNLOAD,
        obj=submission,
        changes={
            "campaign": [None, submission.milestone.campaign.slug],
            "milestone": [None, submission.milestone.code],
            "unit": [None, submission.unit.code],
            "receipt": [None, submission.receipt_number],
            "version": [None, submission.version],
            "file": [None, item.name],
            "size": [None, item.stored.size],
            "sha256": [None, item.stored.sha256],
        },
    )


def zip_download_record(
    *, actor, milestone: Milestone, scope: Unit, name: str, members: list[tuple[str, str]]
) -> AuditEntry:
    """Who downloaded one deadline's files of a subtree as a zip. `members`: (name in the archive,
    SHA-256) of every file it lists; the archive is streamed, so what it held is pinned by the
    SHA-256 of that list (one "name sha256" line each, in the archive's order) — the manifest inside
    the archive lists the same pairs."""
    listing = "".join(f"{arcname} {sha256}\n" for arcname, sha256 in members)
    return log_action(
        actor=actor,
        action=ZIP_DOWNLOAD,
        obj=milestone,
        changes={
            "campaign": [None, milestone.campaign.slug],
            "milestone": [None, milestone.code],
            "unit": [None, scope.code],
            "file": [None, name],
            "files": [None, len(members)],
            "listing_sha256": [None, hashlib.sha256(listing.encode()).hexdigest()],
        },
    )
