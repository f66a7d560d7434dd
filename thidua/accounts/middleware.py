"""Before anything else, a signed-in person whose temporary password has not been replaced chooses
their own, and one who needs (or set up) two-step sign-in enters the code from their app."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from thidua.accounts import services

# Pages reachable before those steps: the steps themselves, signing out, the language switch.
OPEN_PREFIXES = ("/tai-khoan/", "/dang-xuat/", "/i18n/", "/static/")


class AccountGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            step = pending_step(request)
            if step:
                query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return redirect(reverse(step) + (f"?{query}" if query else ""))
        return self.get_response(request)


def pending_step(request) -> str | None:
    """The URL name of the step this session must take first, or None. Checked on every request
    (one query), so a coordinator's "must change" or a new device applies at once, and the session
    is never written for it."""
    user = request.user
    must_change, has_device = services.pending_flags(user)
    if must_change:
        return "accounts:password_change"
    if not user.is_verified():
        if has_device:
            return "accounts:verify"
        if services.two_factor_required(user):
            return "accounts:two_factor"
    return None
