"""Errors as RFC 9457 problem details (`application/problem+json`), in the site's language.

Every refusal of the API goes through `problem()`: a rule (`Refused` from a service) is a 400 or a
409 with the service's own message; 401/403/404 say as little as the web pages do (an object
outside the token owner's units is a 404, whether or not it exists).
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _

PROBLEM_TYPE = "application/problem+json"


class ApiProblem(Exception):
    """Raised by an endpoint or the authentication: answered as a problem document."""

    def __init__(self, status: int, detail: str = "", *, errors: list | None = None, headers: dict | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, detail, errors, headers or {}


def titles() -> dict[int, str]:
    return {
        400: _("The request is not valid."),
        401: _("A valid API token is needed."),
        403: _("This token may not do that."),
        404: _("Not found, or not within your units."),
        405: _("This method is not allowed here."),
        409: _("Conflict with the current data."),
        413: _("The request is too large."),
        422: _("The request is not valid."),
        429: _("Too many requests: wait a moment and try again."),
        500: _("Server error."),
    }


def problem(status: int, detail: str = "", *, errors: list | None = None, headers: dict | None = None) -> HttpResponse:
    body = {"type": "about:blank", "title": titles().get(status, titles()[400]), "status": status}
    body["detail"] = str(detail) if detail else body["title"]
    if errors:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
