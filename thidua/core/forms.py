"""What forms and form views across the apps share."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from thidua.core.errors import Refused

# The largest numbers a form accepts, as the database columns hold them: an id (a 32-bit key), a
# figure (14 digits), a count of people (a 32-bit positive integer). Beyond them a form says so.
MAX_ID = 2**31 - 1
MAX_FIGURE = 10**14 - 1
MAX_PEOPLE = 2**31 - 1


def redirect_next(request, default, *args) -> HttpResponse:
    """To the page named by the form's or the link's `next` — a path on this site, never another site
    or a view name — else to `default` (a URL name and its arguments)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(default, *args)


def errors_text(form) -> str:
    """Every error of a bound form in one line, for a message after a redirect."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def post_action(request, form, action: Callable[[dict], object], *, success, then: str | tuple) -> HttpResponse:
    """The pattern of every small POST view: check the form, call the service with its cleaned
    data, show `success` (text, or a function of what the service returned) or the service's
    refusal (thidua.core.errors.Refused), then redirect to `then` (a URL name and its arguments).
    Nothing but a Refused is caught: anything else is a bug and must not look like a rule."""
    if form.is_valid():
        try:
            result = action(form.cleaned_data)
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success(result) if callable(success) else success)
    else:
        messages.error(request, errors_text(form))
    return redirect(*then) if isinstance(then, tuple) else redirect(then)


def _is_id(value) -> bool:
    text = str(value).strip()
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID


class IdChoiceField(forms.ModelChoiceField):
    """A row chosen by its id: anything but a plausible id ("abc", 20 digits, "-1") is an invalid
    choice before the database sees it (a huge number would overflow the query on SQLite and
    PostgreSQL alike)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not _is_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows chosen by their ids, checked as IdChoiceField checks one."""

    def _check_values(self, value):
        bad = [v for v in value if not _is_id(v)]
        if bad:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": bad[0]}
            )
        return super()._check_values(value)


class PickForm(forms.Form):
    """One row chosen by its id among `queryset`, with an optional reason. A malformed id ("abc",
    20 digits) or one outside the queryset is `message`, never a database error."""

    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)

    def __init__(self, data, *, name: str, queryset, message: str):
        super().__init__(data)
        self.name = name
        self.fields[name] = IdChoiceField(
            queryset=queryset, error_messages={"invalid_choice": message, "required": message}
        )

    @property
    def picked(self):
        return self.cleaned_data[self.name]
