"""Import a plan document as a draft, let the coordinator correct it, publish it as a campaign."""

from __future__ import annotations

import dataclasses
import hashlib

from django.db import transaction
from django.utils.translation import gettext as _

from thidua.campaigns import definition as defn
from thidua.campaigns.checks import Finding, check_definition
from thidua.campaigns.services import campaign_announce, campaign_load
from thidua.core.audit import log_action
from thidua.planimport.models import PlanDraft
from thidua.planimport.parser import import_text
from thidua.planimport.readers import read_document
from thidua.units.models import Unit


def _plain(findings) -> list[dict]:
    return [dataclasses.asdict(f) for f in findings]


def draft_create(*, actor, unit: Unit, filename: str, data: bytes) -> PlanDraft:
    """Read the file and extract its definition (Refused if it has no readable text)."""
    text = read_document(data, filename)
    result = import_text(text, issuer_code=unit.code)
    result.warnings.extend(_keep_within(result.definition, unit))
    with transaction.atomic():
        draft = PlanDraft.objects.create(
            unit=unit,
            created_by=actor,
            filename=filename[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            text=result.text,
            definition=result.definition,
            spans={path: [span.start, span.end] for path, span in result.spans.items()},
            warnings=_plain(result.warnings),
            suggestions={path: [list(s) for s in items] for path, items in result.suggestions.items()},
            confidence=result.confidence,
        )
        log_action(
            actor=actor,
            action="plan.import",
            obj=draft,
            changes={"file": [None, filename], "sha256": [None, draft.sha256]},
        )
    return draft


def _keep_within(definition: dict, unit: Unit) -> list[Finding]:
    """A neighbour's plan names its own coordinating and reviewing units: those outside the
    importing unit's subtree cannot have a role in its campaign (the creation rule). The
    coordinator becomes the importing unit, a reviewer is dropped, each with a warning."""
    coordinator = definition.get("coordinator") or {}
    named = {coordinator.get("unit")} | {m.get("reviewer") for m in definition.get("milestones") or []}
    outside = {
        u.code: u.name
        for u in Unit.objects.filter(code__in=[c for c in named if c]).exclude(path__startswith=unit.path)
    }
    findings = []
    if coordinator.get("unit") in outside:
        findings.append(
            Finding(
                "coordinator_outside",
                "coordinator.unit",
                _("The plan's coordinator “%(name)s” is outside %(unit)s; %(unit)s coordinates instead.")
                % {"name": outside[coordinator["unit"]], "unit": unit.name},
            )
        )
        coordinator["unit"] = unit.code
    for i, milestone in enumerate(definition.get("milestones") or []):
        if milestone.get("reviewer") in outside:
            findings.append(
                Finding(
                    "reviewer_outside",
                    f"milestones[{i}].reviewer",
                    _("The reviewing unit “%(name)s” is outside %(unit)s and was removed.")
                    % {"name": outside[milestone["reviewer"]], "unit": unit.name},
                )
            )
            milestone["reviewer"] = None
    return findings


def draft_update(*, actor, draft: PlanDraft, text: str) -> PlanDraft:
    """Replace the draft's definition with the coordinator's corrected YAML (DefinitionError if invalid)."""
    definition = defn.parse_text(text)
    defn.validate(definition)
    with transaction.atomic():
        draft.definition = definition
        draft.warnings = _plain(check_definition(definition))
        draft.save(update_fields=["definition", "warnings", "updated_at"])
        log_action(actor=actor, action="plan.correct", obj=draft, changes={"slug": [None, definition.get("slug")]})
    return draft


def draft_set_unit(*, actor, draft: PlanDraft, path: str, code: str) -> PlanDraft:
    """Fix one assignment's unit from the offered matches ("activities[2].assignments[3]")."""
    activity_part, assignment_part = path.split(".")
    a = int(activity_part.split("[")[1].rstrip("]")) - 1
    s = int(assignment_part.split("[")[1].rstrip("]")) - 1
    definition = draft.definition
    assignment = definition["activities"][a]["assignments"][s]
    old = assignment.get("unit")
    assignment["unit"], assignment["group"] = code, None
    defn.validate(definition)
    with transaction.atomic():
        draft.definition = definition
        draft.warnings = _plain(check_definition(definition))
        draft.save(update_fields=["definition", "warnings", "updated_at"])
        log_action(actor=actor, action="plan.correct", obj=draft, changes={path: [old, code]})
    return draft


def draft_publish(*, actor, draft: PlanDraft, publish: bool) -> PlanDraft:
    """Create the campaign from the draft, published or as a draft campaign (DefinitionError if invalid)."""
    definition = dict(draft.definition, status="published" if publish else "draft")
    with transaction.atomic():
        result = campaign_load(actor=actor, definition=definition, source=draft.text.encode("utf-8"))
        draft.campaign = result.campaign
        draft.save(update_fields=["campaign", "updated_at"])
        if publish:
            campaign_announce(result.campaign, "draft", "published")
        log_action(actor=actor, action="plan.publish", obj=draft, changes={"campaign": [None, result.campaign.slug]})
    return draft
