"""Who may import plans and correct and publish the drafts. Built on thidua.units.access; what a
published draft may become is the campaigns' one creation rule (thidua.campaigns.access)."""

from __future__ import annotations

from django.http import Http404

from thidua.planimport.models import PlanDraft
from thidua.units import access as units_access


def get_draft_or_404(user, pk) -> PlanDraft:
    """A draft is seen by whoever sees its unit (404 otherwise) and changed by its coordinators (403)."""
    draft = PlanDraft.objects.select_related("unit", "created_by", "campaign").defer("upload").filter(pk=pk).first()
    if draft is None or not units_access.can_view_unit(user, draft.unit):
        raise Http404
    units_access.require(units_access.can_manage_unit(user, draft.unit))
    return draft
