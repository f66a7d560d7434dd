"""Language, and the security headers every response carries.

Language: Vietnamese unless the user chose another language with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, and many phones and
office PCs in Vietnam run an English browser; the union's working language is Vietnamese.
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.utils import translation


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (Django's
    SecurityMiddleware sets the rest: nosniff, Referrer-Policy, COOP, HSTS behind HTTPS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RefuseNulMiddleware:
    """A NUL character has no place in a URL or a form, and PostgreSQL refuses it in text: a
    request carrying one (path, query string or form field, name or value) gets a 400 page
    before any view or query sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return render(request, "400.html", status=400)
        return self.get_response(request)


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


class AnonymousBodyLimitMiddleware:
    """A visitor without an account sends forms, not files (an initiative's files come after its
    address is confirmed, through the tracking link): a larger body is refused (413) before Django
    parses it or writes anything to disk."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and not request.user.is_authenticated:
            if (
                not request.path.startswith(settings.ANONYMOUS_UPLOAD_PATHS)
                and _length(request) > settings.ANONYMOUS_MAX_BODY
            ):
                return render(request, "413.html", status=413)
        return self.get_response(request)


def _length(request) -> int:
    raw = request.META.get("CONTENT_LENGTH") or "0"
    return int(raw) if raw.isdigit() else 0


class CompressTextMiddleware(GZipMiddleware):
    """gzip for pages, JSON and CSV when the browser accepts it (a city board: 106 KB → ~12 KB);
    never for files, which are compressed already (ZIP, PDF, Office) and would only cost CPU.
    BREACH: Django masks the CSRF token differently in every response, and no secret of one user
    is reflected next to text another can inject."""

    TEXT = ("text/", "application/json", "application/problem+json", "application/javascript", "image/svg+xml")

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.TEXT):
            return response
        return super().process_response(request, response)
