"""Registrations (with commitments), document submissions (versions, files, receipts), reviews,
deadline extensions and exemptions, and the reminders already sent.

Nothing here is ever overwritten: a revision or a version is a new row; files are named by their
SHA-256 and kept under MEDIA_ROOT, outside any public URL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.models import Campaign, Indicator, Milestone
from thidua.core.models import StoredFile
from thidua.units.models import Unit


class Registration(models.Model):
    """A unit's emulation registration (đăng ký thi đua) for a campaign; its content is in revisions."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="registrations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="registrations")
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="one_registration_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.campaign.slug}"


class RegistrationRevision(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    on_behalf = models.BooleanField(_("entered by the coordinator"), default=False)

    class Meta:
        verbose_name = _("registration revision")
        verbose_name_plural = _("registration revisions")
        ordering = ["registration", "-number"]
        constraints = [models.UniqueConstraint(fields=["registration", "number"], name="unique_registration_revision")]

    def __str__(self) -> str:
        return f"{self.registration} #{self.number}"


class Commitment(models.Model):
    """A number a unit pledges for one indicator in one revision of its registration."""

    revision = models.ForeignKey(RegistrationRevision, on_delete=models.PROTECT, related_name="commitments")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="commitments")
    value = models.DecimalField(_("commitment"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(fields=["revision", "indicator"], name="one_commitment_per_indicator"),
            models.CheckConstraint(condition=Q(value__gte=0), name="commitment_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


class Submission(models.Model):
    """One version of one unit's document for one milestone. Never edited except its review status."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted")
        SUPPLEMENT = "supplement", _("Supplement requested")

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions")
    version = models.PositiveIntegerField(_("version"))
    received_at = models.DateTimeField(_("received at"), db_index=True)
    deadline = models.DateTimeField(_("deadline that applied"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    note = models.TextField(_("note"), blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=40, unique=True, null=True)
    status = models.CharField(_("review status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    answers = models.ForeignKey(
        "Review", verbose_name=_("answers"), on_delete=models.PROTECT, null=True, blank=True, related_name="answered_by"
    )

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["milestone", "unit", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "unit", "version"], name="unique_submission_version")
        ]
        indexes = [models.Index(fields=["milestone", "unit"], name="submission_slot_idx")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.milestone} v{self.version}"

    @property
    def on_time(self) -> bool:
        return self.received_at < self.deadline

    @property
    def late_by(self):
        return None if self.on_time else self.received_at - self.deadline


class SubmissionFile(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="files")
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="uses")
    name = models.CharField(_("file name"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")
        ordering = ["submission", "order"]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        SUPPLEMENT = "supplement", _("Supplement requested")

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(decision="supplement", comment=""), name="supplement_needs_comment"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} — {self.submission}"


class DeadlineException(models.Model):
    """An extension (a later deadline) or an exemption granted to one unit for one milestone."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", _("Extension")
        EXEMPTION = "exemption", _("Exemption")

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="exceptions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="deadline_exceptions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    new_deadline = models.DateTimeField(_("new deadline"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("extension or exemption")
        verbose_name_plural = _("extensions and exemptions")
        constraints = [
            models.UniqueConstraint(fields=["milestone", "unit"], name="one_exception_per_unit"),
            models.CheckConstraint(
                condition=(Q(kind="extension") & Q(new_deadline__isnull=False))
                | (Q(kind="exemption") & Q(new_deadline__isnull=True)),
                name="extension_has_deadline",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="exception_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.unit} — {self.milestone}"


class ReminderSent(models.Model):
    """Claimed before the e-mail goes out: a (milestone, unit, step) is reminded at most once."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    step_minutes = models.IntegerField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["milestone", "unit", "step_minutes"], name="remind_once")]

    def __str__(self) -> str:
        return f"{self.milestone_id}/{self.unit_id}/{self.step_minutes}"


class DigestSent(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.day}"


class UnitMessage(models.Model):
    """A message the coordinator sent to a chosen set of units (those missing a report, not yet
    registered, of a district …): its template, who it went to, and each e-mail's fate."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="unit_messages")
    milestone = models.ForeignKey(Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    audience = models.CharField(_("sent to"), max_length=300)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("message to units")
        verbose_name_plural = _("messages to units")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class UnitMessageRecipient(models.Model):
    message = models.ForeignKey(UnitMessage, on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    email = models.ForeignKey(
        "core.OutboundEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # None: the unit has no e-mail address (it is told in the app only)
    officers_told = models.PositiveIntegerField(_("told in the app"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "unit"], name="one_recipient_per_unit")]

    def __str__(self) -> str:
        return f"{self.message_id}/{self.unit_id}"
