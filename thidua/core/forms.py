"""What forms and form views across the apps share."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from thidua.core.errors import Refused

# The largest numbers a form accepts, as the database columns hold them: an id (a 32-bit key), a
# figure (14 digits), a count of people (a 32-bit positive integer). Beyond them a form says so.
MAX_ID = 2**31 - 1
MAX_FIGURE = 10**14 - 1
MAX_PEOPLE = 2**31 - 1


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


class PickForm(forms.Form):
    """One row chosen by its id among `queryset`, with an optional reason. A malformed id ("abc",
    20 digits) or one outside the queryset is `message`, never a database error."""

    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)

    def __init__(self, data, *, name: str, queryset, message: str):
        super().__init__(data)
        self.name = name
        self.fields[name] = forms.ModelChoiceField(
            queryset=queryset, error_messages={"invalid_choice": message, "required": message}
        )

    @property
    def picked(self):
        return self.cleaned_data[self.name]
