"""The council's evaluation: reviewers assigned by the coordinator (never from the author's own
unit), a rubric of five criteria scored 1–10 with a comment, the council's decision (a reason is
required for "not feasible"), recorded unpublished and published in batches to the authors."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from thidua.core import timeutils
from thidua.core.audit import diff, log_action
from thidua.core.errors import Refused
from thidua.core.outbox import email_send, notify_users, site_url
from thidua.initiatives import access as initiative_access
from thidua.initiatives.models import CRITERIA, Initiative, ReviewAssignment
from thidua.initiatives.services import feed_counts, tell_author


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _open_for_council(initiative: Initiative) -> None:
    if not initiative.is_open:
        raise Refused(
            _("%(code)s is “%(status)s”: the council's work on it is over.")
            % {"code": initiative.code or "—", "status": initiative.get_status_display()}
        )


def reviewers_assign(
    *, actor, initiative: Initiative, reviewers, now: dt.datetime | None = None, notify: bool = True
) -> list[ReviewAssignment]:
    """Ask council members to review the initiative. Each must hold the reviewer role in the
    campaign's union, and none may review an initiative from their own unit. Already assigned
    reviewers are left as they are."""
    reviewers = list({u.pk: u for u in reviewers}.values())
    if not reviewers:
        raise Refused(_("Choose at least one reviewer."))
    for user in reviewers:
        if not initiative_access.can_be_initiative_reviewer(user, initiative.campaign):
            raise Refused(_("%(name)s does not hold the reviewer role.") % {"name": _person(user)})
        if initiative_access.reviewer_conflict(user, initiative.unit):
            raise Refused(
                _("%(name)s cannot review an initiative from their own unit (%(unit)s).")
                % {"name": _person(user), "unit": initiative.unit.name}
            )
    created = []
    with transaction.atomic():
        initiative = (
            Initiative.objects.select_for_update(of=("self",)).select_related("unit", "campaign").get(pk=initiative.pk)
        )
        _open_for_council(initiative)
        at = now or timeutils.now()
        existing = set(initiative.reviews.values_list("reviewer_id", flat=True))
        for user in reviewers:
            if user.pk in existing:
                continue
            created.append(
                ReviewAssignment.objects.create(initiative=initiative, reviewer=user, assigned_by=actor, assigned_at=at)
            )
        old = initiative.status
        if created and initiative.status == Initiative.Status.SUBMITTED:
            initiative.status = Initiative.Status.UNDER_REVIEW
            initiative.save(update_fields=["status"])
        if created:
            log_action(
                actor=actor,
                action="initiative.assign",
                obj=initiative,
                changes={
                    "reviewers": [None, [u.reviewer.get_username() for u in created]],
                    "status": [old, initiative.status],
                },
            )
    if notify and created:
        url = reverse("initiatives:score", args=[initiative.code])
        with translation.override("vi"):
            text = _("You are asked to review initiative %(code)s: %(title)s") % {
                "code": initiative.code,
                "title": initiative.title,
            }
        notify_users([r.reviewer for r in created], text=text, url=url)
        email_send(
            to=[r.reviewer.email for r in created], subject=text[:150], body=text + "\n\n" + site_url(url) + "\n"
        )
    return created


def review_remove(*, actor, review: ReviewAssignment, reason: str = "") -> None:
    """Withdraw a reviewer who has not scored yet."""
    with transaction.atomic():
        review = (
            ReviewAssignment.objects.select_for_update(of=("self",))
            .select_related("initiative", "reviewer")
            .get(pk=review.pk)
        )
        initiative = review.initiative
        _open_for_council(initiative)
        if review.scored_at:
            raise Refused(_("This reviewer has already scored; the score stays on record."))
        log_action(
            actor=actor,
            action="initiative.unassign",
            obj=initiative,
            changes={"reviewers": [review.reviewer.get_username(), None]},
            reason=reason,
        )
        review.delete()
        if not initiative.reviews.exists() and initiative.status == Initiative.Status.UNDER_REVIEW:
            initiative.status = Initiative.Status.SUBMITTED
            initiative.save(update_fields=["status"])


def score_save(
    *, actor, initiative: Initiative, scores: dict[str, int], comment: str, now: dt.datetime | None = None
) -> ReviewAssignment:
    """A reviewer scores the rubric (every criterion 1–10) with a comment; they may correct it until
    the council publishes its decision. Refused to anyone not assigned, and to a reviewer from the
    initiative's own unit."""
    comment = (comment or "").strip()
    values = {}
    for name, label in CRITERIA:
        value = scores.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
            raise Refused(_("“%(criterion)s” needs a score from 1 to 10.") % {"criterion": label})
        values[name] = value
    if not comment:
        raise Refused(_("Add a comment to your scores."))
    if initiative_access.reviewer_conflict(actor, initiative.unit):
        raise Refused(_("You cannot review an initiative from your own unit."))
    with transaction.atomic():
        initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
        _open_for_council(initiative)
        review = ReviewAssignment.objects.select_for_update().filter(initiative=initiative, reviewer=actor).first()
        if review is None:
            raise Refused(_("You are not a reviewer of this initiative."))
        before = {name: getattr(review, name) for name, _label in CRITERIA} | {"comment": review.comment}
        for name, value in values.items():
            setattr(review, name, value)
        review.comment = comment[:5000]
        review.scored_at = now or timeutils.now()
        review.save()
        log_action(
            actor=actor,
            action="initiative.score",
            obj=initiative,
            changes=diff(before, values | {"comment": review.comment}),
        )
    return review


def initiative_decide(
    *, actor, initiative: Initiative, decision: str, reason: str = "", now: dt.datetime | None = None
) -> Initiative:
    """Record the council's decision, unpublished: the author sees it only once it is published.
    "Not feasible" needs a reason. It may be changed until published."""
    reason = (reason or "").strip()
    if decision not in Initiative.Decision.values:
        raise Refused(_("Choose feasible or not feasible."))
    if decision == Initiative.Decision.NOT_FEASIBLE and not reason:
        raise Refused(_("Give the reason why the initiative is not feasible."))
    with transaction.atomic():
        initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
        _open_for_council(initiative)
        before = {"decision": initiative.decision, "reason": initiative.decision_reason}
        initiative.decision, initiative.decision_reason = decision, reason[:5000]
        initiative.decided_at, initiative.decided_by = now or timeutils.now(), actor
        initiative.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by"])
        log_action(
            actor=actor,
            action="initiative.decide",
            obj=initiative,
            changes=diff(before, {"decision": decision, "reason": initiative.decision_reason}),
            reason=reason,
        )
    return initiative


def decisions_publish(
    *, actor, initiatives, now: dt.datetime | None = None, notify: bool = True
) -> tuple[list[Initiative], list[Initiative]]:
    """Publish the recorded decisions of several initiatives at once: each becomes the initiative's
    status and its authors are told (e-mail, and in the app if they have an account).

    Returns (published, skipped): an initiative without a recorded decision, or already past the
    council, is skipped. One transaction for the batch.
    """
    published, skipped = [], []
    with transaction.atomic():
        at = now or timeutils.now()
        for item in sorted(initiatives, key=lambda i: i.pk):
            initiative = (
                Initiative.objects.select_for_update(of=("self",)).select_related("unit", "campaign").get(pk=item.pk)
            )
            if not initiative.is_open or not initiative.decision:
                skipped.append(initiative)
                continue
            old = initiative.status
            initiative.status = initiative.decision
            initiative.decision_published_at = at
            if initiative.screened_at is None:  # the council has looked at it: it is no spam
                initiative.screened_at, initiative.screened_by = at, actor
            initiative.save(update_fields=["status", "decision_published_at", "screened_at", "screened_by"])
            log_action(
                actor=actor,
                action="initiative.publish",
                obj=initiative,
                changes={"status": [old, initiative.status]},
                reason=initiative.decision_reason,
            )
            published.append(initiative)
        by_campaign = {}
        for initiative in published:
            by_campaign.setdefault(initiative.campaign_id, []).append(initiative)
        for batch in by_campaign.values():
            feed_counts(actor, batch[0], at, units=[i.unit for i in batch])
    if notify:
        for initiative in published:
            _tell_decision(initiative)
    return published, skipped


def _tell_decision(initiative: Initiative) -> None:
    with translation.override("vi"):
        if initiative.status == Initiative.Status.FEASIBLE:
            subject = _("Your initiative %(code)s is assessed feasible") % {"code": initiative.code}
        else:
            subject = _("Your initiative %(code)s is assessed not feasible") % {"code": initiative.code}
        body = render_to_string("initiatives/email/decision.txt", {"i": initiative})
        tell_author(initiative, subject=subject, body=body)
