from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from thidua.accounts.services import account_create
from thidua.core.exports import send_or_prepare
from thidua.core.forms import PickForm, post_action
from thidua.core.models import AuditEntry
from thidua.units import access
from thidua.units.forms import RoleGrantForm, UnitForm, UnitImportForm, UnitSearchForm
from thidua.units.importing import export_file, import_units
from thidua.units.models import Role, Unit, UnitKind
from thidua.units.services import role_grant, role_revoke, unit_update

SEARCH_LIMIT = 50


@login_required
def directory(request):
    """The top of the directory as this user sees it: the units their roles are held on."""
    tops = access.role_units(request.user)
    if request.user.is_superuser:
        tops = list(Unit.objects.filter(depth=1))
    # Keep only the outermost units (a role on Quận 1 and on a ward of Quận 1 shows Quận 1).
    outermost = [u for u in tops if not any(o.pk != u.pk and o.contains(u) for o in tops)]
    unique = list({u.pk: u for u in outermost}.values())
    if len(unique) == 1:
        return redirect("units:detail", code=unique[0].code)
    return render(request, "units/directory.html", {"tops": unique, "form": UnitSearchForm()})


@login_required
def unit_detail(request, code):
    unit = access.get_unit_or_404(request.user, code)
    ancestors = [a for a in unit.ancestors() if access.can_view_unit(request.user, a)]
    all_children = Unit.objects.subtree(unit).filter(depth=unit.depth + 1).order_by("path")
    children = all_children
    kind = request.GET.get("loai", "")
    if kind in UnitKind.values:
        children = children.filter(kind=kind)
    page = Paginator(children, 50).get_page(request.GET.get("trang"))
    # One scan of the subtree for the counts by kind and the branches' members and cadres (at
    # national size each scan of 219,000 units costs ~0.1 s).
    below = Unit.objects.subtree(unit, include_self=False).order_by()
    by_kind = list(below.values("kind").annotate(n=Count("pk"), members=Sum("member_count"), cadres=Sum("cadre_count")))
    counts = {row["kind"]: row["n"] for row in by_kind}
    branches = next((row for row in by_kind if row["kind"] == UnitKind.BRANCH), {})
    totals = {"members": branches.get("members"), "cadres": branches.get("cadres")}
    return render(
        request,
        "units/detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "page": page,
            "kind_filter": kind,
            "child_kinds": [(k, UnitKind(k).label) for k in sorted(set(all_children.values_list("kind", flat=True)))],
            "kind_counts": [
                (UnitKind(k).label, n) for k, n in sorted(counts.items(), key=lambda kv: UnitKind.values.index(kv[0]))
            ],
            "totals": totals,
            "can_manage": access.can_manage_unit(request.user, unit),
            "roles": unit.role_assignments.select_related("user") if access.can_manage_unit(request.user, unit) else [],
            "form": UnitSearchForm(),
        },
    )


@login_required
def search(request):
    form = UnitSearchForm(request.GET)
    results, total = [], 0
    if form.is_valid() and form.cleaned_data["q"].strip():
        qs = access.visible_units(request.user).search(form.cleaned_data["q"]).order_by("depth", "path")
        total = qs.count()
        results = list(qs[:SEARCH_LIMIT])
    template = "units/_search_results.html" if request.htmx else "units/search.html"
    return render(request, template, {"form": form, "results": results, "total": total, "limit": SEARCH_LIMIT})


PICK_LIMIT = 8


@login_required
def pick(request):
    """Suggestions for a unit picker (htmx): the units the user sees whose code or name matches
    what was typed, accent-insensitively; in a list field, what is typed after the last comma."""
    field = request.GET.get("field", "")[:100]
    text = request.GET.get(field, "") if field else ""
    multiple = request.GET.get("multiple") == "1"
    if multiple:
        text = text.replace("\n", ",").split(",")[-1]
    text = text.split("—")[0].strip()[:100]
    results = []
    if len(text) >= 2:
        results = list(access.visible_units(request.user).search(text).order_by("depth", "path")[:PICK_LIMIT])
    return render(request, "units/_pick.html", {"results": results, "field": field, "multiple": multiple, "text": text})


@login_required
def unit_export(request, code, fmt):
    """The subtree as a spreadsheet; a large one (a city's directory) is prepared in the background
    and the user watches its progress on the export's page."""
    unit = access.get_unit_or_404(request.user, code)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return send_or_prepare(
        request, rows=Unit.objects.subtree(unit).count(), kind="units", params={"code": unit.code, "fmt": fmt},
        title=_("Directory of %(unit)s (.%(fmt)s)") % {"unit": unit.name, "fmt": fmt},
        build=lambda: export_file(unit, fmt),
    )  # fmt: skip


@login_required
def unit_import(request, code):
    unit = access.get_unit_or_404(request.user, code)
    access.require(access.can_manage_unit(request.user, unit))
    report = None
    if request.method == "POST":
        form = UnitImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = import_units(
                actor=request.user,
                data=upload.read(),
                filename=upload.name,
                dry_run=form.cleaned_data["dry_run"],
                scope=None if request.user.is_superuser and unit.depth == 1 else unit,
            )
    else:
        form = UnitImportForm()
    return render(request, "units/import.html", {"unit": unit, "form": form, "report": report})


@login_required
def unit_edit(request, code):
    unit = access.get_unit_or_404(request.user, code)
    access.require(access.can_manage_unit(request.user, unit))
    if request.method == "POST":
        form = UnitForm(request.POST, unit=unit)
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
            changes = unit_update(actor=request.user, unit=unit, values=values, reason=form.cleaned_data["reason"])
            if changes:
                messages.success(
                    request,
                    _("Saved: %(fields)s.")
                    % {"fields": ", ".join(str(UnitForm.base_fields[f].label) for f in changes)},
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("units:detail", code=unit.code)
    else:
        form = UnitForm(initial={f: getattr(unit, f) for f in UnitForm.base_fields if f != "reason"}, unit=unit)
    return render(request, "units/edit.html", {"unit": unit, "form": form})


@login_required
def unit_history(request, code):
    """The audit trail of one unit: every change to it, newest first."""
    unit = access.get_unit_or_404(request.user, code)
    access.require(access.can_manage_unit(request.user, unit))
    entries = AuditEntry.objects.filter(object_type="units.unit", object_id=str(unit.pk)).select_related("actor")
    page = Paginator(entries, 50).get_page(request.GET.get("trang"))
    labels = {f.name: f.verbose_name for f in Unit._meta.get_fields() if hasattr(f, "verbose_name")}
    rows = [(e, [(labels.get(k, k), v[0], v[1]) for k, v in e.changes.items()]) for e in page]
    return render(request, "units/history.html", {"unit": unit, "page": page, "rows": rows})


@login_required
def unit_roles(request, code):
    """Who holds which role on this unit; coordinators give and take roles here (audited)."""
    unit = access.get_unit_or_404(request.user, code)
    access.require(access.can_manage_unit(request.user, unit))
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST":
        if "revoke" in request.POST:
            pick = PickForm(
                request.POST,
                name="revoke",
                queryset=unit.role_assignments.select_related("user", "unit"),
                message=_("Choose a role held on this unit."),
            )
            return post_action(
                request,
                pick,
                lambda data: role_revoke(actor=request.user, assignment=data["revoke"], reason=data["reason"]),
                success=_("The role is taken away."),
                then=("units:roles", code),
            )
        if form.is_valid():
            user = form.existing or account_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
            role_grant(actor=request.user, user=user, unit=unit, role=form.cleaned_data["role"])
            values = {
                "user": user.get_full_name() or user.get_username(),
                "role": Role(form.cleaned_data["role"]).label,
                "unit": unit.name,
            }
            messages.success(request, _("%(user)s is now %(role)s of %(unit)s.") % values)
            return redirect("units:roles", code=code)
    assignments = unit.role_assignments.select_related("user").order_by("role", "user__username")
    return render(request, "units/roles.html", {"unit": unit, "form": form, "assignments": assignments})
