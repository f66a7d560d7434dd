from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from thidua.campaigns import access as campaign_access
from thidua.core import files
from thidua.core.forms import errors_text, post_action
from thidua.core.text import fold
from thidua.mailgateway import access, matching, parsing, services
from thidua.mailgateway.forms import FileForm, FilterForm, RejectForm, milestone_choices
from thidua.mailgateway.models import InboundMessage
from thidua.units import access as units_access

S = InboundMessage.Status
TAB_ORDER = [S.TRIAGE, S.FILED, S.REJECTED, S.DUPLICATE, S.RECEIVED]


@require_safe
@login_required
def triage(request):
    """The messages of the coordinator's units: those waiting first, filters by status and text."""
    units_access.require(access.may_use_triage(request.user))
    form = FilterForm(request.GET if "status" in request.GET else {"status": InboundMessage.Status.TRIAGE})
    form.is_valid()
    visible = access.visible_messages(request.user)
    qs = visible
    status = form.cleaned_data.get("status") if form.is_valid() else InboundMessage.Status.TRIAGE
    if status:
        qs = qs.filter(status=status)
    text = (form.cleaned_data.get("q") or "").strip() if form.is_valid() else ""
    if text:
        qs = qs.filter(
            Q(from_address__icontains=text)
            | Q(from_name__icontains=text)
            | Q(subject__icontains=text)
            | Q(unit__search_text__contains=fold(text))
        )
    counts = dict(
        InboundMessage.objects.filter(pk__in=visible.values("pk")).values_list("status").annotate(n=Count("pk"))
    )
    page = Paginator(qs.order_by("-received_at", "-pk"), 50).get_page(request.GET.get("trang"))
    return render(
        request,
        "mailgateway/triage.html",
        {
            "form": form,
            "page": page,
            "status": status,
            "tabs": [
                (value, InboundMessage.Status(value).label, counts.get(value, 0))
                for value in TAB_ORDER
                if value != InboundMessage.Status.RECEIVED or counts.get(value)
            ],
        },
    )


def _milestones(user, message):
    qs = milestone_choices().filter(campaign__in=campaign_access.visible_campaigns(user))
    if message.unit_id:
        open_ids = [m.pk for m in matching.open_milestones(message.unit)]
        qs = qs.filter(pk__in=open_ids) if open_ids else qs
    return qs


@require_safe
@login_required
def detail(request, pk):
    message = access.get_message_or_404(request.user, pk)
    raw = services.raw_bytes(message)
    parsed = None
    if raw is not None:
        too_large = message.raw_truncated or len(raw) > settings.MAIL_MAX_BYTES
        parsed = parsing.read_headers(raw) if too_large else parsing.parse(raw)
    candidates = list(message.candidate_units.all())
    unit = message.unit or (candidates[0] if len(candidates) == 1 else None)
    suggested = list(message.candidate_milestones.all())
    choices = services.attachment_choices(parsed.attachments) if parsed is not None else []
    # Ticked at first: every file the checks accept; the others are shown, disabled, with the reason.
    initial = {"unit": unit.code if unit else "", "files": [c.index for c in choices if not c.refusal]}
    if message.milestone_id:
        initial["milestone"] = message.milestone_id
    elif len(suggested) == 1:
        initial["milestone"] = suggested[0].pk
    return render(
        request,
        "mailgateway/detail.html",
        {
            "m": message,
            "parsed": parsed,
            "choices": choices,
            "fileable": any(not c.refusal for c in choices),
            "candidates": candidates,
            "suggested": suggested,
            "file_form": FileForm(initial=initial, user=request.user, milestones=_milestones(request.user, message)),
            "reject_form": RejectForm(),
            "waiting": message.status == InboundMessage.Status.TRIAGE,
        },
    )


@require_safe
@login_required
def attachment(request, pk, index):
    """One attached file, for the coordinator to look at before deciding: always a download."""
    message = access.get_message_or_404(request.user, pk)
    found = services.attachments_of(message)
    if not 0 <= index < len(found):
        raise Http404
    item = found[index]
    response = HttpResponse(item.data, content_type="application/octet-stream")
    response["Content-Disposition"] = _disposition(files.safe_name(item.name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _disposition(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


@require_POST
@login_required
def file(request, pk):
    message = access.get_message_or_404(request.user, pk)
    form = FileForm(request.POST, user=request.user, milestones=_milestones(request.user, message))
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("mailgateway:detail", message.pk)

    def act(data):
        units_access.require(access.may_file_for(request.user, data["unit"], data["milestone"]))
        return services.inbound_file(
            actor=request.user,
            message=message,
            unit=data["unit"],
            milestone=data["milestone"],
            note=data["note"],
            chosen=data["files"],
        )

    return post_action(
        request,
        form,
        act,
        success=lambda s: _("Filed: receipt %(number)s; the sender was answered.") % {"number": s.receipt_number},
        then=("mailgateway:detail", message.pk),
    )


@require_POST
@login_required
def reject(request, pk):
    message = access.get_message_or_404(request.user, pk)
    return post_action(
        request,
        RejectForm(request.POST),
        lambda data: services.inbound_reject(actor=request.user, message=message, reason=data["reason"]),
        success=_("Rejected; the sender was told why."),
        then=("mailgateway:detail", message.pk),
    )
