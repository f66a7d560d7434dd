from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.campaigns import access as campaign_access
from thidua.campaigns.models import Indicator, Milestone
from thidua.campaigns.queries import assignment_applies, in_scope
from thidua.core import timeutils
from thidua.core.errors import Refused
from thidua.core.exports import send_or_prepare
from thidua.core.forms import PickForm, errors_text, post_action
from thidua.core.spreadsheets import XLSX_CONTENT_TYPE, write_xlsx
from thidua.progress import access as progress_access
from thidua.progress import exchange, queries, rules, services
from thidua.progress.forms import DecisionForm, EventForm, UploadForm, ValuesForm
from thidua.progress.models import ActivityEvent, IndicatorValue, PendingValue, SignOff, ValueChange
from thidua.units import access
from thidua.units.models import Unit, UnitKind


def _scope(request, campaign) -> Unit:
    return campaign_access.campaign_scope(request.user, campaign, request.GET.get("don-vi"))


def _indicator_or_404(campaign, code) -> Indicator:
    indicator = campaign.indicators.select_related("goal", "activity").filter(code=code).first()
    if indicator is None:
        raise Http404
    return indicator


# --- dashboards -------------------------------------------------------------------------------


@login_required
def dashboard(request, slug):
    """Every goal and indicator of the campaign against its target, for a subtree."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    unit = _scope(request, campaign)
    approved = request.GET.get("duyet") == "1"
    indicators = list(campaign.indicators.select_related("goal", "activity").order_by("order"))
    figures = {f.indicator.pk: f for f in queries.figures_as(indicators, unit, approved=approved)}
    goals = [(g, [figures[i.pk] for i in indicators if i.goal_id == g.pk]) for g in campaign.goals.all()]
    activities = [
        (a, [figures[i.pk] for i in indicators if i.activity_id == a.pk])
        for a in campaign.activities.prefetch_related("assignments")
    ]
    # Activity leads: the activities the user's own units lead or co-lead.
    mine = access.role_units(request.user)
    led = {a.pk for a, _f in activities for s in a.assignments.all() for u in mine if assignment_applies(s, u)}
    if request.GET.get("xuat") == "xlsx":
        return _export(campaign, unit, approved, [figures[i.pk] for i in indicators])
    return render(
        request,
        "progress/dashboard.html",
        {
            "campaign": campaign,
            "unit": unit,
            "approved": approved,
            "goals": goals,
            "activities": [(a, f) for a, f in activities if f],
            "led": led,
            "as_of": queries.as_of(campaign, unit),
            "can_enter": access.can_edit_unit(request.user, unit),
        },
    )


def _result_cell(figure):
    """A figure's result in a spreadsheet: the number, empty (nothing to compute), or "not reported"."""
    if figure.value is not None:
        return float(figure.value)
    return None if figure.has_data else "chưa báo cáo"


def _export(campaign, unit, approved, figures):
    rows = [
        [
            f.indicator.code,
            f.indicator.name,
            f.indicator.get_kind_display(),
            _result_cell(f),
            float(f.indicator.target_value) if f.indicator.target_value is not None else None,
            float(f.progress) if f.progress is not None else None,
            f.reported,
            f.expected,
            int(f.numerator),
            int(f.denominator) if f.indicator.kind == Indicator.Kind.RATIO else None,
        ]
        for f in figures
    ]
    headers = [
        "Mã",
        "Chỉ tiêu",
        "Loại",
        "Kết quả",
        "Mục tiêu",
        "% mục tiêu",
        "Đơn vị đã báo cáo",
        "Đơn vị phải báo cáo",
        "Tử số / tổng",
        "Mẫu số",
    ]
    title = f"{unit.code} {'đã duyệt' if approved else 'mới nhất'}"
    response = HttpResponse(write_xlsx(headers, rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="chi-tieu-{campaign.slug}-{unit.code}.xlsx"'
    return response


def breakdown_xlsx(campaign, indicator, unit, lines) -> tuple[str, bytes]:
    """The units below, as on the indicator's page, as an .xlsx file (its name and bytes)."""
    rows = [
        [
            b.unit.code,
            b.unit.name,
            _result_cell(b.figure),
            b.figure.reported,
            b.figure.expected,
            int(b.figure.numerator),
            int(b.figure.denominator) if indicator.kind == Indicator.Kind.RATIO else None,
            float(b.commitment) if b.commitment is not None else None,
            float(b.against_commitment) if b.against_commitment is not None else None,
        ]
        for b in lines
    ]
    headers = [
        "Mã đơn vị",
        "Đơn vị",
        "Kết quả",
        "Đơn vị đã báo cáo",
        "Đơn vị phải báo cáo",
        "Tử số / tổng",
        "Mẫu số",
        "Cam kết",
        "% cam kết",
    ]
    return f"{campaign.slug}-{indicator.code}-{unit.code}.xlsx", write_xlsx(headers, rows, title=indicator.code[:31])


# Best first, as the indicator's direction says ("lower is better" for overdue dossiers).
SORTS = {
    "ten": lambda b, i: b.unit.path,
    "ket-qua": lambda b, i: i.rank_key(b.figure.value),
    "bao-cao": lambda b, i: -(b.figure.reported / b.figure.expected if b.figure.expected else 0),
    "cam-ket": lambda b, i: i.rank_key(b.against_commitment),
}


def _matrix_indicators(campaign, query) -> list[Indicator]:
    """The key indicators (those with a target, in goal order), all of them with ?tat-ca=1, or one goal's."""
    indicators = list(campaign.indicators.select_related("goal").order_by("goal__order", "order"))
    goal = query.get("muc-tieu", "")
    if goal:
        return [i for i in indicators if i.goal is not None and i.goal.code == goal]
    if query.get("tat-ca") == "1":
        return indicators
    return [i for i in indicators if i.target_value is not None or i.goal_id is not None]


def _matrix_sort(rows, key: str, indicators):
    if key == "cham":
        rows.sort(key=lambda r: (-r.behind(), r.unit.path))
    for n, indicator in enumerate(indicators):
        if key == indicator.code:
            rows.sort(
                key=lambda r, n=n, i=indicator: i.rank_key(r.cells[n].figure.value if r.cells[n].figure else None)
            )
    return rows


def _matrix(campaign, unit, query):
    """The matrix's indicators, rows and clusters as `query` asks (?loai, ?muc-tieu, ?tat-ca, ?cum,
    ?sap-xep: the page's GET or a background export's parameters)."""
    kind = query.get("loai", "")
    indicators = _matrix_indicators(campaign, query)
    rows = queries.matrix(indicators, unit, [kind] if kind in UnitKind.values else [])
    clusters = list(campaign.clusters.all())
    cluster = next((c for c in clusters if c.code == query.get("cum")), None)
    if cluster is not None:  # an emulation cluster: its members among the rows
        members = set(cluster.members(campaign).filter(pk__in=[r.unit.pk for r in rows]).values_list("pk", flat=True))
        rows = [r for r in rows if r.unit.pk in members]
    return indicators, _matrix_sort(rows, query.get("sap-xep", "ten"), indicators), clusters, cluster


MATRIX_FILTERS = ("loai", "muc-tieu", "tat-ca", "cum", "sap-xep")


@login_required
def steering_matrix(request, slug):
    """Units below × goals and key indicators, coloured by attainment: which units are behind on what."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    unit = _scope(request, campaign)
    kind, sort = request.GET.get("loai", ""), request.GET.get("sap-xep", "ten")
    indicators, rows, clusters, cluster = _matrix(campaign, unit, request.GET)
    if request.GET.get("xuat") == "xlsx":
        params = {"slug": campaign.slug, "don-vi": unit.code}
        params |= {key: request.GET[key] for key in MATRIX_FILTERS if request.GET.get(key)}
        return send_or_prepare(
            request, rows=len(rows), kind="matrix", params=params,
            title=_("Steering matrix of %(unit)s (.xlsx)") % {"unit": unit.name},
            build=lambda: _export_matrix(campaign, unit, indicators, rows),
        )  # fmt: skip
    present = set(Unit.objects.subtree(unit).filter(depth=unit.depth + 1).values_list("kind", flat=True))
    query = request.GET.copy()
    query.pop("sap-xep", None)
    return render(
        request,
        "progress/matrix.html",
        {
            "campaign": campaign,
            "unit": unit,
            "indicators": indicators,
            "goals": _goal_spans(indicators),
            "rows": rows,
            "kind": kind,
            "kinds": [(k, label) for k, label in UnitKind.choices if k in present],
            "clusters": clusters,
            "cluster": cluster.code if cluster else "",
            "sort": sort,
            "query": query.urlencode(),
            "all_goals": list(campaign.goals.all()),
            "goal": request.GET.get("muc-tieu", ""),
            "ancestors": [
                a
                for a in unit.ancestors()
                if access.can_view_unit(request.user, a) and campaign.issuer_unit.contains(a)
            ],
        },
    )


def _goal_spans(indicators) -> list[tuple[str, int]]:
    """(goal label, number of its indicators) for the header row grouping the columns."""
    spans: list[list] = []
    for indicator in indicators:
        label = indicator.goal.code if indicator.goal else _("Other")
        if spans and spans[-1][0] == label:
            spans[-1][1] += 1
        else:
            spans.append([label, 1])
    return [(label, n) for label, n in spans]


def _export_matrix(campaign, unit, indicators, rows) -> tuple[str, bytes]:
    headers = ["Mã đơn vị", "Đơn vị"]
    for i in indicators:
        headers += [f"{i.code} — kết quả", f"{i.code} — % đạt"]
    data = []
    for row in rows:
        line = [row.unit.code, row.unit.name]
        for cell in row.cells:
            line.append(_result_cell(cell.figure) if cell.figure else "không báo cáo")
            line.append(float(cell.attainment) if cell.attainment is not None else None)
        data.append(line)
    return f"ma-tran-{campaign.slug}-{unit.code}.xlsx", write_xlsx(headers, data, title="Ma tran")


@login_required
def rules_report(request, slug):
    """The campaign's validation rules and every unit of the subtree whose figures break one."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    unit = _scope(request, campaign)
    found = rules.subtree_report(campaign, unit)
    return render(
        request,
        "progress/rules.html",
        {
            "campaign": campaign,
            "unit": unit,
            "rules": list(campaign.validation_rules.all()),
            "refused": [v for v in found if v.refuses],
            "warned": [v for v in found if not v.refuses],
            "names": dict(campaign.indicators.values_list("code", "name")),
        },
    )


def _breakdown_lines(indicator, unit, sort: str):
    lines = queries.breakdown(indicator, unit)
    order = SORTS.get(sort, SORTS["ten"])
    lines.sort(key=lambda b: order(b, indicator))
    return lines


def _background_scope(user, params: dict):
    """The campaign and subtree of a background export (thidua.core.exports), the user's access to
    them checked again: a role withdrawn since the request leaves nothing to download."""
    try:
        campaign = campaign_access.get_campaign_or_404(user, params.get("slug", ""))
        return campaign, campaign_access.campaign_scope(user, campaign, params.get("don-vi"))
    except Http404:
        raise Refused(_("This table is not yours to export.")) from None


def breakdown_export_build(user, params: dict, progress) -> tuple[str, bytes]:
    campaign, unit = _background_scope(user, params)
    indicator = campaign.indicators.filter(code=params.get("indicator")).first()
    if indicator is None:
        raise Refused(_("This table is not yours to export."))
    lines = _breakdown_lines(indicator, unit, params.get("sap-xep", "ten"))
    progress(50)
    return breakdown_xlsx(campaign, indicator, unit, lines)


def matrix_export_build(user, params: dict, progress) -> tuple[str, bytes]:
    campaign, unit = _background_scope(user, params)
    indicators, rows, _clusters, _cluster = _matrix(campaign, unit, params)
    progress(50)
    return _export_matrix(campaign, unit, indicators, rows)


@login_required
def indicator_detail(request, slug, code):
    """One indicator for a subtree: the total, its course over time, the units below (sortable,
    drill-down), the best and worst against their own commitments."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    indicator = _indicator_or_404(campaign, code)
    unit = _scope(request, campaign)
    sort = request.GET.get("sap-xep", "ten")
    lines = _breakdown_lines(indicator, unit, sort)
    if request.GET.get("xuat") == "xlsx":
        return send_or_prepare(
            request, rows=len(lines), kind="breakdown",
            params={"slug": campaign.slug, "indicator": indicator.code, "don-vi": unit.code, "sap-xep": sort},
            title=_("%(indicator)s by unit, %(unit)s (.xlsx)") % {"indicator": indicator.code, "unit": unit.name},
            build=lambda: breakdown_xlsx(campaign, indicator, unit, lines),
        )  # fmt: skip
    approved = request.GET.get("duyet") == "1"
    total = queries.figures_as([indicator], unit, approved=approved)[0]
    ranked = [b for b in lines if b.against_commitment is not None and b.unit.pk != unit.pk]
    ranked.sort(key=lambda b: indicator.rank_key(b.against_commitment))
    points = queries.series(indicator, unit)
    ancestors = [
        a for a in unit.ancestors() if access.can_view_unit(request.user, a) and campaign.issuer_unit.contains(a)
    ]
    return render(
        request,
        "progress/indicator.html",
        {
            "campaign": campaign,
            "indicator": indicator,
            "unit": unit,
            "ancestors": ancestors,
            "approved": approved,
            "total": total,
            "lines": lines,
            "sort": sort,
            "best": ranked[:5],
            "worst": list(reversed(ranked[-5:])) if len(ranked) > 5 else [],
            "chart": {
                "labels": [d.strftime("%d/%m") for d, _f in points],
                "values": [float(f.value) if f.value is not None else None for _d, f in points],
                "target": float(indicator.target_value) if indicator.target_value is not None else None,
                "percent": indicator.kind != Indicator.Kind.COUNT,
            },
            "as_of": total.updated_at,
        },
    )


# --- data entry -------------------------------------------------------------------------------


def _entry_unit(request, campaign, code) -> Unit:
    unit = access.get_unit_or_404(request.user, code)
    if not campaign.issuer_unit.contains(unit):
        raise Http404
    return unit


@login_required
def entry(request, slug, code):
    """A unit's own figures, one row per indicator it reports; the units below that report too."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    unit = _entry_unit(request, campaign, code)
    can_edit = access.can_edit_unit(request.user, unit) and campaign.status == campaign.Status.PUBLISHED
    indicators = [
        i for i in campaign.indicators.select_related("activity").order_by("order") if in_scope(i, campaign, unit)
    ]
    if unit.closed_on:
        indicators = [i for i in indicators if i.kind == Indicator.Kind.COUNT]
    current = {v.indicator_id: v for v in IndicatorValue.objects.filter(unit=unit, indicator__in=indicators)}
    form = ValuesForm(request.POST or None, unit=unit, indicators=indicators, current=current)
    jumps, lock = [], None
    if indicators:
        # Figures approved as of today (or later) are locked; earlier approvals leave new figures open.
        lock = services.locked_by(indicators[0], unit, timeutils.local(timeutils.now()).date())
    if request.method == "POST":
        campaign_access.require_open(campaign)
        access.require(can_edit)
        if form.is_valid():
            changes = form.changes()
            try:
                warnings = services.indicator_values_save(
                    actor=request.user,
                    campaign=campaign,
                    unit=unit,
                    changes=changes,
                    as_of=form.cleaned_data["as_of"],
                    confirm=form.cleaned_data["confirm"],
                )
            except services.JumpsToConfirm as exc:
                jumps = exc.indicators
                form.add_error(
                    None,
                    _(
                        "Some figures are more than three times the previous ones. Check them, tick the box and save again."
                    ),
                )
            except Refused as exc:
                form.add_error(None, str(exc))
            else:
                for warning in warnings:
                    messages.warning(request, warning.message)
                if changes:
                    messages.success(
                        request, _("%(n)s figure(s) saved; the totals above are up to date.") % {"n": len(changes)}
                    )
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("progress:entry", slug=slug, code=code)
    every_indicator = list(campaign.indicators.all())  # once, not once per unit below
    below = [
        u
        for u in Unit.objects.subtree(unit).filter(depth=unit.depth + 1).order_by("path")
        if u.numchild or any(in_scope(i, campaign, u) for i in every_indicator)
    ]
    milestones = [m for m in campaign.milestones.all() if m.kind in (Milestone.Kind.MIDTERM, Milestone.Kind.FINAL)]
    signoffs = list(
        SignOff.objects.filter(unit=unit, campaign=campaign).select_related("milestone", "decided_by", "submitted_by")
    )
    history = ValueChange.objects.filter(unit=unit, indicator__campaign=campaign).select_related(
        "indicator", "changed_by"
    )[:20]
    return render(
        request,
        "progress/entry.html",
        {
            "campaign": campaign,
            "unit": unit,
            "form": form,
            "groups": _grouped(form.bound_rows()),
            "jumps": {i.pk for i in jumps},
            "can_edit": can_edit and lock is None,
            "lock": lock,
            "below": below[:200],
            "milestones": milestones,
            "signoffs": signoffs,
            "history": history,
            "upload_form": UploadForm(),
            "pending": PendingValue.objects.filter(unit=unit, indicator__campaign=campaign).select_related("indicator"),
        },
    )


def _grouped(rows) -> list[tuple[str, list]]:
    """The entry rows by the activity their indicator belongs to (the campaign's own order), so a
    phone shows short sections instead of one long table."""
    groups: list[tuple[str, list]] = []
    for row in rows:
        title = row[0].activity.title if row[0].activity else _("Goals of the campaign")
        if groups and groups[-1][0] == title:
            groups[-1][1].append(row)
        else:
            groups.append((title, [row]))
    return groups


@login_required
def template(request, slug, code):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    unit = _entry_unit(request, campaign, code)
    access.require(access.can_edit_unit(request.user, unit))
    rows = list(exchange.template_rows(campaign, unit, lambda u: access.can_edit_unit(request.user, u)))
    response = HttpResponse(write_xlsx(exchange.headers(), rows, title="So lieu"), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="so-lieu-{campaign.slug}-{unit.code}.xlsx"'
    return response


@require_POST
@login_required
def upload(request, slug, code):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    unit = _entry_unit(request, campaign, code)
    access.require(access.can_edit_unit(request.user, unit))
    campaign_access.require_open(campaign)
    form = UploadForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        f = form.cleaned_data["file"]
        report = exchange.upload(
            actor=request.user,
            campaign=campaign,
            scope=unit,
            data=f.read(),
            filename=f.name,
            editable=lambda u: access.can_edit_unit(request.user, u),
        )
        if not report.problems:
            messages.success(
                request,
                _("%(n)s figure(s) saved from %(file)s (%(u)s unchanged).")
                % {"n": report.changed, "file": f.name, "u": report.unchanged},
            )
            for warning in report.warnings:
                messages.warning(request, warning)
            return redirect("progress:entry", slug=slug, code=code)
    return render(
        request, "progress/upload_report.html", {"campaign": campaign, "unit": unit, "report": report, "form": form}
    )


# --- activity log ------------------------------------------------------------------------------


@login_required
def events(request, slug, code):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    unit = _entry_unit(request, campaign, code)
    can_edit = access.can_edit_unit(request.user, unit) and campaign.status == campaign.Status.PUBLISHED
    activities = list(campaign.activities.all())
    count_fields = [i for a in activities for i in services.event_indicators(a, unit)]
    form = EventForm(request.POST or None, activities=activities, count_fields=count_fields)
    if request.method == "POST":
        campaign_access.require_open(campaign)
        access.require(can_edit)
        if "withdraw" in request.POST:
            pick = PickForm(
                request.POST,
                name="withdraw",
                queryset=ActivityEvent.objects.filter(unit=unit, campaign=campaign),
                message=_("Choose an event of this unit."),
            )
            return post_action(  # refused, e.g., when the figures are locked by an approval
                request,
                pick,
                lambda data: services.event_withdraw(
                    actor=request.user, event=data["withdraw"], reason=data["reason"] or _("entered by mistake")
                ),
                success=_("The event is withdrawn and its counts taken off."),
                then=("progress:events", slug, code),
            )
        if form.is_valid():
            activity = next(a for a in activities if a.code == form.cleaned_data["activity"])
            try:
                services.event_record(
                    actor=request.user,
                    activity=activity,
                    unit=unit,
                    date=form.cleaned_data["date"],
                    place=form.cleaned_data["place"],
                    participants=form.cleaned_data["participants"],
                    description=form.cleaned_data["description"],
                    counts=form.counts(activity),
                )
            except Refused as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, _("The event is recorded and its counts added."))
                for warning in services.event_warnings(activity, form.cleaned_data["date"]):
                    messages.warning(request, warning)
                return redirect("progress:events", slug=slug, code=code)
    items = ActivityEvent.objects.filter(campaign=campaign, unit=unit).select_related("activity", "created_by")
    names = dict(campaign.indicators.values_list("code", "name"))
    return render(
        request,
        "progress/events.html",
        {"campaign": campaign, "unit": unit, "form": form, "items": items, "can_edit": can_edit, "names": names},
    )


# --- sign-off ---------------------------------------------------------------------------------


@require_POST
@login_required
def signoff_submit(request, slug, code):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    unit = _entry_unit(request, campaign, code)
    access.require(access.can_edit_unit(request.user, unit))
    campaign_access.require_open(campaign)
    milestone = campaign.milestones.filter(code=request.POST.get("milestone") or "").first()
    if milestone is None:
        messages.error(request, _("Choose the report the figures are signed off with."))
        return redirect("progress:entry", slug=slug, code=code)
    try:
        result = services.signoff_submit(actor=request.user, milestone=milestone, unit=unit)
        messages.success(
            request,
            _("%(n)s figure(s) signed off with “%(m)s”; the unit above is asked to approve them.")
            % {"n": result.values, "m": milestone.title},
        )
    except Refused as exc:
        messages.error(request, str(exc))
    return redirect("progress:entry", slug=slug, code=code)


@login_required
def signoffs(request, slug):
    """Sign-offs of the units below the user's, awaiting approval first."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    visible = (
        SignOff.objects.filter(campaign=campaign, unit__in=access.visible_units(request.user))
        .select_related("unit", "milestone", "submitted_by", "decided_by")
        .annotate(decided=Case(When(status=SignOff.Status.SUBMITTED, then=0), default=1))
        .order_by("decided", "-submitted_at")
    )
    items = [s for s in visible if progress_access.may_see_signoff(request.user, s)]
    return render(
        request,
        "progress/signoffs.html",
        {
            "campaign": campaign,
            "items": [(s, progress_access.may_decide_signoff(request.user, s)) for s in items],
            "now": timeutils.now(),
            "pending": PendingValue.objects.filter(
                indicator__campaign=campaign, unit__in=access.visible_units(request.user)
            ).select_related("indicator", "unit"),
        },
    )


@require_POST
@login_required
def signoff_decide(request, slug, signoff_id):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    signoff = SignOff.objects.select_related("unit").filter(pk=signoff_id, campaign=campaign).first()
    if signoff is None or not access.can_view_unit(request.user, signoff.unit):
        raise Http404
    access.require(progress_access.may_decide_signoff(request.user, signoff))
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.signoff_decide(
                actor=request.user,
                signoff=signoff,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Recorded."))
        except Refused as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, errors_text(form))
    return redirect("progress:signoffs", slug=slug)
