"""E-mail received by the gateway: every raw message, stored under its SHA-256 before anything
else happens, and what became of it (filed as a submission, waiting in triage, rejected, or a
duplicate of one already received).

`received_at` is the time the message reached OUR mail server: the IMAP INTERNALDATE the server
stamped on arrival, or, for the local SMTP intake, the instant its DATA was accepted. Never the
Date header (the sender's clock). Deadlines are judged by it, even when a coordinator files the
message from triage days later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.models import Milestone
from thidua.core.models import OutboundEmail, StoredFile
from thidua.submissions.models import Submission
from thidua.units.models import Unit


class InboundMessage(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Not read yet")
        FILED = "filed", _("Filed")
        TRIAGE = "triage", _("Waiting for a coordinator")
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Duplicate")

    class Source(models.TextChoices):
        IMAP = "imap", _("Mailbox (IMAP)")
        SMTP = "smtp", _("SMTP intake")
        DEMO = "demo", _("Demo")

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    raw = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="inbound_messages")
    raw_truncated = models.BooleanField(
        _("only the header was kept"), default=False, help_text=_("The message was too large to keep whole.")
    )
    size = models.PositiveBigIntegerField(_("size"))
    source = models.CharField(_("received through"), max_length=8, choices=Source.choices)
    message_id = models.CharField(_("Message-ID"), max_length=300, blank=True, db_index=True)
    envelope_from = models.CharField(_("envelope sender"), max_length=300, blank=True)
    from_address = models.CharField(_("sender address"), max_length=300, blank=True, db_index=True)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received at (our mail server)"), db_index=True)
    stored_at = models.DateTimeField(_("stored at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reason = models.TextField(_("reason"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)  # [{name, size, sha256}]
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True)
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    candidate_units = models.ManyToManyField(Unit, blank=True, related_name="+")
    candidate_milestones = models.ManyToManyField(Milestone, blank=True, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reply = models.ForeignKey(OutboundEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"], name="inbound_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="filed") | models.Q(submission__isnull=False), name="filed_has_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_address} — {self.subject[:80]}"
