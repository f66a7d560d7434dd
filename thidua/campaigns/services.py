"""Writes to campaigns: load a definition, change status. One transaction each, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from thidua.campaigns import access
from thidua.campaigns import definition as defn
from thidua.campaigns.checks import Finding, check_definition
from thidua.campaigns.models import Activity, Assignment, Campaign, Goal, Indicator, Milestone, ValidationRule
from thidua.core import timeutils
from thidua.core.audit import log_action
from thidua.core.errors import Refused
from thidua.core.outbox import email_queue, notify_users, site_url
from thidua.units.models import Unit
from thidua.units.queries import officers_by_unit


@dataclass
class LoadResult:
    campaign: Campaign
    created: bool
    warnings: list[Finding] = field(default_factory=list)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _target_fields(target: dict | None) -> tuple[Decimal | None, str]:
    if not target:
        return None, ""
    return _decimal(target["value"]), target.get("unit") or ""


def campaign_load(*, actor, definition: dict, replace: bool = False, source: bytes | None = None) -> LoadResult:
    """Create a campaign from a definition, or replace one with the same slug when `replace`.

    All-or-nothing: raises DefinitionError (with every problem listed) and writes nothing if the
    definition is invalid, names an issuer or coordinator missing from the directory, or
    targets an existing slug without `replace`, or if `actor` may not create it (the one
    creation rule, thidua.campaigns.access; `actor=None` is the operator at the command line).
    Units named in assignments or scopes that are not in the directory are kept by code and
    reported as warnings.
    """
    defn.validate(definition)
    d = definition
    codes = {d["issuer"]["unit"]} | ({d["coordinator"]["unit"]} if (d.get("coordinator") or {}).get("unit") else set())
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    problems = [
        _("%(where)s: unit “%(code)s” is not in the directory.") % {"where": where, "code": code}
        for where, code in (
            ("issuer.unit", d["issuer"]["unit"]),
            ("coordinator.unit", (d.get("coordinator") or {}).get("unit")),
        )
        if code and code not in units
    ]
    existing = Campaign.objects.filter(slug=d["slug"]).first()
    if existing and not replace:
        problems.append(_("A campaign with the identifier “%(slug)s” already exists.") % {"slug": d["slug"]})
    if actor is not None and not problems:
        problems = access.campaign_creation_refusals(
            actor, d, issuer=units.get(d["issuer"]["unit"]), existing=existing if replace else None
        )
    if problems:
        raise defn.DefinitionError(problems)

    period, issuer, coordinator, signature = (
        d["period"],
        d["issuer"],
        d.get("coordinator") or {},
        d.get("signature") or {},
    )
    fields = {
        "status": d["status"],
        "title": d["title"],
        "theme": d.get("theme") or "",
        "context": d.get("context") or "",
        "issuer_unit": units[issuer["unit"]],
        "issuer_name": issuer.get("name") or "",
        "document_number": issuer.get("document_number") or "",
        "issue_place": issuer.get("place") or "",
        "issue_date": defn.parse_date(issuer.get("date")),
        "period_start_rule": Campaign.PeriodStart.ISSUE_DATE
        if period["start"] == "issue_date"
        else Campaign.PeriodStart.DATE,
        "period_start": None if period["start"] == "issue_date" else defn.parse_date(period["start"]),
        "period_end": defn.parse_date(period["end"]),
        "period_text": period.get("text") or "",
        "audience": d.get("audience") or "",
        "steering_committee": d.get("steering_committee") or "",
        "coordinator_unit": units.get(coordinator.get("unit")),
        "coordinator_duties": coordinator.get("duties") or "",
        "unit_duties": d.get("unit_duties") or "",
        "submission_email": d.get("submission_email") or "",
        "registration_deadline": defn.parse_instant(d["registration_deadline"])
        if d.get("registration_deadline")
        else None,
        "closing_text": d.get("closing_text") or "",
        "distribution": list(d.get("distribution") or []),
        "signature_on_behalf": signature.get("on_behalf") or "",
        "signature_position": signature.get("position") or "",
        "signature_name": signature.get("name") or "",
        "source_sha256": hashlib.sha256(source).hexdigest() if source else "",
    }
    with transaction.atomic():
        if existing:
            campaign = Campaign.objects.select_for_update().get(pk=existing.pk)
            for name, value in fields.items():
                setattr(campaign, name, value)
            campaign.save()
            related_sets = (
                campaign.validation_rules,
                campaign.indicators,
                campaign.milestones,
                campaign.activities,
                campaign.goals,
            )
            for related in related_sets:
                related.all().delete()
        else:
            campaign = Campaign.objects.create(slug=d["slug"], **fields)
        _create_children(campaign, d)
        log_action(
            actor=actor,
            action="campaign.replace" if existing else "campaign.load",
            obj=campaign,
            changes={
                "slug": [None, campaign.slug],
                "status": [None, campaign.status],
                "sha256": [None, fields["source_sha256"]],
            },
        )
    return LoadResult(campaign=campaign, created=existing is None, warnings=check_definition(definition))


def _create_children(campaign: Campaign, d: dict) -> None:
    goals = {}
    for order, g in enumerate(d["goals"], start=1):
        target = g.get("target") or {}
        goals[g["code"]] = Goal.objects.create(
            campaign=campaign,
            code=g["code"],
            order=order,
            text=g["text"],
            target_value=_decimal(target.get("value")),
            target_unit=target.get("unit") or "",
            target_subject=target.get("subject") or "",
        )
    activities = {}
    unit_ids = dict(
        Unit.objects.filter(
            code__in=[s["unit"] for a in d["activities"] for s in a["assignments"] if s.get("unit")]
        ).values_list("code", "pk")
    )
    for order, a in enumerate(d["activities"], start=1):
        target_value, target_unit = _target_fields(a.get("target"))
        activity = Activity.objects.create(
            campaign=campaign,
            code=a["code"],
            order=order,
            title=a["title"],
            description=a["description"],
            programme=a.get("programme") or "",
            url=a.get("url") or "",
            venue=a.get("venue") or "",
            start_date=defn.parse_date(a.get("date")),
            end_date=defn.parse_date(a.get("end_date")),
            date_is_tentative=bool(a.get("date_tentative")),
            weekday_text=a.get("weekday") or "",
            target_value=target_value,
            target_unit=target_unit,
            assignment_text=a.get("assignment_text") or "",
        )
        activities[a["code"]] = activity
        Assignment.objects.bulk_create(
            [
                Assignment(
                    activity=activity,
                    order=i,
                    role=s["role"],
                    name_in_plan=s["name"],
                    unit_code=s.get("unit") or "",
                    unit_id=unit_ids.get(s.get("unit")),
                    group=s.get("group") or "",
                )
                for i, s in enumerate(a["assignments"], start=1)
            ]
        )
    Indicator.objects.bulk_create(
        [
            Indicator(
                campaign=campaign,
                code=i["code"],
                order=order,
                name=i["name"],
                kind=i["kind"],
                direction=i.get("direction") or Indicator.Direction.HIGHER,
                goal=goals.get(i.get("goal")),
                activity=activities.get(i.get("activity")),
                target_value=_decimal(i.get("target")),
                unit_of_measure=i.get("unit_of_measure") or "",
                denominator=i.get("denominator") or "",
                scope_groups=list(i["reported_by"].get("groups", [])),
                scope_unit_codes=list(i["reported_by"].get("units", [])),
            )
            for order, i in enumerate(d["indicators"], start=1)
        ]
    )
    ValidationRule.objects.bulk_create(
        [
            ValidationRule(
                campaign=campaign,
                code=r["code"],
                order=order,
                name=r["name"],
                left=list(r["left"]),
                operator=r["operator"],
                right=list(r["right"]),
                importance=r.get("importance") or ValidationRule.Importance.REFUSE,
            )
            for order, r in enumerate(d.get("validation_rules") or [], start=1)
        ]
    )
    Milestone.objects.bulk_create(
        [
            Milestone(
                campaign=campaign,
                code=m["code"],
                order=order,
                kind=m["kind"],
                title=m["title"],
                deadline=defn.parse_instant(m["deadline"]),
                deadline_text=m.get("deadline_text") or "",
                weekday_text=m.get("weekday") or "",
                submit_to=m.get("submit_to") or "",
                reviewer_unit_code=m.get("reviewer") or "",
                scope_groups=list(m["expected"].get("groups", [])),
                scope_unit_codes=list(m["expected"].get("units", [])),
            )
            for order, m in enumerate(d["milestones"], start=1)
        ]
    )


_TRANSITIONS = {
    Campaign.Status.DRAFT: {Campaign.Status.PUBLISHED},
    Campaign.Status.PUBLISHED: {Campaign.Status.CLOSED, Campaign.Status.DRAFT},
    Campaign.Status.CLOSED: {Campaign.Status.PUBLISHED},
}


def campaign_set_status(*, actor, campaign: Campaign, status: str, reason: str = "", notify: bool = True) -> Campaign:
    """Publish, close, reopen or withdraw a campaign; refuses transitions that make no sense.
    Publishing, closing and reopening tell every unit the campaign expects documents or figures
    from (in the app, and by e-mail through the outbox, which the next run_jobs delivers)."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if status not in _TRANSITIONS.get(campaign.status, set()):
            raise Refused(
                _("A campaign that is “%(from)s” cannot become “%(to)s”.")
                % {"from": campaign.get_status_display(), "to": Campaign.Status(status).label}
            )
        old = campaign.status
        campaign.status = status
        campaign.save(update_fields=["status", "updated_at"])
        log_action(
            actor=actor, action="campaign.status", obj=campaign, changes={"status": [old, status]}, reason=reason
        )
        if notify and status != Campaign.Status.DRAFT:
            campaign_announce(campaign, old, status, reason)
        return campaign


def campaign_copy(
    *, actor, campaign: Campaign, slug: str, title: str, start: dt.date, keep_weekdays: bool = True
) -> LoadResult:
    """A new draft campaign from an existing one (next year's, say): every date moved so that the new
    period starts on `start` (by whole weeks when `keep_weekdays`, so "thứ Năm" stays a Thursday),
    goals, indicators, rules, activities, units and assignments kept; figures, documents and
    registrations not copied. Goes through campaign_load: the one creation rule, and the date and
    holiday warnings run again on the new dates."""
    source = defn.export_definition(campaign)
    shift = dt.timedelta(days=(start - defn.first_date(source)).days)
    if keep_weekdays:
        shift = dt.timedelta(weeks=round(shift.days / 7))
    copied = defn.shifted(source, shift)
    copied.update(slug=slug, title=title, status=Campaign.Status.DRAFT)
    copied["issuer"]["document_number"] = None  # the new plan gets its own number
    with transaction.atomic():
        result = campaign_load(actor=actor, definition=copied)
        log_action(
            actor=actor,
            action="campaign.copy",
            obj=result.campaign,
            changes={"copied_from": [None, campaign.slug], "shift_days": [None, shift.days]},
        )
    return result


def units_concerned(campaign: Campaign) -> list[Unit]:
    """Every unit the campaign expects a document or a figure from (the union of its scopes)."""
    ids: set[int] = set()
    for scoped in [*campaign.milestones.all(), *campaign.indicators.all()]:
        ids.update(scoped.scope_queryset(campaign).values_list("pk", flat=True))
    return list(Unit.objects.filter(pk__in=ids, closed_on__isnull=True).order_by("path"))


def campaign_announce(campaign: Campaign, old: str, status: str, reason: str = "") -> int:
    """Tell the units concerned that the campaign is published, closed or open again: one in-app
    notification per officer, one e-mail per unit queued in the caller's transaction."""
    name = campaign.theme or campaign.title
    with translation.override("vi"):
        if status == Campaign.Status.CLOSED:
            subject = _("The campaign “%(name)s” is closed") % {"name": name[:150]}
        elif old == Campaign.Status.CLOSED:
            subject = _("The campaign “%(name)s” is open again") % {"name": name[:150]}
        else:
            subject = _("New campaign: “%(name)s”") % {"name": name[:150]}
        path = reverse("campaigns:detail", args=[campaign.slug])
        body = render_to_string(
            "campaigns/email/status.txt",
            {"campaign": campaign, "status": status, "reason": reason, "url": site_url(path)},
        )
    units = units_concerned(campaign)
    officers = officers_by_unit(u.pk for u in units)
    notify_users([user for users in officers.values() for user in users], text=subject, url=path)
    stamp = timeutils.now().strftime("%Y%m%d%H%M%S")
    for unit in units:
        email_queue(
            to=[*unit.email_list, *(u.email for u in officers.get(unit.pk, []))],
            subject=subject,
            body=body,
            key=f"campaign-status:{campaign.pk}:{status}:{stamp}:{unit.pk}",
        )
    return len(units)
