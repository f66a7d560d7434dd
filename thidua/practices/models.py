"""The library of effective models ("thư viện mô hình hiệu quả"): what a unit did well for an
activity of a campaign, with its results and photos, sent to the campaign's coordinators, who
publish the good ones (and feature the best) for other units to copy.

A model is written as a draft by its unit, sent (submitted), then published or returned with a
reason; a published one may be taken down (it goes back to its unit, returned, with the reason).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.models import Activity, Campaign
from thidua.core.models import StoredFile
from thidua.core.text import fold
from thidua.units.models import Unit

IMAGE_KINDS = ("jpeg", "png")


class Field(models.TextChoices):
    """Lĩnh vực: what the model serves."""

    PUBLIC_SERVICES = "public_services", _("Online public services")
    DIGITAL = "digital", _("Digital transformation")
    JOBS = "jobs", _("Jobs and careers")
    VOLUNTEERING = "volunteering", _("Volunteering")
    ADMIN_REFORM = "admin_reform", _("Administrative reform")
    OTHER = "other", _("Other")


class PracticeQuerySet(models.QuerySet):
    def public(self):
        """What the public library shows: published models only."""
        return self.filter(status=Practice.Status.PUBLISHED)

    def search(self, text: str):
        """Accent- and case-insensitive search ('dinh danh' finds 'định danh')."""
        qs = self
        for word in fold(text).split():
            qs = qs.filter(search_text__contains=word)
        return qs


class Practice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Sent, awaiting the coordinator")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned to the unit")

    # The unit writes (and rewrites) a model in these states; the coordinator decides on the others.
    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity it serves"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit running it"), on_delete=models.PROTECT, related_name="practices"
    )
    title = models.CharField(_("name of the model"), max_length=300)
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    description = models.TextField(_("how it works"))
    results = models.TextField(_("results"))
    # Whom another unit calls to copy the model: shown to the Union's officers, never publicly.
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    featured = models.BooleanField(_("featured"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    # Folded title and texts for accent-insensitive search; written by the services.
    search_text = models.TextField(blank=True, editable=False)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("effective model")
        verbose_name_plural = _("effective models")
        ordering = ["-featured", "-published_at", "-updated_at", "-id"]
        indexes = [models.Index(fields=["status", "featured"], name="practice_status_featured_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(featured=False) | Q(status="published"), name="practice_featured_published"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="practice_published_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="returned", return_reason=""), name="practice_returned_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def photos(self) -> list[PracticeFile]:
        """Its JPEG and PNG files, in order (shown inline on the public page)."""
        return [f for f in self.files.all() if f.is_image]

    @property
    def documents(self) -> list[PracticeFile]:
        """Its other files (offered as downloads)."""
        return [f for f in self.files.all() if not f.is_image]


class PracticeFile(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="files")
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="practice_uses")
    name = models.CharField(_("file name"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")
        ordering = ["practice", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.stored.kind in IMAGE_KINDS
