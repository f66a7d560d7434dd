"""Indicator values entered by units, their history, the per-ancestor aggregates kept in step
with every write, activity events that feed counts, and sign-offs of figures.

A value is a unit's OWN figure (what it reports for itself and any units below it that do not
report). The total of a unit is the sum of the values of every reporting unit in its subtree;
`Aggregate` holds that sum for every ancestor, updated in the same transaction as the value.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.models import Activity, Campaign, Indicator, Milestone
from thidua.units.models import Unit


class IndicatorValue(models.Model):
    """The current value of one indicator for one unit. `version` rises on every change, so two
    officers editing the same value cannot silently overwrite each other."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="indicator_values")
    # count: the number; ratio: the people who meet it; share: 1 (yes) or 0 (no)
    numerator = models.DecimalField(_("value"), max_digits=14, decimal_places=0)
    # ratio only: the people counted out of (members, cadres …)
    denominator = models.DecimalField(_("out of"), max_digits=14, decimal_places=0, null=True, blank=True)
    as_of = models.DateField(_("as of"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit"], name="one_value_per_unit"),
            models.CheckConstraint(condition=Q(numerator__gte=0), name="value_not_negative"),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(numerator__lte=models.F("denominator")),
                name="numerator_within_denominator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} @ {self.unit.code} = {self.numerator}"


class ValueChange(models.Model):
    """Every change of a value: who, when, old, new, why, from where."""

    class Source(models.TextChoices):
        FORM = "form", _("form")
        UPLOAD = "upload", _("spreadsheet")
        EVENT = "event", _("activity log")

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(_("as of"), db_index=True)
    old_numerator = models.DecimalField(max_digits=14, decimal_places=0, null=True)
    old_denominator = models.DecimalField(max_digits=14, decimal_places=0, null=True)
    new_numerator = models.DecimalField(max_digits=14, decimal_places=0)
    new_denominator = models.DecimalField(max_digits=14, decimal_places=0, null=True)
    changed_at = models.DateTimeField(_("time"), default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.FORM)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("value change")
        verbose_name_plural = _("value changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["indicator", "unit", "as_of"], name="value_change_idx")]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.unit_id}: {self.old_numerator} → {self.new_numerator}"


class Aggregate(models.Model):
    """Sums over a unit's subtree (itself included) for one indicator, kept in step with every write."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    numerator_sum = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    denominator_sum = models.DecimalField(max_digits=18, decimal_places=0, default=0)
    reported = models.PositiveIntegerField(default=0)  # units in the subtree with a value
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "unit"], name="one_aggregate_per_unit")]

    def __str__(self) -> str:
        return f"Σ {self.indicator_id}@{self.unit_id} = {self.numerator_sum}/{self.denominator_sum}"


class PendingValue(models.Model):
    """A figure written by the system (the initiatives portal's counts) while the unit's figures
    were locked by an approval: kept, shown to the unit and the coordinator, and written when the
    approval is withdrawn or the sign-off sent back — never dropped silently."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="pending_values")
    numerator = models.DecimalField(_("value"), max_digits=14, decimal_places=0)
    denominator = models.DecimalField(_("out of"), max_digits=14, decimal_places=0, null=True, blank=True)
    as_of = models.DateField(_("as of"))
    note = models.CharField(_("source"), max_length=200, blank=True)
    reason = models.CharField(_("waiting because"), max_length=500)
    queued_at = models.DateTimeField(_("queued at"), auto_now=True)

    class Meta:
        verbose_name = _("figure waiting for an approval")
        verbose_name_plural = _("figures waiting for an approval")
        constraints = [models.UniqueConstraint(fields=["indicator", "unit"], name="one_pending_value")]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.unit_id}: {self.numerator}"


class ActivityEvent(models.Model):
    """Something a unit did for an activity (a job fair, a Volunteer Saturday session, attending
    the conference), with the counts it adds to the activity's indicators."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="events")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="events")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="activity_events")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    description = models.TextField(_("what happened"), blank=True)
    counts = models.JSONField(_("counts added"), default=dict, blank=True)  # {indicator code: number}
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.activity.title} — {self.unit} — {self.date}"


class SignOff(models.Model):
    """A unit signs off its figures with a report; the unit above approves or sends them back."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Sent back")
        REOPENED = "reopened", _("Approval withdrawn")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="signoffs")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="signoffs")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="signoffs")
    as_of = models.DateField(_("figures as of"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(_("signed off at"), default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # At most one live (awaiting or approved) sign-off per unit and milestone.
            models.UniqueConstraint(
                fields=["milestone", "unit"],
                condition=Q(status__in=["submitted", "approved"]),
                name="one_live_signoff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.milestone} — {self.get_status_display()}"


class SignOffValue(models.Model):
    """The figures as they were signed off: what 'approved only' dashboards add up."""

    signoff = models.ForeignKey(SignOff, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    numerator = models.DecimalField(max_digits=14, decimal_places=0)
    denominator = models.DecimalField(max_digits=14, decimal_places=0, null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["signoff", "indicator", "unit"], name="one_signed_value")]

    def __str__(self) -> str:
        return f"{self.signoff_id}: {self.indicator_id}@{self.unit_id}"
