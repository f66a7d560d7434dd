import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from thidua.campaigns import definition as defn
from thidua.core.errors import Refused
from thidua.planimport import access as planimport_access
from thidua.planimport import services
from thidua.planimport.forms import DefinitionEditForm, PlanUploadForm
from thidua.planimport.models import PlanDraft
from thidua.units import access


def highlighted(text: str, spans: dict) -> str:
    """The source text with every extracted field marked: overlapping spans are split at their
    boundaries, each piece carrying the paths that cover it (escaped; no markup from the file)."""
    cuts = {0, len(text)}
    for start, end in spans.values():
        cuts.update((max(0, start), min(len(text), end)))
    bounds = sorted(cuts)
    out = []
    for a, b in zip(bounds, bounds[1:]):
        piece = escape(text[a:b])
        paths = [p for p, (s, e) in spans.items() if s <= a and b <= e]
        if paths:
            inner = min(paths, key=lambda p: spans[p][1] - spans[p][0])
            out.append(f'<mark data-paths="{escape(" ".join(paths))}" title="{escape(inner)}">{piece}</mark>')
        else:
            out.append(piece)
    return mark_safe("".join(out))  # noqa: S308 — every piece is escaped above


# The campaign editor's section for a field of the imported definition (by the path's first part).
EDITOR_SECTIONS = {
    "issuer": "chung",
    "title": "chung",
    "period": "chung",
    "registration_deadline": "chung",
    "goals": "muc-tieu",
    "milestones": "moc",
    "unit_duties": "chung",
    "distribution": "noi-nhan",
    "signature": "noi-nhan",
}
PATH_HEAD_RE = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?")


def _editor_url(draft: PlanDraft, path: str) -> str | None:
    """Where the campaign created from the draft is corrected for `path`: the activity's own form, else the
    editor's section; None before the campaign exists."""
    if draft.campaign is None:
        return None
    m = PATH_HEAD_RE.match(path)
    head, index = m.group(1), m.group(2)
    if head == "activities" and index:
        activities = draft.definition.get("activities") or []
        if int(index) <= len(activities):
            code = activities[int(index) - 1]["code"]
            return reverse("campaigns:edit_activity", args=[draft.campaign.slug, code])
    section = EDITOR_SECTIONS.get(head, "hoat-dong" if head == "activities" else None)
    return reverse("campaigns:edit_section", args=[draft.campaign.slug, section]) if section else None


def confidence_rows(draft: PlanDraft, sort: str | None) -> list[dict]:
    """The import's per-field confidence rows, least certain first when asked (sort=confidence), else in the
    document's order; each with the campaign editor's form that corrects it once the campaign exists."""
    rows = [dict(r, edit_url=_editor_url(draft, r["path"])) for r in draft.confidence]
    if sort == "confidence":
        return sorted(rows, key=lambda r: r.get("confidence", 0))
    return rows


@login_required
def upload(request):
    units = access.managed_units(request.user)
    access.require(bool(units))
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        unit = min(units, key=lambda u: u.depth)
        try:
            draft = services.draft_upload(actor=request.user, unit=unit, filename=upload.name, data=upload.read())
        except Refused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("planimport:review", pk=draft.pk)
    drafts = (
        PlanDraft.objects.filter(unit__in=units).select_related("created_by", "campaign").defer("upload", "text")[:30]
    )
    return render(request, "planimport/upload.html", {"form": form, "drafts": drafts})


@login_required
def review(request, pk):
    draft = planimport_access.get_draft_or_404(request.user, pk)
    if draft.status != PlanDraft.Status.READY:
        return _reading(request, draft)
    if request.htmx.target == "plan-reading":  # read meanwhile: the page asking shows it whole
        return HttpResponseClientRefresh()
    form = DefinitionEditForm(request.POST or None, initial={"text": defn.dump_text(draft.definition)})
    problems = []
    if request.method == "POST":
        if form.is_valid():
            try:
                services.draft_update(actor=request.user, draft=draft, text=form.cleaned_data["text"])
            except defn.DefinitionError as exc:
                problems = exc.problems
            else:
                messages.success(request, _("The corrections are saved."))
                return redirect("planimport:review", pk=draft.pk)
    d = draft.definition
    return render(
        request,
        "planimport/review.html",
        {
            "draft": draft,
            "d": d,
            "source": highlighted(draft.text, draft.spans),
            "form": form,
            "problems": problems,
            "warnings": draft.warnings,
            "suggestions": draft.suggestions,
            "confidence": confidence_rows(draft, request.GET.get("sort")),
            "sort": request.GET.get("sort") or "document",
        },
    )


def _reading(request, draft: PlanDraft):
    """A plan being read by the worker ("đang đọc…", asked again every second) or that could not
    be read (why, and the upload form's link). Nothing to correct or publish yet."""
    template = "planimport/_reading.html" if request.htmx.target == "plan-reading" else "planimport/reading.html"
    return render(request, template, {"draft": draft})


@require_POST
@login_required
def set_unit(request, pk):
    draft = planimport_access.get_draft_or_404(request.user, pk)
    path, code = request.POST.get("path", ""), request.POST.get("code", "")
    if path not in draft.suggestions or code not in [s[0] for s in draft.suggestions[path]]:
        messages.error(request, _("Choose one of the units offered."))
        return redirect("planimport:review", pk=draft.pk)
    try:
        services.draft_set_unit(actor=request.user, draft=draft, path=path, code=code)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The unit is set."))
    return redirect("planimport:review", pk=draft.pk)


@require_POST
@login_required
def publish(request, pk):
    draft = planimport_access.get_draft_or_404(request.user, pk)
    if draft.campaign_id:
        return redirect("campaigns:detail", slug=draft.campaign.slug)
    try:
        services.draft_publish(actor=request.user, draft=draft, publish=request.POST.get("publish") == "1")
    except defn.DefinitionError as exc:
        for problem in exc.problems:
            messages.error(request, problem)
        return redirect("planimport:review", pk=draft.pk)
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("planimport:review", pk=draft.pk)
    messages.success(request, _("The campaign is created from the plan."))
    return redirect("campaigns:detail", slug=draft.campaign.slug)
