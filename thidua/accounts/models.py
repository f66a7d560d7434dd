from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountState(models.Model):
    """What the site must ask of an account before anything else: a new password (the one a
    coordinator handed out is temporary)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="account_state"
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account state")
        verbose_name_plural = _("account states")

    def __str__(self) -> str:
        return str(self.user_id)
