"""The end of a campaign: each unit's self-assessment against the criteria set and its review,
bonus and penalty lines, proposals for commendation and the decision that grants them.

Nothing here is ever deleted: a proposal is withdrawn or returned, an adjustment withdrawn, with
who, when and why kept (and the audit trail beside it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.models import AwardType, Campaign, Criterion
from thidua.units.models import Unit


class Assessment(models.Model):
    """A unit's self-assessment (tự chấm) for a campaign, reviewed by the coordinator."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being filled in")
        SUBMITTED = "submitted", _("Sent for review")
        REVIEWED = "reviewed", _("Reviewed")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="one_assessment_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.campaign.slug}"


class AssessmentLine(models.Model):
    """One criterion of a self-assessment: the unit's points and evidence (for criteria scored by
    people), its note (for computed ones), and the reviewer's points and note."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="lines")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    self_points = models.DecimalField(_("self-assessed points"), max_digits=7, decimal_places=2, null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    note = models.TextField(_("unit's note"), blank=True)
    reviewed_points = models.DecimalField(_("reviewed points"), max_digits=7, decimal_places=2, null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("self-assessment line")
        verbose_name_plural = _("self-assessment lines")
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="one_line_per_criterion")]

    def __str__(self) -> str:
        return f"{self.assessment} — {self.criterion.code}"


class Adjustment(models.Model):
    """A bonus (+) or penalty (−) line for a unit, with its reason; withdrawn, never deleted."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="adjustments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="adjustments")
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdraw_reason = models.TextField(_("why withdrawn"), blank=True)

    class Meta:
        verbose_name = _("bonus or penalty")
        verbose_name_plural = _("bonuses and penalties")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~models.Q(points=0), name="adjustment_not_zero")]

    def __str__(self) -> str:
        return f"{self.unit} {self.points:+}"


class Decision(models.Model):
    """The commendation decision (quyết định khen thưởng) that grants the approved proposals."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="decisions")
    number = models.CharField(_("number"), max_length=80)
    signed_on = models.DateField(_("signed on"))
    signer_name = models.CharField(_("signer"), max_length=200)
    signer_position = models.CharField(_("signer's position"), max_length=200)
    on_behalf = models.CharField(_("on behalf of"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("commendation decision")
        verbose_name_plural = _("commendation decisions")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} ({self.signed_on:%d/%m/%Y})"


class Proposal(models.Model):
    """One proposed award: a collective (a unit, drafted from the ranking) or an individual (proposed
    by the person's unit with an achievement summary)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed by the unit")
        SUBMITTED = "submitted", _("Awaiting the steering committee")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DECIDED = "decided", _("Granted by decision")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="proposals")
    award_type = models.ForeignKey(AwardType, on_delete=models.PROTECT, related_name="proposals")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="proposals")
    cluster_code = models.CharField(_("cluster"), max_length=20, blank=True)
    person_name = models.CharField(_("full name"), max_length=200, blank=True)
    person_position = models.CharField(_("position"), max_length=200, blank=True)
    achievement = models.TextField(_("achievements"), blank=True)
    score = models.DecimalField(_("score (%)"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank in its cluster"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.TextField(_("why returned"), blank=True)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("commendation proposal")
        verbose_name_plural = _("commendation proposals")
        ordering = ["award_type__order", "cluster_code", "rank", "id"]

    def __str__(self) -> str:
        return self.person_name or self.unit.name

    @property
    def awardee(self) -> str:
        return self.person_name or self.unit.name

    @property
    def is_individual(self) -> bool:
        return bool(self.person_name)
