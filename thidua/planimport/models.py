from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.models import Campaign
from thidua.units.models import Unit


class PlanDraft(models.Model):
    """An imported plan under review: its text, the extracted definition (as the coordinator has
    corrected it so far), where each field came from, and the warnings."""

    unit = models.ForeignKey(Unit, verbose_name=_("for unit"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    filename = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64)
    text = models.TextField(_("text"))
    definition = models.JSONField(_("definition"))
    spans = models.JSONField(default=dict)
    warnings = models.JSONField(default=list)
    suggestions = models.JSONField(default=dict)
    # How sure the import is of each field, with the source line: [{path, label, value, source, confidence,
    # level, warnings}] (parser/confidence.py); the review page sorts by it.
    confidence = models.JSONField(default=list, blank=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("imported plan")
        verbose_name_plural = _("imported plans")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename
