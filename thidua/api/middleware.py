"""The API's front door, for every request under /api/:

- sessions do not act on the API: the request's user is the owner of a valid bearer token, or
  anonymous (so no cookie can stand in for a token, and CSRF has nothing to protect);
- a body larger than the largest upload the API takes is refused (413) before it is parsed;
- NUL characters are refused (400) as everywhere on the site;
- any error answered by the rest of the site (404 for an unknown path, 405, 413 …) is turned into
  `application/problem+json`, so an API client never has to parse an HTML page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from thidua.api import services
from thidua.api.v1.problems import PROBLEM_TYPE, problem

PREFIX = "/api/"


def max_body() -> int:
    return settings.SUBMISSION_MAX_FILES * settings.SUBMISSION_MAX_FILE_BYTES + 1024 * 1024


def bearer(request) -> str:
    scheme, _space, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _has_nul(request) -> bool:
    return "\x00" in request.path or any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
    )


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        raw = bearer(request)
        request.api_token = services.api_token_authenticate(raw) if raw else None
        request.user = request.api_token.user if request.api_token else AnonymousUser()
        if _has_nul(request):
            return problem(400)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > max_body():
            return problem(413)
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if response.status_code >= 400 and not content_type.startswith((PROBLEM_TYPE, "application/json")):
            return problem(response.status_code if response.status_code < 500 else 500)
        return response
