from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change, as it happened: who, when, what, from what, to what, why. Never edited."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class Notification(models.Model):
    """An in-app message to one user (a receipt, a review, a reminder); e-mail goes out beside it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    text = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.text


class StoredFileQuerySet(models.QuerySet):
    def unreferenced(self):
        """Stored files no row of any app points to (documents, initiatives, models …): found from
        the reverse relations, so an app added later is counted without this module knowing it."""
        qs = self
        for relation in self.model._meta.related_objects:
            qs = qs.filter(**{f"{relation.name}__isnull": True})
        return qs


class StoredFile(models.Model):
    """A file's bytes, stored once under its SHA-256 (see thidua.core.files); documents,
    initiatives and effective models point to it."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("size"))
    kind = models.CharField(_("type"), max_length=10)  # pdf, docx, xlsx, … detected from the content
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StoredFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.sha256


class OutboundEmail(models.Model):
    """An e-mail to send, written in the same transaction as the change it reports.

    `key` makes queuing idempotent (the same reminder queued twice is one row) and gives the
    message a stable Message-ID. A sender claims a row by a conditional update that sets a lease;
    a row whose lease ran out without `sent_at` (the sender died) is claimed again.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    # A reply (the mail gateway's receipts): the Message-ID it answers, so mail programs thread it.
    in_reply_to = models.CharField(_("in reply to"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("outbound e-mail")
        verbose_name_plural = _("outbound e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["sent_at", "lease_until"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return self.subject


class Export(models.Model):
    """A file built in the background for one user (a large spreadsheet, a document): its
    progress while it is built, then its bytes until it is purged (thidua.core.exports)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    data = models.BinaryField(_("content"), blank=True, default=b"")  # private: served to its owner only
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
