"""Documents written in the background: the certificates of a whole decision, the reports of a
city-wide campaign. The view decides (`in_background`: the document's size, in units or awards, over
`DOCUMENTS_IN_BACKGROUND_UNITS`), checks who may have it, and hands the options over as the export's
parameters (`params_of`); a worker writes it with the same `build` and the same options, the
moment of the request included, so the file is the one the view would have sent.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from thidua.campaigns import access as campaign_access
from thidua.campaigns.models import Campaign
from thidua.core.errors import Refused
from thidua.documents import registry
from thidua.units import access as units_access
from thidua.units.models import Unit

KIND = "document"


def in_background(kind: registry.Kind, campaign: Campaign, options: registry.Options) -> bool:
    """Whether this document concerns too many units to be written while the reader waits."""
    return kind.size(campaign, options) > settings.DOCUMENTS_IN_BACKGROUND_UNITS


def params_of(kind: registry.Kind, campaign: Campaign, options: registry.Options) -> dict:
    """The options as the export's parameters (plain JSON)."""
    return {
        "slug": campaign.slug,
        "kind": kind.slug,
        "approved_only": options.approved_only,
        "decision": options.decision.pk if options.decision is not None else None,
        "unit": options.unit.code if options.unit is not None else None,
        "now": options.now.isoformat(),
    }


def export_build(user, params: dict, progress) -> tuple[str, bytes]:
    """Write the document for the export (thidua.core.exports), the reader's rights checked again:
    a role withdrawn since the request leaves nothing to download."""
    refused = Refused(_("This document is not yours to download."))
    kind = registry.KINDS.get(params.get("kind"))
    campaign = Campaign.objects.select_related("issuer_unit").filter(slug=params.get("slug")).first()
    if kind is None or campaign is None or not campaign_access.can_view_campaign(user, campaign):
        raise refused
    options = registry.Options(
        now=dt.datetime.fromisoformat(params["now"]), approved_only=bool(params.get("approved_only")), progress=progress
    )
    if kind.needs_decision:
        options.decision = campaign.decisions.filter(pk=params.get("decision")).first()
        if options.decision is None:
            raise Refused(_("No commendation decision is recorded yet."))
        if params.get("unit"):
            options.unit = Unit.objects.filter(code=params["unit"]).first()
            if options.unit is None or not units_access.can_view_unit(user, options.unit):
                raise refused
    if not registry.prepare(kind, campaign, user, options):
        raise refused
    return registry.file_name(kind, campaign, options), kind.build(campaign, options)
