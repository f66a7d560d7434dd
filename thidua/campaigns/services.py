"""Writes to campaigns: load a definition, change status. One transaction each, audited."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, ProtectedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from thidua.campaigns import access
from thidua.campaigns import changes as changes_mod
from thidua.campaigns import definition as defn
from thidua.campaigns.checks import Finding, check_definition
from thidua.campaigns.models import (
    Activity,
    Assignment,
    AwardType,
    Campaign,
    CampaignVersion,
    Cluster,
    Criterion,
    Goal,
    Indicator,
    Milestone,
    ValidationRule,
    kinds_of_groups,
)
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


def _top_units(d: dict) -> tuple[dict[str, Unit], list[str]]:
    """The issuer and the coordinator named by a definition, and a problem for each one missing."""
    coordinator = (d.get("coordinator") or {}).get("unit")
    codes = {d["issuer"]["unit"]} | ({coordinator} if coordinator else set())
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    problems = [
        _("%(where)s: unit “%(code)s” is not in the directory.") % {"where": where, "code": code}
        for where, code in (("issuer.unit", d["issuer"]["unit"]), ("coordinator.unit", coordinator))
        if code and code not in units
    ]
    return units, problems


def _campaign_fields(d: dict, units: dict[str, Unit]) -> dict:
    period, issuer = d["period"], d["issuer"]
    coordinator, signature = d.get("coordinator") or {}, d.get("signature") or {}
    from_issue_date = period["start"] == "issue_date"
    return {
        "title": d["title"],
        "theme": d.get("theme") or "",
        "context": d.get("context") or "",
        "issuer_unit": units[issuer["unit"]],
        "issuer_name": issuer.get("name") or "",
        "document_number": issuer.get("document_number") or "",
        "issue_place": issuer.get("place") or "",
        "issue_date": defn.parse_date(issuer.get("date")),
        "period_start_rule": Campaign.PeriodStart.ISSUE_DATE if from_issue_date else Campaign.PeriodStart.DATE,
        "period_start": None if from_issue_date else defn.parse_date(period["start"]),
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
    }


def campaign_load(*, actor, definition: dict, replace: bool = False, source: bytes | None = None) -> LoadResult:
    """Create a campaign from a definition, or, with `replace`, update the one with the same slug
    (through campaign_update: a new version, children kept by code, nothing that happened rewritten).

    All-or-nothing: raises DefinitionError (with every problem listed) and writes nothing if the
    definition is invalid, names an issuer or coordinator missing from the directory, or
    targets an existing slug without `replace`, or if `actor` may not create it (the one
    creation rule, thidua.campaigns.access; `actor=None` is the operator at the command line).
    Units named in assignments or scopes that are not in the directory are kept by code and
    reported as warnings.
    """
    defn.validate(definition)
    d = definition
    existing = Campaign.objects.filter(slug=d["slug"]).first()
    if existing and replace:
        result = campaign_update(
            actor=actor,
            campaign=existing,
            definition=d,
            reason=_("Loaded again from a definition file."),
            source=source,
        )
        return LoadResult(campaign=result.campaign, created=False, warnings=result.warnings)
    units, problems = _top_units(d)
    if existing:
        problems.append(_("A campaign with the identifier “%(slug)s” already exists.") % {"slug": d["slug"]})
    if actor is not None and not problems:
        problems = access.campaign_creation_refusals(actor, d, issuer=units.get(d["issuer"]["unit"]))
    if problems:
        raise defn.DefinitionError(problems)
    fields = _campaign_fields(d, units)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            slug=d["slug"],
            status=d["status"],
            source_sha256=hashlib.sha256(source).hexdigest() if source else "",
            **fields,
        )
        _sync_children(campaign, d)
        log_action(
            actor=actor,
            action="campaign.load",
            obj=campaign,
            changes={
                "slug": [None, campaign.slug],
                "status": [None, campaign.status],
                "sha256": [None, campaign.source_sha256],
            },
        )
        CampaignVersion.objects.create(
            campaign=campaign,
            number=1,
            actor=actor if getattr(actor, "pk", None) else None,
            reason=_("Created."),
            definition=defn.export_definition(campaign),
        )
    return LoadResult(campaign=campaign, created=True, warnings=check_definition(definition))


# --- children, kept by code ----------------------------------------------------------------------------


def _goal_fields(g: dict, order: int, refs: dict) -> dict:
    target = g.get("target") or {}
    return {
        "order": order,
        "text": g["text"],
        "target_value": _decimal(target.get("value")),
        "target_unit": target.get("unit") or "",
        "target_subject": target.get("subject") or "",
    }


def _activity_fields(a: dict, order: int, refs: dict) -> dict:
    target_value, target_unit = _target_fields(a.get("target"))
    return {
        "order": order,
        "title": a["title"],
        "description": a["description"],
        "programme": a.get("programme") or "",
        "url": a.get("url") or "",
        "venue": a.get("venue") or "",
        "start_date": defn.parse_date(a.get("date")),
        "end_date": defn.parse_date(a.get("end_date")),
        "date_is_tentative": bool(a.get("date_tentative")),
        "weekday_text": a.get("weekday") or "",
        "target_value": target_value,
        "target_unit": target_unit,
        "assignment_text": a.get("assignment_text") or "",
    }


def _indicator_fields(i: dict, order: int, refs: dict) -> dict:
    return {
        "order": order,
        "name": i["name"],
        "kind": i["kind"],
        "direction": i.get("direction") or Indicator.Direction.HIGHER,
        "goal": refs["goals"].get(i.get("goal")),
        "activity": refs["activities"].get(i.get("activity")),
        "target_value": _decimal(i.get("target")),
        "unit_of_measure": i.get("unit_of_measure") or "",
        "denominator": i.get("denominator") or "",
        "scope_groups": list(i["reported_by"].get("groups", [])),
        "scope_unit_codes": list(i["reported_by"].get("units", [])),
    }


def _rule_fields(r: dict, order: int, refs: dict) -> dict:
    return {
        "order": order,
        "name": r["name"],
        "left": list(r["left"]),
        "operator": r["operator"],
        "right": list(r["right"]),
        "importance": r.get("importance") or ValidationRule.Importance.REFUSE,
    }


def _milestone_fields(m: dict, order: int, refs: dict) -> dict:
    return {
        "order": order,
        "kind": m["kind"],
        "title": m["title"],
        "deadline": defn.parse_instant(m["deadline"]),
        "deadline_text": m.get("deadline_text") or "",
        "weekday_text": m.get("weekday") or "",
        "submit_to": m.get("submit_to") or "",
        "reviewer_unit_code": m.get("reviewer") or "",
        "scope_groups": list(m["expected"].get("groups", [])),
        "scope_unit_codes": list(m["expected"].get("units", [])),
    }


def _cluster_fields(k: dict, order: int, refs: dict) -> dict:
    return {
        "order": order,
        "name": k["name"],
        "kinds": list(k.get("kinds") or []),
        "unit_codes": list(k.get("units") or []),
    }


def _criterion_fields(k: dict, order: int, refs: dict) -> dict:
    return {
        "order": order,
        "name": k["name"],
        "max_points": _decimal(k["max_points"]),
        "source": k["source"],
        "indicator_code": k.get("indicator") or "",
        "target": _decimal(k.get("target")),
        "description": k.get("description") or "",
    }


def _award_type_fields(a: dict, order: int, refs: dict) -> dict:
    return {"order": order, "name": a["name"], "level": a["level"], "quota": a.get("quota")}


_SECTIONS = (  # in dependency order: indicators refer to goals and activities
    ("goals", Goal, _goal_fields),
    ("activities", Activity, _activity_fields),
    ("indicators", Indicator, _indicator_fields),
    ("validation_rules", ValidationRule, _rule_fields),
    ("milestones", Milestone, _milestone_fields),
    ("clusters", Cluster, _cluster_fields),
    ("criteria", Criterion, _criterion_fields),
    ("award_types", AwardType, _award_type_fields),
)


def _sync_section(campaign: Campaign, model, items: list[dict], fields_of, refs: dict) -> tuple[dict, list]:
    """Create, update in place or set aside each item of one section, matched by code."""
    existing = {obj.code: obj for obj in model.objects.filter(campaign=campaign)}
    kept = {}
    for order, item in enumerate(items, start=1):
        values = fields_of(item, order, refs)
        obj = existing.pop(item["code"], None)
        if obj is None:
            obj = model.objects.create(campaign=campaign, code=item["code"], **values)
        else:
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            for name in changed:
                setattr(obj, name, values[name])
            if changed:
                obj.save(update_fields=changed)
        kept[item["code"]] = obj
    return kept, list(existing.values())


def _sync_assignments(activity: Activity, assignments: list[dict], unit_ids: dict[str, int]) -> None:
    wanted = [
        (s["role"], s["name"], s.get("unit") or "", unit_ids.get(s.get("unit")), s.get("group") or "")
        for s in assignments
    ]
    have = [(s.role, s.name_in_plan, s.unit_code, s.unit_id, s.group) for s in activity.assignments.all()]
    if wanted == have:
        return
    activity.assignments.all().delete()
    Assignment.objects.bulk_create(
        [
            Assignment(
                activity=activity, order=i, role=role, name_in_plan=name, unit_code=code, unit_id=uid, group=group
            )
            for i, (role, name, code, uid, group) in enumerate(wanted, start=1)
        ]
    )


def _removal_refused(obj) -> str:
    labels = {
        Goal: _("goal"),
        Activity: _("activity"),
        Indicator: _("indicator"),
        ValidationRule: _("validation rule"),
        Milestone: _("milestone"),
        Cluster: _("emulation cluster"),
        Criterion: _("criterion"),
        AwardType: _("award type"),
    }
    return _(
        "The %(what)s “%(code)s” cannot be removed: units have already sent documents, figures or "
        "activities for it. Keep it (you may rename it or move its deadline)."
    ) % {"what": labels[type(obj)], "code": obj.code}


def _sync_children(campaign: Campaign, d: dict) -> None:
    """Make the campaign's goals, activities, indicators, rules and milestones those of `d`: items
    are matched by code and updated in place, so what units sent, entered or logged stays attached.
    An item removed from `d` is deleted only if nothing refers to it; otherwise DefinitionError."""
    refs: dict[str, dict] = {}
    leftovers = []
    for section, model, fields_of in _SECTIONS:
        refs[section], removed = _sync_section(campaign, model, d.get(section) or [], fields_of, refs)
        leftovers.extend(removed)
    codes = [s["unit"] for a in d["activities"] for s in a["assignments"] if s.get("unit")]
    unit_ids = dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))
    for a in d["activities"]:
        _sync_assignments(refs["activities"][a["code"]], a["assignments"], unit_ids)
    problems = []
    for obj in reversed(leftovers):  # milestones and indicators before the goals they point to
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError:
            problems.append(_removal_refused(obj))
    if problems:
        raise defn.DefinitionError(problems)


# --- changing a campaign ---------------------------------------------------------------------------------


@dataclass
class UpdateResult:
    campaign: Campaign
    version: CampaignVersion | None  # None when nothing changed
    changes: list[changes_mod.Change] = field(default_factory=list)
    notified: int = 0
    warnings: list[Finding] = field(default_factory=list)


def campaign_update(
    *,
    actor,
    campaign: Campaign,
    definition: dict,
    reason: str = "",
    source: bytes | None = None,
    base_version: int | None = None,
) -> UpdateResult:
    """Change a campaign (draft, imported or published) to `definition`: the campaign editor, a
    definition file loaded again, the API. The slug and the status stay (status has its own steps).

    Goes through the one creation rule (the actor coordinates the campaign and the issuer, and
    names no unit outside the issuer's subtree). Children are kept by code and updated in place
    (see _sync_children). `base_version`, the version the editor's page showed, refuses to
    overwrite someone else's change made in between. Records a CampaignVersion with the diff and the reason (required once the
    campaign is published). Never rewrites what happened: receipts keep the deadline they were
    given (submissions.queries judges a report by it), figures and registrations stay attached.
    On a published campaign, tells exactly the units affected, once each: those that still owe a
    document whose deadline moved or that is new to them, those newly assigned to an activity,
    and those that must now report an indicator.
    """
    d = copy.deepcopy(definition)
    d["slug"], d["status"] = campaign.slug, campaign.status
    defn.validate(d)
    units, problems = _top_units(d)
    if actor is not None and not problems:
        problems = access.campaign_edit_refusals(actor, campaign, d, issuer=units.get(d["issuer"]["unit"]))
    if problems:
        raise defn.DefinitionError(problems)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        latest = campaign.versions.aggregate(n=Max("number"))["n"] or 0
        if base_version is not None and base_version != latest:
            raise defn.DefinitionError(
                [
                    _(
                        "Someone saved a change to this campaign meanwhile (version %(n)s): reload the page and redo yours."
                    )
                    % {"n": latest}
                ]
            )
        before, before_scopes = defn.export_definition(campaign), _scopes(campaign)
        for name, value in _campaign_fields(d, units).items():
            setattr(campaign, name, value)
        if source:
            campaign.source_sha256 = hashlib.sha256(source).hexdigest()
        campaign.save()
        _sync_children(campaign, d)
        after = defn.export_definition(campaign)
        found = changes_mod.diff(before, after)
        if found and campaign.status != Campaign.Status.DRAFT and not reason.strip():
            raise defn.DefinitionError([_("Say why the campaign changes: the units concerned are told.")])
        version = _record_version(actor, campaign, before, after, found, reason) if found else None
        if version is None:  # nothing changed: leave no trace
            transaction.set_rollback(True)
        elif campaign.status != Campaign.Status.DRAFT:
            version.notified_units = _tell_affected(campaign, version, _affected(campaign, before, before_scopes))
            version.save(update_fields=["notified_units"])
    if version is None:
        campaign.refresh_from_db()
        return UpdateResult(campaign=campaign, version=None, warnings=check_definition(after))
    return UpdateResult(
        campaign=campaign,
        version=version,
        changes=found,
        notified=version.notified_units,
        warnings=check_definition(after),
    )


def _record_version(actor, campaign, before: dict, after: dict, found: list, reason: str) -> CampaignVersion:
    last = campaign.versions.order_by("-number").first()
    if last is None:  # a campaign from before versions were kept: its state before this change is version 1
        last = CampaignVersion.objects.create(
            campaign=campaign, number=1, reason=_("State before the first recorded change."), definition=before
        )
    version = CampaignVersion.objects.create(
        campaign=campaign,
        number=last.number + 1,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason.strip(),
        definition=after,
        changes=[c.as_dict() for c in found],
    )
    log_action(
        actor=actor,
        action="campaign.update",
        obj=campaign,
        changes={"version": [last.number, version.number], "changes": [None, len(found)]},
        reason=reason,
    )
    return version


def _scopes(campaign: Campaign) -> dict[tuple[str, str], set[int]]:
    """The units each milestone and indicator concerns, by (section, code)."""
    return {
        (section, obj.code): set(obj.scope_queryset(campaign).values_list("pk", flat=True))
        for section, manager in (("milestones", campaign.milestones), ("indicators", campaign.indicators))
        for obj in manager.all()
    }


def _assigned(campaign: Campaign, assignments: list[dict]) -> dict[tuple[str, str], set[int]]:
    """(role, unit or group) → the units it names within the issuer's subtree (a group: its units)."""
    named = {}
    for s in assignments:
        within = Unit.objects.subtree(campaign.issuer_unit)
        if s.get("unit"):
            ids = set(within.filter(code=s["unit"]).values_list("pk", flat=True))
        else:
            ids = set(within.filter(kind__in=kinds_of_groups([s["group"]])).values_list("pk", flat=True))
        named[(s["role"], s.get("unit") or s.get("group"))] = ids
    return named


def _affected(campaign: Campaign, before: dict, before_scopes: dict) -> dict[int, list[str]]:
    """What each unit must be told about a change, as lines of text, by unit id."""
    lines: dict[int, list[str]] = defaultdict(list)
    old = {(section, item["code"]): item for section in ("milestones", "activities") for item in before[section]}
    for m in campaign.milestones.all():
        scope = set(m.scope_queryset(campaign).values_list("pk", flat=True))
        owing = scope - set(m.submissions.values_list("unit_id", flat=True))
        owing -= set(m.exceptions.filter(kind="exemption").values_list("unit_id", flat=True))
        previous = old.get(("milestones", m.code))
        newly = owing - before_scopes.get(("milestones", m.code), set())
        for unit_id in newly:
            lines[unit_id].append(
                _("A new document to send: “%(title)s”, before %(deadline)s.")
                % {"title": m.title, "deadline": timeutils.format_vn(m.deadline)}
            )
        if previous and defn.parse_instant(previous["deadline"]) != m.deadline:
            for unit_id in owing - newly:
                lines[unit_id].append(
                    _("The deadline for “%(title)s” moved from %(old)s to %(new)s.")
                    % {
                        "title": m.title,
                        "old": timeutils.format_vn(defn.parse_instant(previous["deadline"])),
                        "new": timeutils.format_vn(m.deadline),
                    }
                )
    for i in campaign.indicators.all():
        scope = set(i.scope_queryset(campaign).values_list("pk", flat=True))
        for unit_id in scope - before_scopes.get(("indicators", i.code), set()):
            lines[unit_id].append(_("A new figure to report: “%(name)s”.") % {"name": i.name})
    roles = dict(Assignment.Role.choices)
    for a in campaign.activities.prefetch_related("assignments"):
        now = _by_role(_assigned(campaign, defn.assignments_of(a)))
        was = _by_role(_assigned(campaign, (old.get(("activities", a.code)) or {}).get("assignments") or []))
        for role, ids in now.items():
            for unit_id in ids - was.get(role, set()):
                lines[unit_id].append(
                    _("Your unit is assigned to “%(activity)s” (%(role)s).")
                    % {"activity": a.title, "role": str(roles[role]).lower()}
                )
    return lines


def _by_role(named: dict[tuple[str, str], set[int]]) -> dict[str, set[int]]:
    """Units assigned in each role, whether named one by one or through a group."""
    roles: dict[str, set[int]] = defaultdict(set)
    for (role, _name), ids in named.items():
        roles[role] |= ids
    return roles


def _tell_affected(campaign: Campaign, version: CampaignVersion, lines: dict[int, list[str]]) -> int:
    """One in-app notification per officer and one e-mail per unit, each listing what changed for it."""
    units = list(Unit.objects.filter(pk__in=lines, closed_on__isnull=True).order_by("path"))
    officers = officers_by_unit(u.pk for u in units)
    path = reverse("campaigns:detail", args=[campaign.slug])
    name = (campaign.theme or campaign.title)[:150]
    with translation.override("vi"):
        subject = _("Changes to the campaign “%(name)s”") % {"name": name}
        for unit in units:
            notify_users(officers.get(unit.pk, []), text=f"{subject}: {' '.join(lines[unit.pk])}", url=path)
            body = render_to_string(
                "campaigns/email/changes.txt",
                {
                    "campaign": campaign,
                    "unit": unit,
                    "lines": lines[unit.pk],
                    "reason": version.reason,
                    "url": site_url(path),
                },
            )
            email_queue(
                to=[*unit.email_list, *(u.email for u in officers.get(unit.pk, []))],
                subject=subject,
                body=body,
                key=f"campaign-change:{version.pk}:{unit.pk}",
            )
    return len(units)


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
    """Every unit the campaign expects a document or a figure from (the union of its scopes), and
    every unit assigned to lead or co-lead one of its activities."""
    ids: set[int] = set()
    for scoped in [*campaign.milestones.all(), *campaign.indicators.all()]:
        ids.update(scoped.scope_queryset(campaign).values_list("pk", flat=True))
    for activity in campaign.activities.prefetch_related("assignments"):
        for named in _assigned(campaign, defn.assignments_of(activity)).values():
            ids.update(named)
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
