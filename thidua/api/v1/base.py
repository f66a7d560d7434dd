"""The API object: token authentication, rate limits, problem+json errors, pagination, the schema."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from thidua.api import services
from thidua.api.v1.problems import PROBLEM_TYPE, ApiProblem, problem
from thidua.core import ratelimit
from thidua.core.errors import Refused

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_OFFSET = 1_000_000
ERROR_CODES = (400, 401, 403, 404, 409, 422, 429)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer td_…`: a personal token, acting with exactly its owner's roles.
    A read token is refused on any call that changes something; each token has its own rate limit."""

    def authenticate(self, request, token: str):
        found = getattr(request, "api_token", None)
        if found is None and not hasattr(request, "api_token"):
            found = services.api_token_authenticate(token.strip())
        if found is None:
            return None
        limit = ratelimit.limit("api-token")
        if not ratelimit.hit(limit, f"api-token:{found.pk}"):
            raise ApiProblem(429, headers={"Retry-After": str(limit.seconds)})
        if request.method not in SAFE_METHODS and not found.may_write:
            raise ApiProblem(403, _("This token is read-only: create a read and write token to send data."))
        request.user = found.user
        return found


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[Any] | None = None


class Paging(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page (1–200).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


def page(items, paging: Paging, serialize) -> dict:
    """One page of a queryset or list: {count, limit, offset, items}."""
    count = items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
    chunk = items[paging.offset : paging.offset + paging.limit]
    return {"count": count, "limit": paging.limit, "offset": paging.offset, "items": [serialize(i) for i in chunk]}


def errors(*codes: int) -> dict:
    """The documented error answers of an operation (every operation may answer 400, 401, 404, 422, 429)."""
    return {code: Problem for code in sorted({400, 401, 404, 422, 429, *codes})}


class Utf8Renderer(JSONRenderer):
    """Vietnamese text as UTF-8, not \\u escapes: what a person reading the answer expects."""

    json_dumps_params = {"ensure_ascii": False}  # noqa: RUF012 (ninja's own attribute)


class ThiDuaAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Errors are documented as `application/problem+json`, as they are sent."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content") or {}
                    if str(code).startswith(("4", "5")) and "application/json" in content:
                        response["content"] = {PROBLEM_TYPE: content["application/json"]}
        return schema


api = ThiDuaAPI(
    title="Thi đua API",
    version="1",
    description=(
        "API mở của Thi đua: xác thực bằng khóa API cá nhân (`Authorization: Bearer <khóa>`), tạo tại "
        "trang “Khóa API” trong tài khoản; khóa có đúng quyền của người tạo. Lỗi trả về dạng "
        "`application/problem+json` bằng tiếng Việt.\n\n"
        "Open API of Thi đua (emulation campaigns of the Ho Chi Minh City Youth Union). "
        "Authentication: a personal token, `Authorization: Bearer <token>`, created on the page "
        "“API tokens” of your account; it acts with exactly your roles. Errors are "
        "`application/problem+json` in Vietnamese. See docs/api.md."
    ),
    urls_namespace="api_v1",
    renderer=Utf8Renderer(),
    auth=TokenAuth(),
    docs=Swagger(settings={"persistAuthorization": False, "defaultModelsExpandDepth": 0}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ApiProblem)
def _api_problem(request, exc: ApiProblem):
    return problem(exc.status, exc.detail, errors=exc.errors, headers=exc.headers)


@api.exception_handler(Refused)
def _refused(request, exc: Refused):
    return problem(400, str(exc), errors=[{"field": exc.field, "message": str(exc)}] if exc.field else None)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    limit = ratelimit.limit("api-anonymous-ip")
    if not ratelimit.hit(limit, ratelimit.client_address(request)):
        return problem(429, headers={"Retry-After": str(limit.seconds)})
    return problem(401, headers={"WWW-Authenticate": 'Bearer realm="thidua"'})


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return problem(403, str(exc) if str(exc) else _("Your roles do not allow this."))


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    found = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "form")),
            "message": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    return problem(422, _("Some values are missing or not valid."), errors=found)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return problem(exc.status_code if exc.status_code in ERROR_CODES else 400)
