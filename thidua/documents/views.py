from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from thidua.campaigns import access as campaign_access
from thidua.core.errors import Refused
from thidua.core.exports import export_start
from thidua.documents import background, registry, services
from thidua.units import access


@login_required
def download(request, slug, kind):
    """A document written from the campaign's live data, as an attachment with a Vietnamese name,
    recorded in the audit trail (who, which document and options, the bytes' SHA-256).

    ?quyet-dinh=<id> picks a decision (the latest by default), ?don-vi=<code> one unit's certificates,
    ?da-xac-nhan=1 the reports from approved figures only. A document concerning many units (the
    certificates of a large decision, a city's reports) is written in the background: the reader
    watches its progress on the export's page and downloads it there."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    spec = registry.KINDS.get(kind)
    if spec is None:
        raise Http404
    options = registry.Options(approved_only=request.GET.get("da-xac-nhan") == "1")
    if spec.needs_decision:
        options.decision = _decision(campaign, request.GET.get("quyet-dinh", ""))
        if options.decision is None:
            messages.error(request, _("No commendation decision is recorded yet."))
            return redirect("campaigns:detail", slug=slug)
        code = request.GET.get("don-vi", "")[:40]
        if code:
            options.unit = access.get_unit_or_404(request.user, code)
    access.require(registry.prepare(spec, campaign, request.user, options))
    if background.in_background(spec, campaign, options):
        export = export_start(
            user=request.user, kind=background.KIND, params=background.params_of(spec, campaign, options),
            title=registry.file_name(spec, campaign, options),
        )  # fmt: skip
        return redirect("export", pk=export.pk)
    try:
        data = spec.build(campaign, options)
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("campaigns:detail", slug=slug)
    name = registry.file_name(spec, campaign, options)
    if request.method != "HEAD":  # a HEAD hands out no bytes
        services.download_record(
            actor=request.user, campaign=campaign, kind=spec, options=options, name=name, data=data
        )
    response = HttpResponse(data, content_type=spec.content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _decision(campaign, wanted: str):
    if not wanted:
        return registry.latest_decision(campaign)
    if not wanted.isdigit() or len(wanted) > 12:
        raise Http404
    decision = campaign.decisions.filter(pk=int(wanted)).first()
    if decision is None:
        raise Http404
    return decision
