"""Reading a plan: the file's text, the definition extracted from it, the warnings. An uploaded plan
is read by a worker (tasks.draft_read_task, after services.draft_upload); the command-line and the
tests read one at once (services.draft_create). Both write the same fields from `plan_fields`."""

from __future__ import annotations

import dataclasses
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from thidua.campaigns.checks import Finding
from thidua.core import timeutils
from thidua.core.audit import log_action
from thidua.core.errors import Refused
from thidua.planimport.models import PlanDraft
from thidua.planimport.parser import import_text
from thidua.planimport.readers import read_document
from thidua.units.models import Unit

log = logging.getLogger(__name__)


def plain(findings) -> list[dict]:
    return [dataclasses.asdict(f) for f in findings]


def plan_fields(unit: Unit, filename: str, data: bytes) -> dict:
    """The draft's fields read from the file: text, definition, spans, warnings, suggestions,
    confidence (Refused if it has no readable plan)."""
    text = read_document(data, filename)
    result = import_text(text, issuer_code=unit.code)
    result.warnings.extend(keep_within(result.definition, unit))
    return {
        "text": result.text,
        "definition": result.definition,
        "spans": {path: [span.start, span.end] for path, span in result.spans.items()},
        "warnings": plain(result.warnings),
        "suggestions": {path: [list(s) for s in items] for path, items in result.suggestions.items()},
        "confidence": result.confidence,
    }


def draft_read(pk: int) -> PlanDraft | None:
    """Read an uploaded plan: the draft gets every field at once and is `ready`, or is `failed` with
    the reason in Vietnamese; the file is let go either way. A draft already read is left alone
    (a task run twice)."""
    draft = (
        PlanDraft.objects.select_related("unit", "created_by").filter(pk=pk, status=PlanDraft.Status.READING).first()
    )
    if draft is None:
        return None
    action, reason = "plan.import", ""
    try:
        fields = {**plan_fields(draft.unit, draft.filename, bytes(draft.upload)), "status": PlanDraft.Status.READY}
    except Refused as exc:
        action, reason = "plan.unreadable", str(exc)
        fields = {"status": PlanDraft.Status.FAILED, "message": reason}
    except Exception:  # a bug must not leave the page reading for ever
        log.exception("plan draft %s could not be read", pk)
        action, reason = "plan.unreadable", _("The plan could not be read. Please upload it again.")
        fields = {"status": PlanDraft.Status.FAILED, "message": reason}
    with transaction.atomic():
        done = PlanDraft.objects.filter(pk=pk, status=PlanDraft.Status.READING).update(
            upload=b"", updated_at=timeutils.now(), **fields
        )
        if done:
            log_action(
                actor=draft.created_by, action=action, obj=draft,
                changes={"file": [None, draft.filename], "sha256": [None, draft.sha256]}, reason=reason,
            )  # fmt: skip
    draft.refresh_from_db()
    return draft


def keep_within(definition: dict, unit: Unit) -> list[Finding]:
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
