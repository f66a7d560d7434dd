import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.campaigns import access as campaign_access
from thidua.campaigns import definition as defn
from thidua.campaigns import services
from thidua.campaigns.checks import check_definition
from thidua.campaigns.forms import CopyForm, DefinitionUploadForm, StatusForm
from thidua.campaigns.models import Campaign
from thidua.campaigns.queries import campaign_for_overview, expected_unit_count
from thidua.campaigns.services import campaign_load, campaign_set_status
from thidua.core.errors import Refused
from thidua.core.forms import post_action
from thidua.units import access


@login_required
def campaign_list(request):
    campaigns = campaign_access.visible_campaigns(request.user).order_by("-period_end", "slug")
    can_upload = campaign_access.may_create_campaigns(request.user)
    return render(request, "campaigns/list.html", {"campaigns": campaigns, "can_upload": can_upload})


@login_required
def campaign_detail(request, slug):
    campaign = campaign_for_overview(campaign_access.get_campaign_or_404(request.user, slug))
    can_manage = campaign_access.can_manage_campaign(request.user, campaign)
    milestones = [(m, expected_unit_count(m, campaign)) for m in campaign.milestones.all()]
    warnings = check_definition(defn.export_definition(campaign)) if can_manage else []
    # The issuing union itself has nothing to send to itself; its sub-units do.
    my_units = [
        u
        for u in access.role_units(request.user)
        if campaign.issuer_unit.contains(u) and u.pk != campaign.issuer_unit_id
    ]
    named = {s.unit_code for a in campaign.activities.all() for s in a.assignments.all() if s.unit_code}
    named |= {code for i in campaign.indicators.all() for code in i.scope_unit_codes}
    visible_codes = set(access.visible_units(request.user).filter(code__in=named).values_list("code", flat=True))
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "milestones": milestones,
            "warnings": warnings,
            "can_manage": can_manage,
            "my_units": my_units,
            "visible_codes": visible_codes,
        },
    )


@login_required
def campaign_definition(request, slug):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    text = defn.dump_text(defn.export_definition(campaign))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}.yaml"'
    return response


@login_required
def campaign_upload(request):
    access.require(campaign_access.may_create_campaigns(request.user))
    problems, result = [], None
    if request.method == "POST":
        form = DefinitionUploadForm(request.POST, request.FILES)
        if form.is_valid():
            name, data, text = form.cleaned_data["file"]
            try:
                definition = defn.parse_text(text)
                # A file loaded from the browser always becomes a draft, checked before publishing.
                definition["status"] = Campaign.Status.DRAFT
                result = campaign_load(
                    actor=request.user, definition=definition, replace=form.cleaned_data["replace"], source=data
                )
            except defn.DefinitionError as exc:
                problems = exc.problems
            if result is not None:
                messages.success(request, _("The campaign was loaded as a draft. Check the warnings, then publish it."))
                return redirect("campaigns:detail", slug=result.campaign.slug)
    else:
        form = DefinitionUploadForm()
    return render(request, "campaigns/upload.html", {"form": form, "problems": problems})


@require_POST
@login_required
def campaign_status(request, slug):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    access.require(campaign_access.can_manage_campaign(request.user, campaign))
    return post_action(
        request,
        StatusForm(request.POST),
        lambda data: campaign_set_status(
            actor=request.user, campaign=campaign, status=data["status"], reason=data["reason"]
        ),
        success=lambda changed: _("The campaign is now “%(status)s”.") % {"status": changed.get_status_display()},
        then=("campaigns:detail", campaign.slug),
    )


@login_required
def my_unit(request, slug):
    """The units this user works for in this campaign: one goes straight to its page."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    units = [u for u in access.role_units(request.user) if campaign.issuer_unit.contains(u)]
    units = list({u.pk: u for u in units}.values())
    if len(units) == 1:
        return redirect("submissions:unit_tasks", slug=slug, code=units[0].code)
    return render(request, "campaigns/my_units.html", {"campaign": campaign, "units": units})


@login_required
def campaign_copy(request, slug):
    """Next year's campaign from this one: a new draft with every date moved (see services.campaign_copy)."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    access.require(campaign_access.can_manage_campaign(request.user, campaign))
    start = defn.first_date(defn.export_definition(campaign))
    year = start.year + 1
    initial = {
        "slug": f"{campaign.slug.removesuffix(str(start.year)).rstrip('-')}-{year}",
        "title": campaign.title.replace(str(start.year), str(year)),
        "start": start.replace(year=year)
        if not (start.month == 2 and start.day == 29)
        else start + dt.timedelta(days=365),
        "keep_weekdays": True,
    }
    form = CopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.campaign_copy(actor=request.user, campaign=campaign, **form.cleaned_data)
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The copy is a draft: check its dates and warnings, then publish it (%(n)s warning(s)).")
                % {"n": len(result.warnings)},
            )
            return redirect("campaigns:detail", slug=result.campaign.slug)
    return render(request, "campaigns/copy.html", {"campaign": campaign, "form": form})
