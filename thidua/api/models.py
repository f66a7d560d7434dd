"""Personal API tokens: a user's key for the open API (/api/v1/), acting with exactly that user's
roles. The secret is shown once, at creation; only its SHA-256 is stored, with a short visible
prefix so the owner can tell their tokens apart. Every token expires; revoking is final."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. “district dashboard”."))
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_on = models.DateField(_("expires on"), help_text=_("The token stops working at the end of this day."))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=["read", "write"]), name="api_token_scope_known"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def is_expired(self, today: dt.date) -> bool:
        return self.expires_on < today

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE
