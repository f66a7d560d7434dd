import copy
import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.campaigns import access as campaign_access
from thidua.campaigns import changes, editor, services
from thidua.campaigns import definition as defn
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


# --- the campaign editor ------------------------------------------------------------------------------


def _editable(request, slug) -> Campaign:
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    access.require(campaign_access.can_manage_campaign(request.user, campaign))
    return campaign


@login_required
def campaign_edit(request, slug):
    """The editor's contents page: every section with what it holds, the warnings, the history."""
    campaign = _editable(request, slug)
    d = defn.export_definition(campaign)
    return render(
        request,
        "campaigns/edit.html",
        {
            "campaign": campaign,
            "d": d,
            "sections": editor.SECTIONS.values(),
            "warnings": check_definition(d),
            "versions": campaign.versions.count(),
        },
    )


@login_required
def campaign_edit_section(request, slug, section):
    campaign = _editable(request, slug)
    spec = editor.SECTIONS.get(section)
    if spec is None:
        raise Http404
    d = defn.export_definition(campaign)
    bound = spec.build(request.POST if request.method == "POST" else None, d, request.user)
    return _save_or_show(
        request, campaign, bound, lambda: spec.write(copy.deepcopy(d), bound), {"title": spec.title, "section": spec}
    )


@login_required
def campaign_edit_activity(request, slug, code):
    """One activity's lead and co-lead units."""
    campaign = _editable(request, slug)
    d = defn.export_definition(campaign)
    activity = next((a for a in d["activities"] if a["code"] == code), None)
    if activity is None:
        raise Http404
    bound = editor.assignment_formset(request.POST if request.method == "POST" else None, activity, request.user)
    return _save_or_show(
        request,
        campaign,
        bound,
        lambda: editor.write_assignments(copy.deepcopy(d), code, bound),
        {"title": _("Lead and co-lead units"), "activity": activity},
    )


def _save_or_show(request, campaign, bound, write, context):
    published = campaign.status != Campaign.Status.DRAFT
    latest = campaign.versions.aggregate(n=Max("number"))["n"] or 0
    reason_form = editor.ReasonForm(
        request.POST if request.method == "POST" else None, initial={"base_version": latest}
    )
    problems = []
    if request.method == "POST" and all([bound.is_valid(), reason_form.is_valid()]):
        try:
            result = services.campaign_update(
                actor=request.user,
                campaign=campaign,
                definition=write(),
                reason=reason_form.cleaned_data["reason"],
                base_version=reason_form.cleaned_data["base_version"],
            )
        except Refused as exc:
            problems = getattr(exc, "problems", None) or [str(exc)]
        else:
            if result.version is None:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(
                    request,
                    _("Saved as version %(n)s. %(units)s unit(s) notified.")
                    % {"n": result.version.number, "units": result.notified},
                )
            return redirect("campaigns:edit", slug=campaign.slug)
    is_formset = isinstance(bound, forms.BaseFormSet)
    return render(
        request,
        "campaigns/edit_section.html",
        {
            "campaign": campaign,
            "formset": bound if is_formset else None,
            "form": None if is_formset else bound,
            "reason_form": reason_form,
            "problems": problems,
            "published": published,
            **context,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def campaign_history(request, slug):
    """Every saved version: who, when, why, how many units were told, and what changed."""
    campaign = _editable(request, slug)
    versions = campaign.versions.select_related("actor").order_by("-number")
    rows = [(v, [changes.describe(c) for c in v.changes]) for v in versions]
    return render(request, "campaigns/history.html", {"campaign": campaign, "rows": rows})
