"""The person's own account: change the password (forced after a temporary one), reset a forgotten
one by e-mail, set up or remove two-step sign-in, and enter its code after signing in."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from thidua.accounts import services
from thidua.accounts.forms import OutboxPasswordResetForm, TokenForm
from thidua.core import ratelimit
from thidua.core.errors import Refused
from thidua.core.forms import redirect_next

require_get_or_post = require_http_methods(["GET", "HEAD", "POST"])


def _next(request, default: str = "home"):
    return redirect_next(request, default)


def _too_many(request, name: str, key: str | None = None) -> bool:
    return not ratelimit.hit(ratelimit.limit(name), key or ratelimit.client_address(request))


def _slow_down(request):
    return render(request, "429.html", status=429)


class SignIn(auth_views.LoginView):
    """Django's sign-in, behind a flood limit per address (wrong passwords are django-axes' job)."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if _too_many(request, "signin-ip"):
            return _slow_down(request)
        return super().post(request, *args, **kwargs)


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forced"] = services.must_change_password(self.request.user)
        context["next"] = self.request.GET.get("next", "")
        return context

    def form_valid(self, form):
        response = super().form_valid(form)  # sets the password and keeps this session signed in
        services.password_changed(user=self.request.user, how="change")
        messages.success(self.request, _("Your password is changed."))
        return _next(self.request) if self.request.POST.get("next") else response


class PasswordReset(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = OutboxPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_sent")

    def post(self, request, *args, **kwargs):
        if _too_many(request, "reset-ip"):
            return _slow_down(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if _too_many(self.request, "reset-email", form.cleaned_data["email"].strip().lower()):
            # Say the same as for any address (nothing tells a stranger which ones have accounts).
            return redirect(self.success_url)
        return super().form_valid(form)


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user, how="reset")
        return response


class PasswordResetDone(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_done.html"
    title = gettext_lazy("Password set")


@login_required
@require_get_or_post
def two_factor(request):
    """Set up (scan, then confirm with a first code), or switch off, the authenticator app."""
    user = request.user
    required = services.two_factor_required(user)
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                services.totp_start(user=user)
                return redirect("accounts:two_factor")
            if action == "remove":
                services.totp_remove(user=user, required=required)
                messages.success(request, _("Two-step sign-in is switched off."))
                return redirect("accounts:two_factor")
            if pending is not None and form.is_valid():
                device = services.totp_confirm(user=user, device=pending, token=form.cleaned_data["token"])
                otp_login(request, device)
                messages.success(request, _("Two-step sign-in is on: each sign-in now asks for a code."))
                return _next(request)
        except Refused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
    qr = None
    if pending is not None:
        qr = mark_safe(segno.make(pending.config_url, error="m").svg_inline(scale=4, dark="#111827"))  # noqa: S308 — segno writes the markup, no user text in it
    return render(
        request,
        "accounts/two_factor.html",
        {
            "device": services.totp_device(user),
            "pending": pending,
            "qr": qr,
            "secret": _spaced(pending.key) if pending else "",
            "required": required,
            "form": form,
            "next": request.GET.get("next", ""),
        },
    )


def _spaced(hex_key: str) -> str:
    """The secret as an app's "enter a key" screen wants it: base32, in groups of four."""
    secret = base64.b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_get_or_post
def verify(request):
    """After signing in: the code from the authenticator app."""
    device = services.totp_device(request.user)
    if device is None:
        return redirect("accounts:two_factor")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip().replace(" ", "")):
            otp_login(request, device)
            return _next(request)
        form.add_error("token", _("The code is not right. Check the time on your phone and type the newest code."))
    return render(request, "accounts/verify.html", {"form": form, "next": request.GET.get("next", "")})
