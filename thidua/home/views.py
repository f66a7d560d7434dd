from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from thidua.campaigns import access as campaign_access
from thidua.home import queries
from thidua.units import access
from thidua.units.models import Role


@login_required
def home(request):
    """The start page says what to do next: the coordinator's queue, the steering committee's numbers,
    the officer's documents per unit — then every campaign the user sees."""
    user = request.user
    campaigns = list(campaign_access.visible_campaigns(user).order_by("-period_end", "slug")[:20])
    roles = access.assignments(user)
    held = {a.role for a in roles}
    officer_units = [a.unit for a in roles if a.role in (Role.OFFICER, Role.COORDINATOR)]
    return render(
        request,
        "home/home.html",
        {
            "campaigns": campaigns,
            "roles": roles,
            "coordinator": queries.coordinator_todos(user, campaigns)
            if Role.COORDINATOR in held or user.is_superuser
            else [],
            "steering": queries.steering_numbers(user, campaigns) if Role.STEERING in held else [],
            "units": queries.officer_documents(user, campaigns, officer_units) if Role.OFFICER in held else [],
        },
    )
