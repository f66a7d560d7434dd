"""Writes of the library of effective models: a unit writes a model (with its photos and
documents) and sends it; the campaign's coordinators publish it (featured or not), return it with
a reason, feature it, or take it down.

Each write is one transaction with its audit entry; files are stored before the rows that point to
them (thidua.core.files). Who may call which is decided in thidua.practices.access, by the views.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from thidua.campaigns.models import Activity, Campaign
from thidua.campaigns.queries import campaign_coordinators
from thidua.core import files, timeutils
from thidua.core.audit import log_action
from thidua.core.errors import Refused
from thidua.core.outbox import notify_users
from thidua.core.text import fold
from thidua.practices.models import Field, Practice, PracticeFile
from thidua.units.models import Unit

LIMITS = {"title": 300, "description": 10000, "results": 5000, "contact_name": 200, "contact_phone": 20}
REQUIRED = ("title", "description", "results")
REASON_LIMIT = 2000


@dataclass(frozen=True, kw_only=True)
class PracticeContent:
    """What the unit fills in: the model's text, its field, the activity it serves, whom to call."""

    title: str
    field: str
    description: str
    results: str
    activity: Activity | None = None
    contact_name: str = ""
    contact_phone: str = ""


def _labels() -> dict:
    return {
        "title": _("Name of the model"),
        "description": _("How it works"),
        "results": _("Results"),
        "contact_name": _("Contact person"),
        "contact_phone": _("Contact phone"),
    }


def _checked_text(content: PracticeContent) -> dict:
    """The texts trimmed (the title on one line); Refused when one is missing or too long."""
    labels = _labels()
    clean = {}
    for name, limit in LIMITS.items():
        value = (getattr(content, name) or "").strip()
        if name in ("title", "contact_name", "contact_phone"):
            value = " ".join(value.split())
        if len(value) > limit:
            raise Refused(
                _("“%(field)s” is too long (at most %(n)s characters).") % {"field": labels[name], "n": limit},
                field=name,
            )
        if not value and name in REQUIRED:
            raise Refused(_("“%(field)s” is required.") % {"field": labels[name]}, field=name)
        clean[name] = value
    if content.field not in Field.values:
        raise Refused(_("Choose the field of the model."), field="field")
    clean["field"] = content.field
    return clean


def _check_place(campaign: Campaign, unit: Unit, activity: Activity | None) -> None:
    if campaign.issuer_unit is None or not campaign.issuer_unit.contains(unit):
        raise Refused(_("%(unit)s does not take part in this campaign.") % {"unit": unit.name}, field="campaign")
    if activity is not None and activity.campaign_id != campaign.pk:
        raise Refused(_("Choose an activity of the model's campaign."), field="activity")


def _search_text(p: Practice) -> str:
    return fold(" ".join([p.title, p.description, p.results, p.unit.name]))


def _locked(practice: Practice) -> Practice:
    return (
        Practice.objects.select_for_update(of=("self",))
        .select_related("campaign__issuer_unit", "unit", "activity")
        .get(pk=practice.pk)
    )


def practice_save(
    *,
    actor,
    content: PracticeContent,
    practice: Practice | None = None,
    campaign: Campaign | None = None,
    unit: Unit | None = None,
    uploads: list[tuple[str, bytes]] = (),
    now: dt.datetime | None = None,
) -> Practice:
    """Create a draft model for `unit` in `campaign`, or rewrite `practice` (a draft or a returned
    one: its campaign and unit stay), adding `uploads` (checked like unit documents, at most
    SUBMISSION_MAX_FILES in all). On any refusal nothing is stored."""
    if practice is None and (campaign is None or unit is None):
        raise Refused(_("Choose the campaign and the unit of the model."), field="campaign")
    text = _checked_text(content)
    if practice is None and campaign.status != Campaign.Status.PUBLISHED:
        # A new model needs a running campaign; one returned after the campaign closed is still rewritten.
        raise Refused(_("Models are written for a published campaign."), field="campaign")
    _check_place(practice.campaign if practice else campaign, practice.unit if practice else unit, content.activity)
    checked = files.check_uploads(uploads)
    with files.stored_first(checked), transaction.atomic():
        at = now or timeutils.now()
        if practice is None:
            practice = Practice(campaign=campaign, unit=unit, created_by=actor, created_at=at)
            before = {}
        else:
            practice = _locked(practice)
            if not practice.is_editable:
                raise Refused(_("Only a draft or a returned model can be changed."))
            before = {name: getattr(practice, name) for name in text} | {"activity": practice.activity_id}
        start = practice.files.count() if practice.pk else 0
        if start + len(checked) > settings.SUBMISSION_MAX_FILES:
            raise Refused(
                _("At most %(n)s files in all for a model.") % {"n": settings.SUBMISSION_MAX_FILES}, field=files.FIELD
            )
        for name, value in text.items():
            setattr(practice, name, value)
        practice.activity = content.activity
        practice.updated_at = at
        practice.search_text = _search_text(practice)
        practice.save()
        for n, item in enumerate(checked):
            PracticeFile.objects.create(
                practice=practice, stored=files.stored_file(item), name=item.name, order=start + n
            )
        after = {name: getattr(practice, name) for name in text} | {"activity": practice.activity_id}
        changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
        if checked:
            changes["files"] = [None, [f"{i.name} sha256:{i.sha256}" for i in checked]]
        log_action(actor=actor, action="practice.edit" if before else "practice.create", obj=practice, changes=changes)
    return practice


def _detail_url(practice: Practice) -> str:
    return reverse("practices:detail", args=[practice.pk])


def practice_submit(*, actor, practice: Practice, now: dt.datetime | None = None, notify: bool = True) -> Practice:
    """The unit sends its model (a draft, or a returned one rewritten) to the campaign's
    coordinators, who are told in the application."""
    with transaction.atomic():
        practice = _locked(practice)
        if not practice.is_editable:
            raise Refused(_("Only a draft or a returned model can be sent."))
        before = practice.status
        practice.status = Practice.Status.SUBMITTED
        practice.submitted_at = practice.updated_at = now or timeutils.now()
        practice.save(update_fields=["status", "submitted_at", "updated_at"])
        log_action(actor=actor, action="practice.submit", obj=practice, changes={"status": [before, practice.status]})
        if notify:
            notify_users(
                campaign_coordinators(practice.campaign),
                text=_("%(unit)s sent an effective model to publish: %(title)s")
                % {"unit": practice.unit.name, "title": practice.title},
                url=_detail_url(practice),
            )
    return practice


def _tell_unit(practice: Practice, text: str) -> None:
    """The one who wrote the model learns what the coordinator decided."""
    if practice.created_by_id is not None:
        notify_users([practice.created_by], text=text, url=_detail_url(practice))


def practice_publish(
    *, actor, practice: Practice, featured: bool = False, now: dt.datetime | None = None, notify: bool = True
) -> Practice:
    """A coordinator publishes a sent model in the public library, featured or not."""
    with transaction.atomic():
        practice = _locked(practice)
        if practice.status != Practice.Status.SUBMITTED:
            raise Refused(_("Only a model sent by its unit can be published."))
        practice.status = Practice.Status.PUBLISHED
        practice.featured = bool(featured)
        practice.published_at = practice.updated_at = now or timeutils.now()
        practice.published_by = actor if getattr(actor, "pk", None) else None
        practice.return_reason = ""
        practice.save(
            update_fields=["status", "featured", "published_at", "published_by", "return_reason", "updated_at"]
        )
        log_action(
            actor=actor,
            action="practice.publish",
            obj=practice,
            changes={"status": [Practice.Status.SUBMITTED, practice.status], "featured": [False, practice.featured]},
        )
        if notify:
            _tell_unit(practice, _("Your model is published in the library: %(title)s") % {"title": practice.title})
    return practice


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason: the unit reads it to correct its model."), field="reason")
    if len(reason) > REASON_LIMIT:
        raise Refused(_("The reason is at most %(n)s characters.") % {"n": REASON_LIMIT}, field="reason")
    return reason


def _send_back(actor, practice: Practice, *, reason: str, action: str, expected: str, refusal: str, now, notify):
    reason = _reason(reason)
    with transaction.atomic():
        practice = _locked(practice)
        if practice.status != expected:
            raise Refused(refusal)
        before = {"status": practice.status, "featured": practice.featured}
        practice.status = Practice.Status.RETURNED
        practice.featured = False
        practice.published_at = practice.published_by = None
        practice.return_reason = reason
        practice.updated_at = now or timeutils.now()
        practice.save(
            update_fields=["status", "featured", "published_at", "published_by", "return_reason", "updated_at"]
        )
        after = {"status": practice.status, "featured": practice.featured}
        log_action(
            actor=actor,
            action=action,
            obj=practice,
            changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
            reason=reason,
        )
        if notify:
            _tell_unit(practice, _("Your model is returned to you: %(title)s") % {"title": practice.title})
    return practice


def practice_return(
    *, actor, practice: Practice, reason: str, now: dt.datetime | None = None, notify: bool = True
) -> Practice:
    """A coordinator returns a sent model to its unit, saying why; the unit rewrites and resends it."""
    return _send_back(
        actor,
        practice,
        reason=reason,
        action="practice.return",
        expected=Practice.Status.SUBMITTED,
        refusal=_("Only a model awaiting the coordinator can be returned."),
        now=now,
        notify=notify,
    )


def practice_unpublish(
    *, actor, practice: Practice, reason: str, now: dt.datetime | None = None, notify: bool = True
) -> Practice:
    """A coordinator takes a published model out of the library: it goes back to its unit,
    returned with the reason."""
    return _send_back(
        actor,
        practice,
        reason=reason,
        action="practice.unpublish",
        expected=Practice.Status.PUBLISHED,
        refusal=_("Only a published model can be taken down."),
        now=now,
        notify=notify,
    )


def practice_feature(*, actor, practice: Practice, featured: bool, now: dt.datetime | None = None) -> Practice:
    """A coordinator puts a published model at the top of the library (or takes it off the top).
    Asking for what already is changes nothing."""
    with transaction.atomic():
        practice = _locked(practice)
        if practice.status != Practice.Status.PUBLISHED:
            raise Refused(_("Only a published model can be featured."))
        if practice.featured == bool(featured):
            return practice
        practice.featured = bool(featured)
        practice.updated_at = now or timeutils.now()
        practice.save(update_fields=["featured", "updated_at"])
        log_action(
            actor=actor, action="practice.feature", obj=practice, changes={"featured": [not featured, bool(featured)]}
        )
    return practice
