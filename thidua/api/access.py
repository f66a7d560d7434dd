"""Who may see and revoke a personal API token: its owner only (a token acts as its owner, so
nobody else, not even a coordinator, has any business with it)."""

from __future__ import annotations

from thidua.api.models import ApiToken


def user_tokens(user):
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def may_use_token(token: ApiToken) -> bool:
    """A token works while its owner's account is active (roles are read on every call)."""
    return token.user.is_active
