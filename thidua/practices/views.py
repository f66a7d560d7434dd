"""Pages of the library of effective models. Public: the gallery, a model's page, its photos and
documents (published models only). Signed in: the staff list, writing a model for a unit, a
model's working page with the unit's and the coordinator's actions.

An effective model the user may not see is a 404 (its existence is not revealed); an action the
user may not take on a visible one is a 403 (thidua.practices.access).
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from thidua.campaigns.models import Activity, Campaign
from thidua.core import files
from thidua.core.errors import Refused
from thidua.core.forms import MAX_ID, post_action
from thidua.core.models import AuditEntry
from thidua.practices import access as practice_access
from thidua.practices import queries, services
from thidua.practices.forms import FeatureForm, PracticeForm, PublishForm, ReasonForm
from thidua.practices.models import Field, Practice
from thidua.units import access

require_get_or_post = require_http_methods(["GET", "HEAD", "POST"])
PAGE_SIZE = 30
UNIT_CODE = re.compile(r"[\w-]{1,40}", re.ASCII)


# --- public -------------------------------------------------------------------------------------


def _chosen(request):
    """The gallery's campaign and activity filters; a malformed or unknown one is ignored."""
    slug = request.GET.get("dot", "")[:80]
    shown = Campaign.objects.exclude(status=Campaign.Status.DRAFT)  # published or closed since
    campaign = shown.filter(slug=slug).first() if slug else None
    raw = request.GET.get("hoat-dong", "")
    activity = None
    if raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID:
        activity = Activity.objects.filter(pk=int(raw), campaign__in=shown).first()
    return campaign, activity


@require_safe
def gallery(request):
    """Published models, featured first, searchable without accents, by field, campaign and activity."""
    q = request.GET.get("q", "").strip()[:200]
    field = request.GET.get("linh-vuc", "")
    field = field if field in Field.values else ""
    campaign, activity = _chosen(request)
    items = queries.gallery(q=q, field=field, campaign=campaign, activity=activity)
    page = Paginator(items, 20).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "practices/gallery.html",
        {
            "page": page,
            "q": q,
            "field": field,
            "fields": Field.choices,
            "campaign": campaign,
            "campaigns": queries.gallery_campaigns(),
            "activity": activity,
            "activities": queries.gallery_activities(campaign),
            "query": query.urlencode(),
        },
    )


@require_safe
def public_detail(request, pk):
    practice = practice_access.get_public_practice_or_404(pk)
    return render(request, "practices/public_detail.html", {"p": practice})


def _public_file(pk, file_id):
    practice = practice_access.get_public_practice_or_404(pk)
    item = practice.files.select_related("stored").filter(pk=file_id).first() if 0 < file_id <= MAX_ID else None
    if item is None:
        raise Http404
    return item


@require_safe
def photo(request, pk, file_id):
    """A photo of a published model, shown in the page (images only; never a public file path)."""
    item = _public_file(pk, file_id)
    if not item.is_image:
        raise Http404
    try:
        handle = files.open_stored(item.stored.sha256)
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=files.CONTENT_TYPES[item.stored.kind])
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-cache"  # taken down, it must disappear at once
    return response


@require_safe
def public_download(request, pk, file_id):
    item = _public_file(pk, file_id)
    return files.download_response(item.stored, item.name)


# --- signed in ----------------------------------------------------------------------------------


@require_safe
@login_required
def manage(request):
    """Every model the user may see; those awaiting the coordinator first. `them`: the code of a
    unit to write a new model for (the create page decides whether the user may)."""
    code = request.GET.get("them", "").strip()
    if UNIT_CODE.fullmatch(code):
        return redirect("practices:create", code=code)
    visible = practice_access.visible_practices(request.user)
    status = request.GET.get("trang-thai", "")
    q = request.GET.get("q", "").strip()[:200]
    page = Paginator(queries.staff_list(visible, status=status, q=q), PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "practices/list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": Practice.Status.choices,
            "counts": queries.status_counts(visible),
            "curated_ids": practice_access.curated_campaign_ids(request.user),
            "units": practice_access.writable_units(request.user),
            "query": query.urlencode(),
        },
    )


def _content(data: dict) -> services.PracticeContent:
    return services.PracticeContent(
        title=data["title"],
        field=data["field"],
        description=data["description"],
        results=data["results"],
        activity=data.get("activity"),
        contact_name=data["contact_name"],
        contact_phone=data["contact_phone"],
    )


def _uploads(data: dict) -> list[tuple]:
    return [files.uploaded(f) for f in data.get("files") or []]


@require_get_or_post
@login_required
def create(request, code):
    """Write a new model for a unit the user may write for, in a published campaign of a union above it."""
    unit = access.get_unit_or_404(request.user, code)
    access.require(practice_access.may_write_for_unit(request.user, unit))
    campaigns = queries.campaigns_for_unit(unit)
    if request.method == "POST":
        form = PracticeForm(request.POST, request.FILES, campaigns=campaigns)
        if form.is_valid():
            try:
                practice = services.practice_save(
                    actor=request.user,
                    content=_content(form.cleaned_data),
                    campaign=form.cleaned_data["campaign"],
                    unit=unit,
                    uploads=_uploads(form.cleaned_data),
                )
            except Refused as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, _("The model is saved as a draft. Send it when it is ready."))
                return redirect("practices:detail", pk=practice.pk)
    else:
        form = PracticeForm(campaigns=campaigns)
    return render(request, "practices/form.html", {"form": form, "unit": unit, "open": campaigns.exists()})


@require_get_or_post
@login_required
def edit(request, pk):
    practice = practice_access.get_practice_or_404(request.user, pk)
    access.require(practice_access.may_write_for_unit(request.user, practice.unit))
    if not practice.is_editable:
        messages.error(request, _("Only a draft or a returned model can be changed."))
        return redirect("practices:detail", pk=pk)
    if request.method == "POST":
        form = PracticeForm(request.POST, request.FILES, campaign=practice.campaign)
        if form.is_valid():
            try:
                services.practice_save(
                    actor=request.user,
                    practice=practice,
                    content=_content(form.cleaned_data),
                    uploads=_uploads(form.cleaned_data),
                )
            except Refused as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, _("The model is saved."))
                return redirect("practices:detail", pk=pk)
    else:
        initial = {
            name: getattr(practice, name)
            for name in ("title", "field", "description", "results", "contact_name", "contact_phone")
        }
        form = PracticeForm(initial=initial | {"activity": practice.activity_id}, campaign=practice.campaign)
    return render(request, "practices/form.html", {"form": form, "unit": practice.unit, "p": practice, "open": True})


@require_safe
@login_required
def detail(request, pk):
    """A model's working page: everything (contact included), the files, the actions, the history."""
    practice = practice_access.get_practice_or_404(request.user, pk)
    user = request.user
    curator = practice_access.can_curate_practice(user, practice)
    return render(
        request,
        "practices/detail.html",
        {
            "p": practice,
            "files": practice.files.select_related("stored"),
            "can_edit": practice_access.can_edit_practice(user, practice),
            "curator": curator,
            "publish_form": PublishForm(),
            "reason_form": ReasonForm(),
            "history": AuditEntry.objects.filter(
                object_type=practice._meta.label_lower, object_id=str(practice.pk)
            ).select_related("actor")[:50],
        },
    )


@require_safe
@login_required
def download(request, pk, file_id):
    """A file of a model the user may see (photos are shown in its page from here too)."""
    practice = practice_access.get_practice_or_404(request.user, pk)
    item = practice.files.select_related("stored").filter(pk=file_id).first() if 0 < file_id <= MAX_ID else None
    if item is None:
        raise Http404
    return files.download_response(item.stored, item.name)


@require_POST
@login_required
def submit(request, pk):
    practice = practice_access.get_practice_or_404(request.user, pk)
    access.require(practice_access.may_write_for_unit(request.user, practice.unit))
    return post_action(
        request,
        forms.Form(request.POST),
        lambda data: services.practice_submit(actor=request.user, practice=practice),
        success=_("The model is sent to the campaign's coordinators."),
        then=("practices:detail", pk),
    )


def _curated_or_403(request, pk) -> Practice:
    practice = practice_access.get_practice_or_404(request.user, pk)
    access.require(practice_access.can_curate_practice(request.user, practice))
    return practice


@require_POST
@login_required
def publish(request, pk):
    practice = _curated_or_403(request, pk)
    return post_action(
        request,
        PublishForm(request.POST),
        lambda data: services.practice_publish(actor=request.user, practice=practice, featured=data["featured"]),
        success=_("The model is published in the library; its unit is told."),
        then=("practices:detail", pk),
    )


@require_POST
@login_required
def return_practice(request, pk):
    practice = _curated_or_403(request, pk)
    return post_action(
        request,
        ReasonForm(request.POST),
        lambda data: services.practice_return(actor=request.user, practice=practice, reason=data["reason"]),
        success=_("The model is returned to its unit with your reason."),
        then=("practices:detail", pk),
    )


@require_POST
@login_required
def unpublish(request, pk):
    practice = _curated_or_403(request, pk)
    return post_action(
        request,
        ReasonForm(request.POST),
        lambda data: services.practice_unpublish(actor=request.user, practice=practice, reason=data["reason"]),
        success=_("The model is taken out of the library and returned to its unit."),
        then=("practices:detail", pk),
    )


@require_POST
@login_required
def feature(request, pk):
    practice = _curated_or_403(request, pk)
    return post_action(
        request,
        FeatureForm(request.POST),
        lambda data: services.practice_feature(actor=request.user, practice=practice, featured=data["featured"]),
        success=lambda p: _("The model is featured.") if p.featured else _("The model is no longer featured."),
        then=("practices:detail", pk),
    )
