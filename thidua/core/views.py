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
