"""Pages of the initiatives portal. Public: the gallery, submitting, the confirmation and tracking
links. Signed in: the author's own initiatives, the reviewer's queue, the coordinator's list and
each initiative's page with the council's and the forwarding forms.

Access goes through thidua.units.access: an initiative the user may not see is a 404 (even its
existence is not revealed), an action the user may not take on a visible one is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from thidua.core import files, ratelimit, timeutils
from thidua.core.errors import Refused
from thidua.core.forms import errors_text, post_action, redirect_next
from thidua.core.models import AuditEntry
from thidua.core.spreadsheets import XLSX_CONTENT_TYPE, write_xlsx
from thidua.initiatives import access as initiative_access
from thidua.initiatives import evaluation, forwarding, queries, services, tasks
from thidua.initiatives.forms import (
    AnswerForm,
    AssignForm,
    DecisionForm,
    FilesForm,
    ForwardForm,
    InitiativeForm,
    MergeForm,
    QuestionForm,
    RespondForm,
    ResultForm,
    ScoreForm,
    WithdrawReviewerForm,
    reviewer_candidates,
)
from thidua.initiatives.models import CRITERIA, Field, Forwarding, Initiative, ReviewAssignment
from thidua.units import access
from thidua.units.models import Unit

require_get_or_post = require_http_methods(["GET", "HEAD", "POST"])
PAGE_SIZE = 30


# --- public -------------------------------------------------------------------------------------


@require_safe
def gallery(request):
    """Feasible and adopted initiatives, searchable without accents, filtered by field, status, year."""
    q = request.GET.get("q", "").strip()[:200]
    field = request.GET.get("linh-vuc", "")
    status = request.GET.get("trang-thai", "")
    year = request.GET.get("nam", "")
    year = int(year) if year.isascii() and year.isdigit() and 2000 <= int(year) <= 2100 else None
    items = queries.gallery(q=q, field=field if field in Field.values else "", status=status, year=year)
    page = Paginator(items, 20).get_page(request.GET.get("trang"))
    return render(
        request,
        "initiatives/gallery.html",
        {
            "page": page,
            "q": q,
            "field": field,
            "status": status,
            "year": year,
            "fields": Field.choices,
            "statuses": [(s, Initiative.Status(s).label) for s in Initiative.PUBLIC_STATUSES],
            "years": queries.gallery_years(),
            "open": bool(queries.open_campaigns()),
            "coordinates": bool(
                request.user.is_authenticated and initiative_access.coordinated_campaigns(request.user)
            ),
        },
    )


@require_safe
def public_detail(request, code):
    initiative = Initiative.objects.public().select_related("unit").filter(code=code).first()
    if initiative is None:
        raise Http404
    forwardings = initiative.forwardings.select_related("agency").prefetch_related("results")
    return render(request, "initiatives/public_detail.html", {"i": initiative, "forwardings": forwardings})


def _unit_choices():
    campaigns = list(queries.open_campaigns())
    if not campaigns:
        return campaigns, []
    widest = min(campaigns, key=lambda c: c.issuer_unit.depth)
    return campaigns, queries.unit_choices(widest)


def _draft(data: dict) -> services.InitiativeDraft:
    """The form's cleaned data, as the service takes it."""
    return services.InitiativeDraft(
        title=data["title"],
        field=data["field"],
        problem=data["problem"],
        solution=data["solution"],
        benefit=data["benefit"],
        tried_at=data["tried_at"],
        authors=data["authors"],
        contact_email=data["contact_email"],
        contact_phone=data["contact_phone"],
        show_authors=data["show_authors"],
    )


@require_get_or_post
def submit(request):
    """Anyone may submit: signed in, the initiative is received at once; otherwise the author
    confirms their e-mail address through the link sent to it."""
    campaigns, choices = _unit_choices()
    user = request.user
    kwargs = {
        "unit_choices": choices,
        "may_act_on_behalf": access.may_submit_for_units(user),
        "campaigns": campaigns,
        "signed_in": user.is_authenticated,
    }
    if request.method == "POST" and not user.is_authenticated and _flooding(request):
        return render(request, "429.html", status=429)
    if request.method == "POST" and campaigns:
        form = InitiativeForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                initiative = services.initiative_submit(
                    actor=user,
                    campaign=form.chosen_campaign(),
                    unit=Unit.objects.get(pk=data["unit"]),
                    content=_draft(data),
                    on_behalf=bool(data.get("on_behalf")),
                    uploads=[files.uploaded(f) for f in data.get("files", [])],
                )
            except Refused as exc:
                form.add_error(exc.field, str(exc))
            else:
                if initiative.status == Initiative.Status.PENDING:
                    request.session["initiative_sent_to"] = initiative.contact_email
                    return redirect("initiatives:sent")
                messages.success(
                    request,
                    _("Your initiative is received. Its tracking code is %(code)s.") % {"code": initiative.code},
                )
                return redirect("initiatives:detail", code=initiative.code)
    else:
        initial = {"contact_email": user.email} if user.is_authenticated else {}
        form = InitiativeForm(initial=initial, **kwargs)
    return render(request, "initiatives/submit.html", {"form": form, "open": bool(campaigns)})


def _flooding(request) -> bool:
    """More initiatives from this address than a person sends (an hour's and a day's limit)."""
    address = ratelimit.client_address(request)
    return not all([ratelimit.hit(ratelimit.limit(name), address) for name in ("initiative-ip", "initiative-ip-day")])


@require_safe
def sent(request):
    return render(request, "initiatives/sent.html", {"email": request.session.get("initiative_sent_to", "")})


@require_safe
def confirm(request, token):
    try:
        initiative = services.initiative_from_confirm_token(token)
    except Refused as exc:
        return render(request, "initiatives/link_refused.html", {"message": str(exc)}, status=400)
    was_pending = initiative.status == Initiative.Status.PENDING
    initiative = services.initiative_confirm_email(initiative=initiative)
    if was_pending:
        messages.success(
            request,
            _(
                "Thank you: your e-mail address is confirmed and your initiative is received. Its tracking code is %(code)s."
            )
            % {"code": initiative.code},
        )
    return redirect("initiatives:track", token=services.track_token(initiative))


def _author_context(initiative: Initiative, *, token: str | None) -> dict:
    published = initiative.decision_published_at is not None
    return {
        "i": initiative,
        "token": token,
        "files": initiative.files.select_related("stored"),
        "questions": initiative.questions.all(),
        "answer_form": AnswerForm(),
        "files_form": FilesForm() if initiative.is_open else None,
        "published": published,
        "forwardings": initiative.forwardings.select_related("agency").prefetch_related("results") if published else [],
        **_similar_context(initiative, public_only=True),
    }


def _similar_context(initiative: Initiative, *, public_only: bool) -> dict:
    """The similar initiatives (computed by a worker: tasks.py), for the page or its part alone.
    The author of a merged initiative is shown none: the council already chose."""
    if public_only and initiative.status == Initiative.Status.MERGED:
        found = tasks.Found()
    else:
        found = tasks.similar_found(initiative, public_only=public_only)
    return {"i": initiative, "similar": found.items, "similar_found": found}


def _similar_part(request, initiative: Initiative, *, public_only: bool):
    """The similar initiatives' part alone: the page asks for it every 2 s while they are computed."""
    template = "initiatives/_similar_public.html" if public_only else "initiatives/_similar.html"
    return render(request, template, _similar_context(initiative, public_only=public_only))


@require_get_or_post
def track(request, token):
    """The author's private page through the signed link (no account needed): status, questions
    to answer, the published decision and the departments' answers."""
    initiative = services.initiative_from_track_token(token)
    if initiative is None:
        raise Http404
    if request.method == "GET" and request.htmx.target == "similar-public":
        return _similar_part(request, initiative, public_only=True)
    context = _author_context(initiative, token=token)
    if request.method == "POST" and "add_files" in request.POST:
        form = FilesForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                added = services.initiative_files_add(
                    actor=request.user,
                    initiative=initiative,
                    uploads=[files.uploaded(f) for f in form.cleaned_data["files"]],
                )
            except Refused as exc:
                form.add_error("files", str(exc))
            else:
                messages.success(request, _("%(n)s file(s) added.") % {"n": len(added)})
                return redirect("initiatives:track", token=token)
        context["files_form"] = form
    elif request.method == "POST":
        form = AnswerForm(request.POST)
        if _answer(request, initiative, form, actor=None):
            return redirect("initiatives:track", token=token)
        context["answer_form"] = form
    return render(request, "initiatives/track.html", context)


def _answer(request, initiative, form, *, actor) -> bool:
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return False
    question = initiative.questions.filter(pk=form.cleaned_data["question"]).first()
    if question is None:
        raise Http404
    try:
        services.question_answer(actor=actor, question=question, answer=form.cleaned_data["answer"])
    except Refused as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, _("Your answer is sent to the council."))
    return True


@require_safe
def track_download(request, token, file_id):
    initiative = services.initiative_from_track_token(token)
    item = initiative and initiative.files.select_related("stored").filter(pk=file_id).first()
    if not item:
        raise Http404
    response = files.download_response(item.stored, item.name)  # 404 if the bytes are missing
    if request.method != "HEAD":
        services.file_download_record(actor=None, item=item, via_track_link=True)
    return response


# --- signed in: lists ---------------------------------------------------------------------------


@require_safe
@login_required
def mine(request):
    items = (
        Initiative.objects.filter(author_user=request.user) | Initiative.objects.filter(created_by=request.user)
    ).select_related("unit")
    return render(request, "initiatives/mine.html", {"items": items.distinct().order_by("-created_at")})


@require_safe
@login_required
def reviews(request):
    """The reviewer's queue: initiatives assigned to them, those still to score first."""
    items = (
        ReviewAssignment.objects.filter(reviewer=request.user)
        .select_related("initiative__unit")
        .order_by("scored_at", "-assigned_at")
    )
    return render(request, "initiatives/reviews.html", {"items": items})


def _filtered(request):
    code = request.GET.get("don-vi", "")
    unit = access.get_unit_or_404(request.user, code) if code else None
    filters = {
        "q": request.GET.get("q", "").strip()[:200],
        "status": request.GET.get("trang-thai", ""),
        "field": request.GET.get("linh-vuc", ""),
        "overdue": request.GET.get("qua-han") == "1",
        "to_publish": request.GET.get("cho-cong-bo") == "1",
        "to_screen": request.GET.get("sang-loc") == "1",
    }
    qs = initiative_access.visible_initiatives(request.user).select_related("campaign__issuer_unit")
    return queries.staff_list(qs, unit=unit, **filters), filters, unit


@require_safe
@login_required
def manage(request):
    """Every initiative the user may see, with filters, overdue answers flagged, and (for the
    coordinator) the decisions awaiting publication, to publish in a batch."""
    items, filters, unit = _filtered(request)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("trang"))
    coordinated = initiative_access.coordinated_campaigns(request.user)
    coordinated_ids = {c.pk for c in coordinated}
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "initiatives/list.html",
        {
            "page": page,
            "filters": filters,
            "unit": unit,
            "statuses": [(s, Initiative.Status(s).label) for s in Initiative.Status.values if s != "pending"],
            "fields": Field.choices,
            "counts": queries.status_counts(initiative_access.visible_initiatives(request.user)),
            "coordinated_ids": coordinated_ids,
            "query": query.urlencode(),
        },
    )


EXPORT_HEADERS = [
    "Mã",
    "Tên sáng kiến",
    "Lĩnh vực",
    "Tình trạng",
    "Đơn vị",
    "Mã đơn vị",
    "Tác giả",
    "Gửi lúc",
    "Số người chấm",
    "Điểm trung bình",
    "Quyết định hội đồng",
    "Lý do",
    "Đã công bố",
    "Chuyển đến",
    "Trả lời của sở, ngành",
    "Quá hạn trả lời",
    "E-mail liên hệ",
    "Điện thoại",
]


def _export_row(i: Initiative, contact: bool) -> list:
    """One initiative in the spreadsheet, in the order of EXPORT_HEADERS; contact data only for `contact`."""
    scored = [r.mean for r in i.reviews.all() if r.mean is not None]
    forwardings = list(i.forwardings.all())
    answers = [
        f"{f.agency.short_name or f.agency.name}: {f.get_response_display() or 'chưa trả lời'}" for f in forwardings
    ]
    return [
        i.code,
        i.title,
        i.get_field_display(),
        i.get_status_display(),
        i.unit.name,
        i.unit.code,
        "; ".join(i.author_lines),
        timeutils.local(i.submitted_at).replace(tzinfo=None) if i.submitted_at else None,
        len(scored),
        round(sum(scored) / len(scored), 2) if scored else None,
        i.get_decision_display() if i.decision else "",
        i.decision_reason,
        "có" if i.decision_published_at else "",
        "; ".join(f.agency.name for f in forwardings),
        "; ".join(answers),
        i.overdue or None,
        i.contact_email if contact else "",
        i.contact_phone if contact else "",
    ]


@require_safe
@login_required
def export(request):
    items, _filters, _unit = _filtered(request)
    items = items.prefetch_related("forwardings__agency", "reviews")
    rows = [_export_row(i, initiative_access.can_see_initiative_contact(request.user, i)) for i in items]
    response = HttpResponse(write_xlsx(EXPORT_HEADERS, rows, title="Sáng kiến"), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="sang-kien-{timeutils.local(timeutils.now()):%Y%m%d}.xlsx"'
    return response


@require_POST
@login_required
def publish(request):
    """Publish the recorded decisions of the initiatives ticked on the list; the authors are told."""
    access.require(bool(initiative_access.coordinated_campaigns(request.user)))
    codes = request.POST.getlist("code")
    chosen = [
        i
        for i in Initiative.objects.select_related("campaign__issuer_unit").filter(code__in=codes)
        if initiative_access.can_coordinate_initiatives(request.user, i.campaign)
    ]
    if not chosen:
        messages.error(request, _("Tick the initiatives whose decisions you want to publish."))
    else:
        published, skipped = evaluation.decisions_publish(actor=request.user, initiatives=chosen)
        if published:
            messages.success(
                request,
                _("%(n)s decision(s) published; the authors are notified.") % {"n": len(published)},
            )
        if skipped:
            messages.error(
                request,
                _("Not published (no decision recorded, or already published): %(codes)s")
                % {"codes": ", ".join(i.code for i in skipped)},
            )
    return redirect_next(request, "initiatives:list")


# --- signed in: one initiative ------------------------------------------------------------------


@require_safe
@login_required
def detail(request, code):
    initiative = initiative_access.get_initiative_or_404(request.user, code)
    if not initiative_access.sees_initiative_as_staff(request.user, initiative):
        # The author's own page: what the tracking link shows, answered through the account.
        if request.htmx.target == "similar-public":
            return _similar_part(request, initiative, public_only=True)
        return render(request, "initiatives/track.html", _author_context(initiative, token=None))
    user = request.user
    coordinator = initiative_access.can_coordinate_initiatives(user, initiative.campaign)
    if coordinator and request.htmx.target == "similar-list":
        return _similar_part(request, initiative, public_only=False)
    my_review = initiative.reviews.filter(reviewer=user).first()
    context = {
        "i": initiative,
        "files": initiative.files.select_related("stored"),
        "questions": initiative.questions.select_related("asked_by", "answered_by"),
        "forwardings": initiative.forwardings.select_related("agency", "forwarded_by", "recorded_by").prefetch_related(
            "results"
        ),
        "coordinator": coordinator,
        "show_contact": initiative_access.can_see_initiative_contact(user, initiative),
        "my_review": my_review,
        "can_ask": initiative.status not in ("pending", "merged")
        and (coordinator or initiative_access.can_review_initiative(user, initiative)),
        "question_form": QuestionForm(),
    }
    if coordinator:
        candidates = list(reviewer_candidates(initiative.campaign))
        assigned = {r.reviewer_id for r in initiative.reviews.all()}
        context.update(
            {
                "summary": queries.score_summary(initiative),
                "criteria": CRITERIA,
                **_similar_context(initiative, public_only=False),
                "candidates": [
                    (u, initiative_access.reviewer_conflict(u, initiative.unit), u.pk in assigned) for u in candidates
                ],
                "decision_form": DecisionForm(
                    initial={"decision": initiative.decision, "reason": initiative.decision_reason}
                ),
                "merge_form": MergeForm(),
                "forward_form": ForwardForm(),
                "respond_form": RespondForm(),
                "result_form": ResultForm(),
                "history": AuditEntry.objects.filter(
                    object_type=initiative._meta.label_lower, object_id=str(initiative.pk)
                ).select_related("actor")[:50],
            }
        )
    return render(request, "initiatives/detail.html", context)


@require_safe
@login_required
def download(request, code, file_id):
    initiative = initiative_access.get_initiative_or_404(request.user, code)
    item = initiative.files.select_related("stored").filter(pk=file_id).first()
    if item is None:
        raise Http404
    response = files.download_response(item.stored, item.name)  # 404 if the bytes are missing
    if request.method != "HEAD":
        services.file_download_record(actor=request.user, item=item)
    return response


@require_POST
@login_required
def answer(request, code):
    """The author answers a question through their account (the coordinator may record an answer
    the author gave by phone or letter)."""
    initiative = initiative_access.get_initiative_or_404(request.user, code)
    access.require(
        initiative_access.is_initiative_author(request.user, initiative)
        or initiative_access.can_coordinate_initiatives(request.user, initiative.campaign)
    )
    _answer(request, initiative, AnswerForm(request.POST), actor=request.user)
    return redirect("initiatives:detail", code=code)


@require_POST
@login_required
def ask(request, code):
    initiative = initiative_access.get_initiative_or_404(request.user, code)
    access.require(
        initiative_access.can_coordinate_initiatives(request.user, initiative.campaign)
        or initiative_access.can_review_initiative(request.user, initiative)
    )
    return post_action(
        request,
        QuestionForm(request.POST),
        lambda data: services.question_ask(actor=request.user, initiative=initiative, text=data["text"]),
        success=_("The question is sent to the author."),
        then=("initiatives:detail", code),
    )


@require_POST
@login_required
def assign(request, code):
    """Assign reviewers (ticked on the page) or withdraw one (`remove`)."""
    initiative = initiative_access.get_initiative_or_404(request.user, code)
    access.require(initiative_access.can_coordinate_initiatives(request.user, initiative.campaign))
    if "remove" in request.POST:
        return post_action(
            request,
            WithdrawReviewerForm(request.POST, initiative=initiative),
            lambda data: evaluation.review_remove(actor=request.user, review=data["remove"]),
            success=_("The reviewer is withdrawn."),
            then=("initiatives:detail", code),
        )
    return post_action(
        request,
        AssignForm(request.POST, initiative=initiative),
        lambda data: evaluation.reviewers_assign(
            actor=request.user, initiative=initiative, reviewers=data["reviewers"]
        ),
        success=lambda created: _("%(n)s reviewer(s) assigned and notified.") % {"n": len(created)},
        then=("initiatives:detail", code),
    )


@require_get_or_post
@login_required
def score(request, code):
    """The reviewer's rubric. Refused (403) to anyone not assigned and to a reviewer from the
    initiative's own unit; the coordinator is sent to the initiative's page, where scores show."""
    initiative = initiative_access.get_initiative_or_404(request.user, code)
    review = initiative.reviews.filter(reviewer=request.user).first()
    if review is None:
        if initiative_access.can_coordinate_initiatives(request.user, initiative.campaign):
            messages.info(request, _("Only the assigned reviewers score; their scores are shown here."))
            return redirect("initiatives:detail", code=code)
        raise PermissionDenied
    if initiative_access.reviewer_conflict(request.user, initiative.unit):
        raise PermissionDenied
    initial = {name: getattr(review, name) for name, _label in CRITERIA} | {"comment": review.comment}
    form = ScoreForm(initial=initial)
    if request.method == "POST":
        access.require(initiative.is_open)
        form = ScoreForm(request.POST)
        if form.is_valid():
            try:
                evaluation.score_save(
                    actor=request.user,
                    initiative=initiative,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except Refused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your scores are saved."))
                return redirect("initiatives:reviews")
    return render(
        request,
        "initiatives/score.html",
        {"i": initiative, "form": form, "review": review, "files": initiative.files.select_related("stored")},
    )


@require_POST
@login_required
def decide(request, code):
    initiative = initiative_access.get_initiative_or_404(request.user, code)
    access.require(initiative_access.can_coordinate_initiatives(request.user, initiative.campaign))
    return post_action(
        request,
        DecisionForm(request.POST),
        lambda data: evaluation.initiative_decide(
            actor=request.user, initiative=initiative, decision=data["decision"], reason=data["reason"]
        ),
        success=_("The decision is recorded. The authors learn it when it is published."),
        then=("initiatives:detail", code),
    )


@require_POST
@login_required
def screen(request, code):
    """The coordinator finds an initiative sent without an account genuine: it counts from now on."""
    initiative = initiative_access.get_initiative_or_404(request.user, code)
    access.require(initiative_access.can_coordinate_initiatives(request.user, initiative.campaign))
    try:
        services.initiative_screen(actor=request.user, initiative=initiative)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Screened: %(code)s now counts in its unit's figures.") % {"code": code})
    return redirect("initiatives:detail", code=code)


@require_POST
@login_required
def merge(request, code):
    initiative = initiative_access.get_initiative_or_404(request.user, code)
    access.require(initiative_access.can_coordinate_initiatives(request.user, initiative.campaign))

    def merge_into(data):
        target = Initiative.objects.filter(code=data["into"].strip().upper()).first()
        if target is None or not initiative_access.can_see_initiative(request.user, target):
            raise Refused(_("No initiative has the code %(code)s.") % {"code": data["into"]})
        services.initiative_merge(actor=request.user, duplicate=initiative, into=target, reason=data["reason"])
        return target

    return post_action(
        request,
        MergeForm(request.POST),
        merge_into,
        success=lambda target: _("%(code)s is merged into %(into)s.") % {"code": code, "into": target.code},
        then=("initiatives:detail", code),
    )


@require_POST
@login_required
def forward(request, code):
    initiative = initiative_access.get_initiative_or_404(request.user, code)
    access.require(initiative_access.can_coordinate_initiatives(request.user, initiative.campaign))
    return post_action(
        request,
        ForwardForm(request.POST),
        lambda data: forwarding.initiative_forward(
            actor=request.user,
            initiative=initiative,
            agencies=data["agencies"],
            respond_by=data["respond_by"],
            note=data["note"],
        ),
        success=lambda created: _("Forwarded to %(names)s.") % {"names": ", ".join(f.agency.name for f in created)},
        then=("initiatives:detail", code),
    )


def _forwarding_or_404(request, forwarding_id) -> Forwarding:
    item = (
        Forwarding.objects.select_related("initiative__campaign__issuer_unit", "initiative__unit", "agency")
        .filter(pk=forwarding_id)
        .first()
    )
    if item is None or not initiative_access.can_see_initiative(request.user, item.initiative):
        raise Http404
    access.require(initiative_access.can_coordinate_initiatives(request.user, item.initiative.campaign))
    return item


@require_POST
@login_required
def respond(request, forwarding_id):
    item = _forwarding_or_404(request, forwarding_id)
    return post_action(
        request,
        RespondForm(request.POST),
        lambda data: forwarding.forwarding_respond(
            actor=request.user,
            forwarding=item,
            response=data["response"],
            response_date=data["response_date"],
            reason=data["reason"],
        ),
        success=_("The answer of %(agency)s is recorded.") % {"agency": item.agency.name},
        then=("initiatives:detail", item.initiative.code),
    )


@require_POST
@login_required
def result(request, forwarding_id):
    item = _forwarding_or_404(request, forwarding_id)
    return post_action(
        request,
        ResultForm(request.POST),
        lambda data: forwarding.result_add(actor=request.user, forwarding=item, date=data["date"], text=data["text"]),
        success=_("The result is recorded."),
        then=("initiatives:detail", item.initiative.code),
    )
