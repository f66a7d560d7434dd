"""Import a plan document as a draft, let the coordinator correct it, publish it as a campaign.
Only a draft that has been read (`ready`) is corrected or published."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils.translation import gettext as _

from thidua.campaigns import definition as defn
from thidua.campaigns.checks import check_definition
from thidua.campaigns.services import campaign_announce, campaign_load
from thidua.core.audit import log_action
from thidua.core.errors import Refused
from thidua.core.tasks import later
from thidua.planimport.models import PlanDraft
from thidua.planimport.readers import check_file
from thidua.planimport.reading import plain, plan_fields
from thidua.planimport.tasks import draft_read_task
from thidua.units.models import Unit


def draft_create(*, actor, unit: Unit, filename: str, data: bytes) -> PlanDraft:
    """Read the file at once and record the draft (Refused if it has no readable text): the path of
    the command line and the tests; the upload page has it read by a worker (draft_upload)."""
    fields = plan_fields(unit, filename, data)
    with transaction.atomic():
        draft = PlanDraft.objects.create(
            unit=unit, created_by=actor, filename=filename[:200], sha256=hashlib.sha256(data).hexdigest(), **fields
        )
        log_action(
            actor=actor,
            action="plan.import",
            obj=draft,
            changes={"file": [None, filename], "sha256": [None, draft.sha256]},
        )
    return draft


def draft_upload(*, actor, unit: Unit, filename: str, data: bytes) -> PlanDraft:
    """Record an uploaded plan, to be read by a worker once this commits (reading.draft_read). What
    is seen without reading it (empty, too large, not a plan's file type) is refused at once, and
    nothing is recorded then."""
    check_file(data, filename)
    with transaction.atomic():
        draft = PlanDraft.objects.create(
            unit=unit, created_by=actor, filename=filename[:200], sha256=hashlib.sha256(data).hexdigest(),
            status=PlanDraft.Status.READING, upload=data,
        )  # fmt: skip
        log_action(actor=actor, action="plan.upload", obj=draft, changes={"file": [None, filename]})
        later(draft_read_task, draft.pk)
    return draft


def _require_ready(draft: PlanDraft) -> None:
    if draft.status != PlanDraft.Status.READY:
        raise Refused(_("The plan has not been read yet."))


def draft_update(*, actor, draft: PlanDraft, text: str) -> PlanDraft:
    """Replace the draft's definition with the coordinator's corrected YAML (DefinitionError if invalid)."""
    _require_ready(draft)
    definition = defn.parse_text(text)
    defn.validate(definition)
    with transaction.atomic():
        draft.definition = definition
        draft.warnings = plain(check_definition(definition))
        draft.save(update_fields=["definition", "warnings", "updated_at"])
        log_action(actor=actor, action="plan.correct", obj=draft, changes={"slug": [None, definition.get("slug")]})
    return draft


def draft_set_unit(*, actor, draft: PlanDraft, path: str, code: str) -> PlanDraft:
    """Fix one assignment's unit from the offered matches ("activities[2].assignments[3]")."""
    _require_ready(draft)
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
        draft.warnings = plain(check_definition(definition))
        draft.save(update_fields=["definition", "warnings", "updated_at"])
        log_action(actor=actor, action="plan.correct", obj=draft, changes={path: [old, code]})
    return draft


def draft_publish(*, actor, draft: PlanDraft, publish: bool) -> PlanDraft:
    """Create the campaign from the draft, published or as a draft campaign (DefinitionError if invalid)."""
    _require_ready(draft)
    definition = dict(draft.definition, status="published" if publish else "draft")
    with transaction.atomic():
        result = campaign_load(actor=actor, definition=definition, source=draft.text.encode("utf-8"))
        draft.campaign = result.campaign
        draft.save(update_fields=["campaign", "updated_at"])
        if publish:
            campaign_announce(result.campaign, "draft", "published")
        log_action(actor=actor, action="plan.publish", obj=draft, changes={"campaign": [None, result.campaign.slug]})
    return draft
