from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from thidua.core import timeutils
from thidua.core.models import Notification


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
