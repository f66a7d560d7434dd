import csv
import datetime as dt
import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from thidua.campaigns import access as campaign_access
from thidua.campaigns.models import Milestone
from thidua.campaigns.queries import in_scope, unit_obligations
from thidua.core import files, timeutils
from thidua.core.errors import Refused
from thidua.core.exports import send_or_prepare
from thidua.core.forms import post_action
from thidua.core.spreadsheets import write_xlsx
from thidua.submissions import access as submission_access
from thidua.submissions import messages as messages_
from thidua.submissions import queries, services
from thidua.submissions.forms import DeadlineExceptionForm, MessageForm, RegistrationForm, ReviewForm, SubmissionForm
from thidua.submissions.models import DeadlineException, Registration, Submission, SubmissionFile
from thidua.units import access
from thidua.units.models import DIRECT_KINDS, GROUP_KINDS, Role, Unit, UnitGroup

# Nothing here deletes or replaces anything: other methods (DELETE, PUT, PATCH …) get 405.
require_get_or_post = require_http_methods(["GET", "HEAD", "POST"])


def _milestone_or_404(campaign, code) -> Milestone:
    milestone = campaign.milestones.filter(code=code).first()
    if milestone is None:
        raise Http404
    return milestone


def _scope_unit(request, campaign) -> Unit:
    """The subtree a board shows: ?don-vi=CODE if the user sees it, else the widest the user sees."""
    return campaign_access.campaign_scope(request.user, campaign, request.GET.get("don-vi"))


# --- registration -----------------------------------------------------------------------------


@require_get_or_post
@login_required
def registration(request, slug, code):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    unit = access.get_unit_or_404(request.user, code)
    # Only units some milestone expects register (the others have nothing to pledge for).
    if not any(queries.is_expected(m, campaign, unit) for m in campaign.milestones.all()):
        raise Http404
    indicators = [i for i in campaign.indicators.all() if in_scope(i, campaign, unit)]
    reg = Registration.objects.filter(campaign=campaign, unit=unit).first()
    revisions = (
        list(reg.revisions.select_related("created_by").prefetch_related("commitments__indicator")) if reg else []
    )
    latest = revisions[0] if revisions else None
    is_open = services.registration_is_open(campaign)
    coordinator = campaign_access.can_manage_campaign(request.user, campaign)
    may_edit = access.can_edit_unit(request.user, unit) and (is_open or coordinator)
    initial = {c.indicator_id: c.value for c in latest.commitments.all()} if latest else {}
    if request.method == "POST":
        campaign_access.require_open(campaign)
        access.require(may_edit)
        form = RegistrationForm(request.POST, indicators=indicators)
        if form.is_valid():
            try:
                services.registration_save(
                    actor=request.user,
                    campaign=campaign,
                    unit=unit,
                    commitments=form.commitments(),
                    note=form.cleaned_data["note"],
                    # The coordinator acting for a unit (or after the deadline) registers on its behalf.
                    on_behalf=coordinator and (not is_open or not access.has_role(request.user, {Role.OFFICER}, unit)),
                )
            except Refused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The registration of %(unit)s is saved.") % {"unit": unit.name})
                return redirect("submissions:registration", slug=slug, code=code)
    else:
        form = RegistrationForm(
            indicators=indicators, initial_values=initial, initial={"note": latest.note if latest else ""}
        )
    return render(
        request,
        "submissions/registration.html",
        {
            "campaign": campaign,
            "unit": unit,
            "form": form,
            "revisions": revisions,
            "is_open": is_open,
            "may_edit": may_edit,
        },
    )


BOARD_PAGE = 200  # rows of a board page; the exports have them all


@require_safe
@login_required
def registration_board(request, slug):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    scope = _scope_unit(request, campaign)
    units = queries.registration_units(campaign, scope)
    registered = Registration.objects.filter(campaign=campaign).values("unit_id")
    state = request.GET.get("trang-thai", "")
    shown = units
    if state == "da-dang-ky":
        shown = units.filter(pk__in=registered)
    elif state == "chua-dang-ky":
        shown = units.exclude(pk__in=registered)
    # A page of units; the counts are over all of them.
    page = Paginator(shown, BOARD_PAGE).get_page(request.GET.get("trang"))
    regs = queries.registrations_by_unit(campaign, [u.pk for u in page])
    rows = [(u, regs.get(u.pk)) for u in page]
    return render(
        request,
        "submissions/registration_board.html",
        {
            "campaign": campaign,
            "scope": scope,
            "rows": rows,
            "page": page,
            "total": units.count(),
            "registered": units.filter(pk__in=registered).count(),
            "state": state,
            "can_manage": campaign_access.can_manage_campaign(request.user, campaign),
        },
    )


# --- one unit, one milestone ------------------------------------------------------------------


@require_get_or_post
@login_required
def milestone_unit(request, slug, milestone_code, code):
    """The unit's page for one document: its status, every version with files and receipts, the
    reviews, the upload form (officers), review and extension forms (coordinator)."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    milestone = _milestone_or_404(campaign, milestone_code)
    unit = Unit.objects.filter(code=code).first()
    if (
        unit is None
        or not submission_access.can_see_documents(request.user, milestone, unit)
        or not queries.is_expected(milestone, campaign, unit)
    ):
        raise Http404
    may_edit = submission_access.may_send(request.user, campaign, unit)
    upload_form = SubmissionForm()
    if request.method == "POST":
        # The deadline burst: a good upload goes straight to its receipt, without building the
        # status and version list that only the page needs (the service refuses an exemption).
        campaign_access.require_open(campaign)
        access.require(may_edit)
        upload_form = SubmissionForm(request.POST, request.FILES)
        if upload_form.is_valid():
            uploads = [files.uploaded(f) for f in upload_form.cleaned_data["files"]]
            try:
                submission = services.submission_create(
                    actor=request.user,
                    milestone=milestone,
                    unit=unit,
                    uploads=uploads,
                    note=upload_form.cleaned_data["note"],
                )
            except Refused as exc:
                upload_form.add_error("files", str(exc))
            else:
                messages.success(request, _("Received. Receipt number %(n)s.") % {"n": submission.receipt_number})
                return redirect("submissions:receipt", slug=slug, number=submission.receipt_number)
    state = queries.statuses(milestone, [unit.pk])[unit.pk]
    versions = list(
        Submission.objects.filter(milestone=milestone, unit=unit)
        .select_related("created_by", "answers")
        .prefetch_related("files__stored", "reviews__reviewer")
    )
    can_submit = may_edit and state.status != queries.Status.EXEMPTED
    can_review = submission_access.can_review_milestone(request.user, milestone)
    return render(
        request,
        "submissions/milestone_unit.html",
        {
            "campaign": campaign,
            "milestone": milestone,
            "unit": unit,
            "state": state,
            "versions": versions,
            "can_submit": can_submit,
            "upload_form": upload_form,
            "can_review": can_review,
            "review_form": ReviewForm(),
            "can_grant": campaign_access.can_manage_campaign(request.user, campaign),
            "exception_form": DeadlineExceptionForm(
                initial={"kind": state.exception.kind, "reason": state.exception.reason}
                if state.exception
                else {"kind": "extension"}
            ),
        },
    )


@require_safe
@login_required
def receipt(request, slug, number):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    submission = (
        Submission.objects.select_related("milestone", "unit", "created_by")
        .filter(receipt_number=number, milestone__campaign=campaign)
        .first()
    )
    if submission is None or not submission_access.can_see_documents(
        request.user, submission.milestone, submission.unit
    ):
        raise Http404
    state = queries.statuses(submission.milestone, [submission.unit_id])[submission.unit_id]
    return render(
        request,
        "submissions/receipt.html",
        {
            "campaign": campaign,
            "s": submission,
            "files": submission.files.select_related("stored"),
            "current_deadline": state.deadline,
        },
    )


@require_safe
@login_required
def download(request, slug, file_id):
    """Files go out only through here, after the access check; never from a public path. Each
    download is recorded in the audit trail."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    item = (
        SubmissionFile.objects.select_related("submission__unit", "submission__milestone__campaign", "stored")
        .filter(pk=file_id, submission__milestone__campaign=campaign)
        .first()
    )
    if item is None or not submission_access.can_see_documents(
        request.user, item.submission.milestone, item.submission.unit
    ):
        raise Http404
    response = files.download_response(item.stored, item.name)  # 404 if the bytes are missing: not recorded
    if request.method != "HEAD":  # a HEAD hands out no bytes
        services.file_download_record(actor=request.user, item=item)
    return response


@require_POST
@login_required
def review(request, slug, submission_id):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    submission = (
        Submission.objects.select_related("milestone", "unit")
        .filter(pk=submission_id, milestone__campaign=campaign)
        .first()
    )
    if submission is None or not submission_access.can_see_documents(
        request.user, submission.milestone, submission.unit
    ):
        raise Http404
    access.require(submission_access.can_review_milestone(request.user, submission.milestone))
    return post_action(
        request,
        ReviewForm(request.POST),
        lambda data: services.submission_review(
            actor=request.user, submission=submission, decision=data["decision"], comment=data["comment"]
        ),
        success=_("The review is recorded and the unit is notified."),
        then=("submissions:milestone", slug, submission.milestone.code, submission.unit.code),
    )


@require_POST
@login_required
def deadline_exception(request, slug, milestone_code, code):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    milestone = _milestone_or_404(campaign, milestone_code)
    unit = access.get_unit_or_404(request.user, code)
    access.require(campaign_access.can_manage_campaign(request.user, campaign))
    then = ("submissions:milestone", slug, milestone.code, unit.code)
    if "remove" in request.POST:
        existing = DeadlineException.objects.filter(milestone=milestone, unit=unit).first()
        if existing:
            services.deadline_exception_remove(
                actor=request.user, exception=existing, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The extension or exemption is withdrawn."))
        return redirect(*then)
    return post_action(
        request,
        DeadlineExceptionForm(request.POST),
        lambda data: services.deadline_exception_set(
            actor=request.user,
            milestone=milestone,
            unit=unit,
            kind=data["kind"],
            new_deadline=data["new_deadline"],
            reason=data["reason"],
        ),
        success=_("Saved; the unit is notified."),
        then=then,
    )


# --- the completeness board ------------------------------------------------------------------

KIND_LABELS = {
    "truc-thuoc": gettext_lazy("Direct units"),
    "ban": gettext_lazy("Departments and office"),
    "su-nghiep": gettext_lazy("Institutions"),
    "doanh-nghiep": gettext_lazy("Enterprises"),
    "quan-huyen": gettext_lazy("District unions"),
    "truong": gettext_lazy("Universities and colleges"),
}
KIND_FILTERS = {
    "truc-thuoc": DIRECT_KINDS,
    "ban": GROUP_KINDS[UnitGroup.DEPARTMENTS],
    "su-nghiep": GROUP_KINDS[UnitGroup.INSTITUTIONS],
    "doanh-nghiep": GROUP_KINDS[UnitGroup.ENTERPRISES],
    "quan-huyen": ("district",),
    "truong": ("school",),
}


def _cluster(query, campaign):
    """The emulation cluster chosen with ?cum=CODE, if the campaign has it."""
    code = query.get("cum", "")[:20]
    return campaign.clusters.filter(code=code).first() if code else None


def _board(user, campaign, query, now=None):
    """The board as asked by `query` (?don-vi, ?loai, ?cum, ?tinh-trang, ?moc: the page's GET, or
    the parameters of a background export, which name the scope and the moment)."""
    scope = campaign_access.campaign_scope(user, campaign, query.get("don-vi"))
    kind = query.get("loai", "")
    result = queries.board(
        campaign, within=scope, kinds=KIND_FILTERS.get(kind), cluster=_cluster(query, campaign), now=now
    )
    status = query.get("tinh-trang", "")
    column = next((n for n, m in enumerate(result.milestones) if m.code == query.get("moc")), None)
    if status and column is not None:  # in that status for that document
        result.rows = [(u, cells) for u, cells in result.rows if cells[column] and cells[column].status == status]
    elif status:  # in that status for any document
        result.rows = [(u, cells) for u, cells in result.rows if any(c and c.status == status for c in cells)]
    return scope, kind, status, result


@require_safe
@login_required
def board(request, slug):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    scope, kind, status, result = _board(request.user, campaign, request.GET)
    districts = Unit.objects.filter(depth=campaign.issuer_unit.depth + 1, kind="district").order_by("path")
    # A page of rows: a campaign addressed to every grassroots unit must not render 40,000 of them.
    page = Paginator(result.rows, BOARD_PAGE).get_page(request.GET.get("trang"))
    # Links built from one reversed pattern each, not a {% url %} per cell (hundreds a page).
    unit_link = reverse("units:detail", args=["~unit~"])
    cell_links = [reverse("submissions:milestone", args=[campaign.slug, m.code, "~unit~"]) for m in result.milestones]
    rows = []
    for unit, cells in page:
        code = quote(unit.code, safe="")
        linked = [
            (cell, m, link.replace("~unit~", code)) for cell, m, link in zip(cells, result.milestones, cell_links)
        ]
        rows.append((unit, unit_link.replace("~unit~", code), linked))
    return render(
        request,
        "submissions/board.html",
        {
            "campaign": campaign,
            "scope": scope,
            "board": result,
            "page": page,
            "rows": rows,
            "columns": list(zip(result.milestones, result.summaries)),
            "kind": kind,
            "status": status,
            "kind_filters": KIND_FILTERS,
            "clusters": list(campaign.clusters.all()),
            "districts": [d for d in districts if access.can_view_unit(request.user, d)],
            "now": timeutils.now(),
            "can_message": campaign_access.can_manage_campaign(request.user, campaign),
        },
    )


STATUS_LABELS = {
    queries.Status.ON_TIME: "Đúng hạn",
    queries.Status.LATE: "Trễ hạn",
    queries.Status.MISSING: "Chưa nộp (quá hạn)",
    queries.Status.AWAITING: "Chưa nộp",
    queries.Status.EXEMPTED: "Miễn nộp",
}


BOARD_FILTERS = ("loai", "cum", "tinh-trang", "moc")


@require_safe
@login_required
def board_export(request, slug):
    """The board as an .xlsx file; one of many units is prepared in the background."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    now = timeutils.now()
    scope, _kind, _status, result = _board(request.user, campaign, request.GET, now=now)
    params = {"slug": campaign.slug, "don-vi": scope.code, "now": now.isoformat()}
    params |= {key: request.GET[key] for key in BOARD_FILTERS if request.GET.get(key)}
    return send_or_prepare(
        request, rows=len(result.rows), kind="board", params=params,
        title=_("Completeness board of %(unit)s (.xlsx)") % {"unit": scope.name},
        build=lambda: board_file(campaign, scope, result),
    )  # fmt: skip


def board_export_build(user, params: dict, progress) -> tuple[str, bytes]:
    """The background export of the board (thidua.core.exports): the user's access to the campaign
    and the scope checked again, the board as of the request."""
    try:
        campaign = campaign_access.get_campaign_or_404(user, params.get("slug", ""))
        now = dt.datetime.fromisoformat(params["now"])
        scope, _kind, _status, result = _board(user, campaign, params, now=now)
    except (Http404, KeyError, ValueError):
        raise Refused(_("This table is not yours to export.")) from None
    progress(50)
    return board_file(campaign, scope, result)


def board_file(campaign, scope, result) -> tuple[str, bytes]:
    headers = ["Mã đơn vị", "Đơn vị", "Loại", "E-mail"]
    for m in result.milestones:
        headers += [f"{m.title}: tình trạng", f"{m.title}: nhận lúc", f"{m.title}: số phiên bản"]
    rows = []
    for unit, cells in result.rows:
        row = [unit.code, unit.name, unit.get_kind_display(), ", ".join(unit.email_list)]
        for cell in cells:
            if cell is None:
                row += ["không phải nộp", None, None]
            else:
                received = (
                    timeutils.local(cell.first_received_at).replace(tzinfo=None) if cell.first_received_at else None
                )
                row += [STATUS_LABELS[cell.status], received, cell.versions or None]
        rows.append(row)
    rows.append([])
    for m, s in zip(result.milestones, result.summaries):
        rows.append(
            [
                "",
                f"{m.title}: phải nộp {s.expected}, đã nộp {s.received} ({s.reporting_rate or 0}%), đúng hạn {s.on_time} ({s.on_time_rate or 0}%), trễ {s.late}, chưa nộp {s.missing + s.awaiting}, miễn {s.exempted}",
            ]
        )
    return f"tien-do-{campaign.slug}-{scope.code}.xlsx", write_xlsx(headers, rows, title="Tiến độ nộp")


@require_safe
@login_required
def milestone_zip(request, slug, milestone_code):
    """Every file of one milestone in the visible subtree, with a manifest (unit, version, time, hash)."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    milestone = _milestone_or_404(campaign, milestone_code)
    scope = _scope_unit(request, campaign)
    items = (
        SubmissionFile.objects.filter(submission__milestone=milestone)
        .filter(submission__unit__in=Unit.objects.subtree(scope))
        .select_related("submission__unit", "stored")
        .order_by("submission__unit__path", "submission__version", "order")
    )
    entries, used = [], set()
    for item in items:
        s = item.submission
        arcname = f"{s.unit.code}/v{s.version}/{item.name}"
        if arcname in used:  # two files of one version may share a name: keep both apart
            arcname = f"{s.unit.code}/v{s.version}/{item.order + 1}-{item.name}"
        used.add(arcname)
        entries.append((arcname, item))
    # On time against each unit's current deadline (an extension granted later counts), as on the board.
    deadlines = {
        u: st.deadline for u, st in queries.statuses(milestone, {i.submission.unit_id for _a, i in entries}).items()
    }

    def members():
        manifest = io.StringIO()
        writer = csv.writer(manifest)
        writer.writerow(["unit_code", "unit", "version", "received_at", "on_time", "receipt", "file", "sha256", "size"])
        for arcname, item in entries:
            s = item.submission
            if files.exists(item.stored.sha256):
                yield arcname, files.Stored(item.stored.sha256)
            on_time = timeutils.is_on_time(s.received_at, deadlines[s.unit_id])
            received = timeutils.local(s.received_at).isoformat()
            writer.writerow(
                [s.unit.code, s.unit.name, s.version, received, "yes" if on_time else "no", s.receipt_number]
                + [arcname, item.stored.sha256, item.stored.size]
            )
        yield "manifest.csv", ("\ufeff" + manifest.getvalue()).encode()

    name = f"{campaign.slug}-{milestone.code}-{scope.code}.zip"
    if request.method != "HEAD":  # a HEAD hands out no bytes
        services.zip_download_record(
            actor=request.user,
            milestone=milestone,
            scope=scope,
            name=name,
            members=[(arcname, item.stored.sha256) for arcname, item in entries],
        )
    # Streamed: the first byte leaves at once, whatever the number and size of the files.
    response = StreamingHttpResponse(files.zip_stream(members()), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def unit_tasks(request, slug, code):
    """What this unit must do in this campaign: documents with deadlines, activities, figures."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    unit = access.get_unit_or_404(request.user, code)
    obligations = unit_obligations(campaign, unit)
    milestones = [(m, queries.statuses(m, [unit.pk])[unit.pk]) for m in obligations.milestones]
    registration = Registration.objects.filter(campaign=campaign, unit=unit).prefetch_related("revisions").first()
    return render(
        request,
        "submissions/unit_tasks.html",
        {
            "campaign": campaign,
            "unit": unit,
            "obligations": obligations,
            "milestones": milestones,
            "registration": registration,
            "can_edit": access.can_edit_unit(request.user, unit),
        },
    )


# --- messages to units --------------------------------------------------------------------------------


def _audience(request, campaign):
    """The units the board's filters (and ?moc=, ?chua-dang-ky=1) select, and a label for the log."""
    scope = _scope_unit(request, campaign)
    kind = request.GET.get("loai", "")
    status = request.GET.get("tinh-trang", "")
    status = status if status in STATUS_LABELS else ""
    milestone = campaign.milestones.filter(code=request.GET.get("moc", "")[:20]).first()
    unregistered = request.GET.get("chua-dang-ky") == "1"
    cluster = _cluster(request.GET, campaign)
    codes = messages_.parse_codes(request.GET.get("ma", "")[:8000]) if request.GET.get("ma") else None
    found = messages_.audience(
        campaign,
        scope=scope,
        milestone=milestone,
        status=status,
        kinds=KIND_FILTERS.get(kind),
        unregistered=unregistered,
        cluster=cluster,
        codes=codes,
    )
    parts = [scope.name]
    if kind in KIND_FILTERS:
        parts.append(str(KIND_LABELS[kind]))
    if cluster is not None:
        parts.append(cluster.name)
    if codes is not None:
        unknown = sorted(codes - {r.unit.code.upper() for r in found})
        parts.append(_("a list of %(n)s unit code(s)") % {"n": len(codes)})
        if unknown:
            parts.append(_("not found or not concerned: %(codes)s") % {"codes": ", ".join(unknown[:20])})
    if milestone:
        parts.append(milestone.title + (f": {STATUS_LABELS[status]}" if status else ""))
    if unregistered:
        parts.append(_("not registered"))
    return milestone, found, " · ".join(parts)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def message_new(request, slug):
    """Write to the units the filters select: a template, a preview for the first one, then send."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    access.require(campaign_access.can_manage_campaign(request.user, campaign))
    milestone, recipients, label = _audience(request, campaign)
    chosen = request.GET.get("mau") or ("nhac-dang-ky" if request.GET.get("chua-dang-ky") == "1" else "nhac-nop")
    subject, body = messages_.TEMPLATES.get(chosen, ("", ""))
    form = MessageForm(request.POST or None, initial={"subject": subject, "body": body})
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "preview" in request.POST:
                messages_.check_template(data["subject"], data["body"])
                if recipients:
                    first = recipients[0]
                    preview = (
                        messages_.render(data["subject"], campaign, milestone, first),
                        messages_.render(data["body"], campaign, milestone, first),
                        first.unit,
                    )
            else:
                sent = messages_.unit_message_send(
                    actor=request.user,
                    campaign=campaign,
                    milestone=milestone,
                    recipients=recipients,
                    subject=data["subject"],
                    body=data["body"],
                    audience_label=label,
                )
                messages.success(
                    request, _("Sent to %(n)s unit(s); the e-mails go out within a minute.") % {"n": len(recipients)}
                )
                return redirect("submissions:message", slug=slug, message_id=sent.pk)
        except Refused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
    return render(
        request,
        "submissions/message_new.html",
        {
            "campaign": campaign,
            "form": form,
            "recipients": recipients,
            "label": label,
            "preview": preview,
            "templates": [(key, value[0]) for key, value in messages_.TEMPLATES.items()],
            "chosen": chosen,
            "placeholders": messages_.PLACEHOLDERS,
            "query": request.GET.urlencode(),
        },
    )


@require_safe
@login_required
def message_list(request, slug):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    access.require(campaign_access.can_manage_campaign(request.user, campaign))
    items = campaign.unit_messages.select_related("sent_by").annotate(n=Count("recipients"))
    return render(request, "submissions/message_list.html", {"campaign": campaign, "items": items})


@require_safe
@login_required
def message_detail(request, slug, message_id):
    """One message: its text, and each unit with whether its e-mail went out."""
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    access.require(campaign_access.can_manage_campaign(request.user, campaign))
    message = campaign.unit_messages.select_related("sent_by").filter(pk=message_id).first()
    if message is None:
        raise Http404
    recipients = message.recipients.select_related("unit", "email").order_by("unit__path")
    return render(
        request, "submissions/message_detail.html", {"campaign": campaign, "message": message, "recipients": recipients}
    )
