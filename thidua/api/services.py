"""Personal API tokens: create (the secret returned once), revoke, and recognise a token on a call.

Stored: the SHA-256 of the whole token and its first characters (the visible prefix). A token is
refused once revoked, after its expiry day (Ho Chi Minh City time), or when its owner's account is
switched off. Creating and revoking are audited; a use only moves `last_used_at` (at most once a
minute, so a busy integration does not write on every call).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from thidua.api import access
from thidua.api.models import ApiToken
from thidua.core import timeutils
from thidua.core.audit import log_action
from thidua.core.errors import Refused

TOKEN_START = "td_"
PREFIX_LENGTH = 10  # "td_" and 7 characters of the secret: enough to tell tokens apart, useless to guess
MAX_DAYS = 366
MAX_ACTIVE_TOKENS = 20
MAX_TOKEN_LENGTH = 100
USE_RESOLUTION = dt.timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _today(now: dt.datetime | None = None) -> dt.date:
    return timeutils.local(now or timeutils.now()).date()


def api_token_create(
    *, actor, name: str, scope: str, expires_on: dt.date, now: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for `actor` (acting with exactly their roles). Returns the row and the secret,
    which is shown once and never stored."""
    name = (name or "").strip()
    today = _today(now)
    if not name:
        raise Refused(_("Give the token a name."), field="name")
    if scope not in ApiToken.Scope.values:
        raise Refused(_("Choose read only or read and write."), field="scope")
    if expires_on is None or expires_on < today:
        raise Refused(_("The expiry date must be today or later."), field="expires_on")
    if expires_on > today + dt.timedelta(days=MAX_DAYS):
        raise Refused(_("A token lasts at most one year: choose an earlier expiry date."), field="expires_on")
    with transaction.atomic():
        active = active_tokens(actor, now).select_for_update().count()
        if active >= MAX_ACTIVE_TOKENS:
            raise Refused(
                _("You already have %(n)s active tokens: revoke one you no longer use first.") % {"n": active}
            )
        raw = TOKEN_START + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=actor,
            name=name[:100],
            prefix=raw[:PREFIX_LENGTH],
            key_sha256=digest(raw),
            scope=scope,
            expires_on=expires_on,
            created_at=now or timeutils.now(),
        )
        log_action(
            actor=actor,
            action="api_token.create",
            obj=token,
            changes={"scope": [None, scope], "expires_on": [None, expires_on], "prefix": [None, token.prefix]},
        )
    return token, raw


def api_token_revoke(*, actor, token: ApiToken, now: dt.datetime | None = None) -> ApiToken:
    if token.user_id != getattr(actor, "pk", None):
        raise Refused(_("Only the token's owner can revoke it."))
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = now or timeutils.now()
        token.save(update_fields=["revoked_at"])
        log_action(actor=actor, action="api_token.revoke", obj=token, changes={"revoked_at": [None, token.revoked_at]})
    return token


def active_tokens(user, now: dt.datetime | None = None):
    return access.user_tokens(user).filter(revoked_at__isnull=True, expires_on__gte=_today(now))


def api_token_authenticate(raw: str, now: dt.datetime | None = None) -> ApiToken | None:
    """The live token `raw` names, or None (unknown, revoked, expired, owner switched off).
    Records the use in `last_used_at`."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH or not raw.startswith(TOKEN_START) or not raw.isascii():
        return None
    now = now or timeutils.now()
    token = ApiToken.objects.select_related("user").filter(key_sha256=digest(raw)).first()
    if token is None or token.revoked_at is not None or token.is_expired(_today(now)):
        return None
    if not access.may_use_token(token):
        return None
    if token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
