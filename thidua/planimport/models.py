from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.models import Campaign
from thidua.units.models import Unit


class PlanDraft(models.Model):
    """An imported plan under review: its text, the extracted definition (as the coordinator has
    corrected it so far), where each field came from, and the warnings.

    An uploaded plan is read by a worker (services.draft_upload): until then the draft is `reading`
    and holds the file; then `ready` with every field at once, or `failed` with the reason."""

    class Status(models.TextChoices):
        READING = "reading", _("Being read")
        READY = "ready", _("Read")
        FAILED = "failed", _("Could not be read")

    unit = models.ForeignKey(Unit, verbose_name=_("for unit"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    filename = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.READY)
    message = models.TextField(_("why it could not be read"), blank=True)
    # The uploaded file until a worker has read it (emptied then: the text is kept).
    upload = models.BinaryField(default=b"", editable=False)
    text = models.TextField(_("text"), blank=True)
    definition = models.JSONField(_("definition"), default=dict)
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
        constraints = [
            models.CheckConstraint(condition=~Q(status="failed", message=""), name="plan_unreadable_says_why"),
        ]

    def __str__(self) -> str:
        return self.filename
