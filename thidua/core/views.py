from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from thidua.core import timeutils
from thidua.core.exports import export_download_record
from thidua.core.models import Export, Notification


def forbidden(request, exception=None):
    """403: the reason given by the refusal when there is one (a closed campaign), else the role's."""
    reason = str(exception) if isinstance(exception, PermissionDenied) and exception.args else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_required
def notifications(request):
    """The user's notifications; opening the page marks them read."""
    items = Notification.objects.filter(user=request.user)
    page = Paginator(items, 30).get_page(request.GET.get("trang"))
    unread_ids = [n.pk for n in page if n.read_at is None]
    response = render(request, "core/notifications.html", {"page": page, "unread_ids": set(unread_ids)})
    Notification.objects.filter(pk__in=unread_ids).update(read_at=timeutils.now())
    return response


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def _own_export(request, pk) -> Export:
    """An export is its requester's only: anyone else gets a 404, as for a missing one."""
    export = Export.objects.filter(pk=pk, user=request.user).defer("data").first()
    if export is None:
        raise Http404
    return export


@require_safe
@login_required
def export_detail(request, pk):
    """A file being prepared: its progress (the page asks again every second), then its link."""
    export = _own_export(request, pk)
    template = "core/_export_status.html" if request.htmx else "core/export.html"
    return render(request, template, {"export": export})


@require_safe
@login_required
def export_download(request, pk):
    export = _own_export(request, pk)
    if export.status != Export.Status.DONE:
        raise Http404
    data = bytes(Export.objects.values_list("data", flat=True).get(pk=export.pk))
    response = HttpResponse(data, content_type=export.content_type or "application/octet-stream")
    # A Vietnamese name ("Giấy khen - 152-QĐ-TĐTN.pdf") goes as filename*=utf-8''…
    response["Content-Disposition"] = content_disposition_header(True, export.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if request.method != "HEAD":  # a HEAD hands out no bytes
        export_download_record(actor=request.user, export=export, data=data)
    return response
