"""The user's own API tokens: create one (its secret shown once, with a copy button), list them,
revoke one. Tokens act with exactly the user's roles; see docs/api.md."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from thidua.api import access, services
from thidua.api.forms import TokenForm
from thidua.core import timeutils
from thidua.core.errors import Refused
from thidua.core.forms import PickForm, post_action


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except Refused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            created = (token, raw)  # shown in this response only: never stored, never in a redirect
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": access.user_tokens(request.user),
            "today": timeutils.local(timeutils.now()).date(),
        },
        status=201 if created else 200,
    )


@require_POST
@login_required
def revoke(request):
    form = PickForm(request.POST, name="token", queryset=access.user_tokens(request.user), message=_("Choose a token."))
    return post_action(
        request,
        form,
        lambda data: services.api_token_revoke(actor=request.user, token=data["token"]),
        success=lambda token: _("Token %(prefix)s… revoked: it no longer works.") % {"prefix": token.prefix},
        then="api:tokens",
    )
