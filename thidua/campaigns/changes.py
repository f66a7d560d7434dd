"""What changed between two versions of a campaign definition, field by field, in words a
coordinator reads: "Mốc SK · Hạn nộp: 11:00 31/05/2023 → 11:00 07/06/2023".

Pure functions over definition dicts (definition.export_definition's shape); the versions are
kept in CampaignVersion and shown on the campaign's history page."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.campaigns import definition as defn
from thidua.core.timeutils import local

SECTIONS = defn.SECTIONS
_IGNORED = {"format", "status", "slug"}

SECTION_LABELS = {
    "campaign": gettext_lazy("Campaign"),
    "goals": gettext_lazy("Goal"),
    "activities": gettext_lazy("Activity"),
    "indicators": gettext_lazy("Indicator"),
    "milestones": gettext_lazy("Milestone"),
    "validation_rules": gettext_lazy("Validation rule"),
    "clusters": gettext_lazy("Emulation cluster"),
    "criteria": gettext_lazy("Criterion"),
    "award_types": gettext_lazy("Award type"),
}

FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "theme": gettext_lazy("Theme"),
    "context": gettext_lazy("Context"),
    "issuer.unit": gettext_lazy("Issuing unit"),
    "issuer.name": gettext_lazy("Issuing body"),
    "issuer.document_number": gettext_lazy("Document number"),
    "issuer.place": gettext_lazy("Place of issue"),
    "issuer.date": gettext_lazy("Issue date"),
    "period.start": gettext_lazy("Period start"),
    "period.end": gettext_lazy("Period end"),
    "period.text": gettext_lazy("Period as written"),
    "audience": gettext_lazy("Audience"),
    "steering_committee": gettext_lazy("Steering committee"),
    "coordinator.unit": gettext_lazy("Coordinating unit"),
    "coordinator.duties": gettext_lazy("Coordinator's duties"),
    "unit_duties": gettext_lazy("Units' duties"),
    "submission_email": gettext_lazy("Submission e-mail"),
    "registration_deadline": gettext_lazy("Registration deadline"),
    "closing_text": gettext_lazy("Closing paragraph"),
    "distribution": gettext_lazy("Distribution list"),
    "signature.on_behalf": gettext_lazy("On behalf of"),
    "signature.position": gettext_lazy("Signer's position"),
    "signature.name": gettext_lazy("Signer"),
    "text": gettext_lazy("Text"),
    "target": gettext_lazy("Target"),
    "target.value": gettext_lazy("Target"),
    "target.unit": gettext_lazy("Target unit"),
    "target.subject": gettext_lazy("Counted over"),
    "description": gettext_lazy("Description"),
    "programme": gettext_lazy("Programme name"),
    "url": gettext_lazy("Web address"),
    "venue": gettext_lazy("Venue"),
    "date": gettext_lazy("Date"),
    "end_date": gettext_lazy("End date"),
    "date_tentative": gettext_lazy("Tentative date"),
    "weekday": gettext_lazy("Weekday as written"),
    "assignment_text": gettext_lazy("Assignment as written"),
    "assignments": gettext_lazy("Lead and co-lead units"),
    "name": gettext_lazy("Name"),
    "kind": gettext_lazy("Kind"),
    "direction": gettext_lazy("Direction"),
    "goal": gettext_lazy("Goal"),
    "activity": gettext_lazy("Activity"),
    "unit_of_measure": gettext_lazy("Unit of measure"),
    "denominator": gettext_lazy("Denominator"),
    "reported_by.groups": gettext_lazy("Reported by (groups)"),
    "reported_by.units": gettext_lazy("Reported by (units)"),
    "deadline": gettext_lazy("Deadline"),
    "deadline_text": gettext_lazy("Deadline as written"),
    "submit_to": gettext_lazy("Send to"),
    "reviewer": gettext_lazy("Reviewing unit"),
    "expected.groups": gettext_lazy("Expected from (groups)"),
    "expected.units": gettext_lazy("Expected from (units)"),
    "left": gettext_lazy("Left side"),
    "operator": gettext_lazy("Operator"),
    "right": gettext_lazy("Right side"),
    "importance": gettext_lazy("Importance"),
    "kinds": gettext_lazy("Unit kinds"),
    "units": gettext_lazy("Units"),
    "max_points": gettext_lazy("Maximum points"),
    "source": gettext_lazy("Computed from"),
    "indicator": gettext_lazy("Indicator"),
    "level": gettext_lazy("For"),
    "quota": gettext_lazy("Quota per cluster"),
}


@dataclass(frozen=True)
class Change:
    section: str  # "campaign" or one of SECTIONS
    code: str  # the item's code ("" for the campaign's own fields)
    field: str  # dotted path inside the item ("" when the whole item is added or removed)
    kind: str  # "added", "removed" or "changed"
    old: Any = None
    new: Any = None

    def as_dict(self) -> dict:
        return asdict(self)


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else key))
        return flat
    return {prefix: value}


def _item_label(item: dict) -> str:
    return item.get("title") or item.get("name") or item.get("text") or item["code"]


def diff(old: dict, new: dict) -> list[Change]:
    """Every difference between two definitions: the campaign's own fields, then each section's
    items matched by code (added, removed, or changed field by field)."""
    changes = []
    old_flat = _flatten({k: v for k, v in old.items() if k not in SECTIONS and k not in _IGNORED})
    new_flat = _flatten({k: v for k, v in new.items() if k not in SECTIONS and k not in _IGNORED})
    for key in dict.fromkeys([*old_flat, *new_flat]):
        if old_flat.get(key) != new_flat.get(key):
            changes.append(Change("campaign", "", key, "changed", old_flat.get(key), new_flat.get(key)))
    for section in SECTIONS:
        before = {item["code"]: item for item in old.get(section) or []}
        after = {item["code"]: item for item in new.get(section) or []}
        for code, item in after.items():
            if code not in before:
                changes.append(Change(section, code, "", "added", None, _item_label(item)))
                continue
            a = _flatten({k: v for k, v in before[code].items() if k != "code"})
            b = _flatten({k: v for k, v in item.items() if k != "code"})
            for key in dict.fromkeys([*a, *b]):
                if a.get(key) != b.get(key):
                    changes.append(Change(section, code, key, "changed", a.get(key), b.get(key)))
        for code, item in before.items():
            if code not in after:
                changes.append(Change(section, code, "", "removed", _item_label(item), None))
    return changes


# --- showing a change --------------------------------------------------------------------------------


def _show_assignments(value: list) -> str:
    roles = {"lead": _("Lead"), "co_lead": _("Co-lead")}
    return "; ".join(f"{roles.get(s.get('role'), s.get('role'))}: {s.get('name') or s.get('unit')}" for s in value)


def show(field: str, value: Any) -> str:
    """A value as a Vietnamese reader expects it: dd/mm/yyyy dates, "11:00 dd/mm/yyyy" deadlines."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field in ("assignments",) and isinstance(value, list):
        return _show_assignments(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and field.split(".")[-1] in ("deadline", "registration_deadline"):
        return local(defn.parse_instant(value)).strftime("%H:%M %d/%m/%Y")
    if isinstance(value, str) and field.split(".")[-1] in ("date", "end_date", "start", "end") and value[:4].isdigit():
        return defn.parse_date(value).strftime("%d/%m/%Y")
    return str(value)


def describe(change: dict) -> dict:
    """A stored change (Change.as_dict) with its labels and values ready for a template."""
    section = str(SECTION_LABELS.get(change["section"], change["section"]))
    where = section if change["section"] == "campaign" else f"{section} {change['code']}"
    return {
        "where": where,
        "kind": change["kind"],
        "field": str(FIELD_LABELS.get(change["field"], change["field"])) if change["field"] else "",
        "old": show(change["field"], change["old"]),
        "new": show(change["field"], change["new"]),
    }
