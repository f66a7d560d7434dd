from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from thidua.campaigns.queries import unit_obligations_summary
from thidua.units import access


@login_required
def home(request):
    campaigns = list(access.visible_campaigns(request.user).order_by("-period_end", "slug")[:20])
    my_units = access.role_units(request.user)
    return render(
        request,
        "core/home.html",
        {
            "campaigns": campaigns,
            "roles": access.assignments(request.user),
            "summaries": unit_obligations_summary(campaigns, my_units) if my_units else [],
        },
    )


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_required
def notifications(request):
    """The user's notifications; opening the page marks them read."""
    from django.core.paginator import Paginator

    from thidua.core import timeutils
    from thidua.core.models import Notification

    items = Notification.objects.filter(user=request.user)
    page = Paginator(items, 30).get_page(request.GET.get("trang"))
    unread_ids = [n.pk for n in page if n.read_at is None]
    response = render(request, "core/notifications.html", {"page": page, "unread_ids": set(unread_ids)})
    Notification.objects.filter(pk__in=unread_ids).update(read_at=timeutils.now())
    return response
