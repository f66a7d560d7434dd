"""A campaign as its plan document states it: goals, indicators, activities and who runs them,
reporting milestones with their deadlines, the distribution list and the signature block.

The campaign definition file (definition.py) is the exchange format; these tables are what the
application queries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thidua.units.models import GROUP_KINDS, Unit, UnitGroup


class CampaignQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Campaign.Status.PUBLISHED)


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    class PeriodStart(models.TextChoices):
        DATE = "date", _("On a given date")
        ISSUE_DATE = "issue_date", _("From the plan's issue date")

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    title = models.TextField(_("title"))
    theme = models.TextField(_("theme"), blank=True)
    context = models.TextField(_("context"), blank=True)
    issuer_unit = models.ForeignKey(
        Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+", null=True
    )
    issuer_name = models.CharField(_("issuing body"), max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=80, blank=True)
    issue_place = models.CharField(_("place of issue"), max_length=120, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    period_start_rule = models.CharField(
        _("period starts"), max_length=12, choices=PeriodStart.choices, default=PeriodStart.DATE
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    period_text = models.CharField(_("period as written"), max_length=300, blank=True)
    audience = models.TextField(_("audience"), blank=True)
    steering_committee = models.CharField(_("steering committee"), max_length=200, blank=True)
    coordinator_unit = models.ForeignKey(
        Unit,
        verbose_name=_("coordinating unit"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    coordinator_duties = models.TextField(_("coordinator's duties"), blank=True)
    unit_duties = models.TextField(_("units' duties"), blank=True)
    submission_email = models.EmailField(_("submission e-mail"), blank=True)
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Units register and revise their commitments strictly before this instant."),
    )
    closing_text = models.TextField(_("closing paragraph"), blank=True)
    distribution = models.JSONField(_("distribution list"), default=list, blank=True)
    signature_on_behalf = models.CharField(_("on behalf of"), max_length=200, blank=True)
    signature_position = models.CharField(_("signer's position"), max_length=200, blank=True)
    signature_name = models.CharField(_("signer"), max_length=200, blank=True)
    # The definition file as last loaded, for the record (and the audit trail's sake).
    source_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-period_end", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="campaign_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_period_start(self):
        """The start date, reading 'from the issue date' through the issue date (may be None)."""
        if self.period_start_rule == self.PeriodStart.ISSUE_DATE:
            return self.issue_date
        return self.period_start


class UnitScope(models.Model):
    """Which units a milestone or an indicator concerns: named groups plus units named by code.

    Codes (not foreign keys) so a definition naming a unit missing from the directory loads,
    shows a warning, and exports back unchanged.
    """

    scope_groups = models.JSONField(_("unit groups"), default=list, blank=True)
    scope_unit_codes = models.JSONField(_("unit codes"), default=list, blank=True)

    class Meta:
        abstract = True

    def scope_queryset(self, campaign: Campaign, within: Unit | None = None):
        """The units in scope, within the issuer's subtree (or the part of it below `within`).

        One path range only: with a second, narrower one the database may scan the wider."""
        top = within if within is not None and campaign.issuer_unit.contains(within) else campaign.issuer_unit
        base = Unit.objects.subtree(top) if campaign.issuer_unit_id else Unit.objects.all()
        return base.filter(self.scope_q())

    def scope_q(self) -> Q:
        """The scope as a condition on units: of the named groups' kinds, or named by code."""
        return Q(kind__in=kinds_of_groups(self.scope_groups)) | Q(code__in=self.scope_unit_codes)


def kinds_of_groups(groups) -> list[str]:
    return sorted({kind for group in groups if group in GROUP_KINDS for kind in GROUP_KINDS[group]})


class Goal(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="goals")
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("text"))
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_unit = models.CharField(_("target unit"), max_length=40, blank=True)
    target_subject = models.CharField(_("counted over"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="unique_goal_code")]

    def __str__(self) -> str:
        return self.text[:80]


class Activity(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("short title"), max_length=200)
    description = models.TextField(_("description"))
    programme = models.CharField(_("programme name"), max_length=300, blank=True)
    url = models.URLField(_("web address"), blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    start_date = models.DateField(_("date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    date_is_tentative = models.BooleanField(_("tentative date"), default=False)
    weekday_text = models.CharField(_("weekday as written"), max_length=20, blank=True)
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_unit = models.CharField(_("target unit"), max_length=80, blank=True)
    assignment_text = models.TextField(_("assignment as written"), blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="unique_activity_code")]

    def __str__(self) -> str:
        return self.title


class Assignment(models.Model):
    """A unit (or a named group of units) put in charge of an activity, as lead or co-lead."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        CO_LEAD = "co_lead", _("Co-lead")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="assignments")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    name_in_plan = models.CharField(_("name in the plan"), max_length=300)
    unit_code = models.CharField(_("unit code"), max_length=40, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    group = models.CharField(_("unit group"), max_length=20, choices=UnitGroup.choices, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(condition=~(Q(unit_code="") & Q(group="")), name="assignment_names_unit_or_group"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name_in_plan}"


class Indicator(UnitScope):
    class Kind(models.TextChoices):
        COUNT = "count", _("Count")
        RATIO = "ratio", _("Ratio of people")
        SHARE = "share", _("Share of units")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="indicators")
    goal = models.ForeignKey(Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators")
    activity = models.ForeignKey(Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators")
    code = models.CharField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=60, blank=True)
    denominator = models.CharField(
        _("denominator"),
        max_length=60,
        blank=True,
        help_text=_("For a ratio: what the people are counted out of (members, cadres …)."),
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="unique_indicator_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def lower_is_better(self) -> bool:
        return self.direction == self.Direction.LOWER

    def rank_key(self, value):
        """Sort key putting the best value first (higher or lower, as the indicator says), nothing last."""
        if value is None:
            return (1, 0)
        return (0, value if self.lower_is_better else -value)


class ValidationRule(models.Model):
    """A rule between figures of one unit (DHIS2's validation rule): the sum of the `left`
    indicators' values compared with the sum of the `right` ones — "forwarded ≤ feasible",
    "level-2 e-ID ≤ level-1". A value is the numerator (people, units, things counted). Checked on
    entry and upload (refused or warned, by importance) and as a report over a subtree."""

    class Operator(models.TextChoices):
        LE = "<=", "≤"
        LT = "<", "<"
        GE = ">=", "≥"
        GT = ">", ">"
        EQ = "==", "="
        NE = "!=", "≠"

    class Importance(models.TextChoices):
        REFUSE = "refuse", _("Refuse")
        WARN = "warn", _("Warn")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="validation_rules")
    code = models.CharField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=300)
    left = models.JSONField(_("left side"), default=list)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices)
    right = models.JSONField(_("right side"), default=list)
    importance = models.CharField(_("importance"), max_length=6, choices=Importance.choices, default=Importance.REFUSE)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="unique_validation_rule_code")]

    def __str__(self) -> str:
        return self.name


class Milestone(UnitScope):
    class Kind(models.TextChoices):
        PLAN = "plan", _("Plan")
        MIDTERM = "midterm", _("Mid-term report")
        FINAL = "final", _("Final report")
        OTHER = "other", _("Other document")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="milestones")
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    deadline = models.DateTimeField(_("deadline"), help_text=_("Received strictly before this instant."))
    deadline_text = models.CharField(_("deadline as written"), max_length=200, blank=True)
    weekday_text = models.CharField(_("weekday as written"), max_length=20, blank=True)
    submit_to = models.EmailField(_("send to"), blank=True)
    reviewer_unit_code = models.CharField(
        _("reviewing unit"),
        max_length=40,
        blank=True,
        help_text=_("Besides the coordinator, officers of this unit (e.g. an activity lead) review the documents."),
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="unique_milestone_code")]

    def __str__(self) -> str:
        return self.title


class Cluster(models.Model):
    """An emulation cluster (cụm / khối thi đua): comparable units ranked together — the district
    unions, the universities, the enterprises … Members: units of the given kinds within the
    issuer's subtree, plus units named by code."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="clusters")
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    kinds = models.JSONField(_("unit kinds"), default=list, blank=True)
    unit_codes = models.JSONField(_("unit codes"), default=list, blank=True)

    class Meta:
        verbose_name = _("emulation cluster")
        verbose_name_plural = _("emulation clusters")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="unique_cluster_code")]

    def __str__(self) -> str:
        return self.name

    def members(self, campaign: Campaign):
        base = Unit.objects.subtree(campaign.issuer_unit) if campaign.issuer_unit_id else Unit.objects.all()
        return base.filter(Q(kind__in=list(self.kinds)) | Q(code__in=list(self.unit_codes))).exclude(
            pk=campaign.issuer_unit_id
        )


class Criterion(models.Model):
    """A line of the criteria set (bảng tiêu chí): up to `max_points`, computed from live data by
    its source's documented formula (thidua.commendation.scoring), or scored by people."""

    class Source(models.TextChoices):
        INDICATOR = "indicator", _("An indicator against its target or the unit's commitment")
        DOCUMENTS = "documents", _("Documents sent on time")
        REGISTRATION = "registration", _("Registration before the deadline")
        ACTIVITIES = "activities", _("Activities the unit leads, carried out")
        INITIATIVES = "initiatives", _("Initiatives found feasible")
        MANUAL = "manual", _("Scored by the reviewers, with evidence")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=300)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    source = models.CharField(_("computed from"), max_length=12, choices=Source.choices)
    indicator_code = models.CharField(_("indicator"), max_length=40, blank=True)
    target = models.DecimalField(_("needed for full points"), max_digits=10, decimal_places=2, null=True, blank=True)
    description = models.TextField(_("how it is scored"), blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="unique_criterion_code")]

    def __str__(self) -> str:
        return self.name


class AwardType(models.Model):
    """A form of commendation the campaign may propose (Cờ thi đua, Bằng khen, Giấy khen …), for
    collectives (with a quota per cluster) or individuals."""

    class Level(models.TextChoices):
        COLLECTIVE = "collective", _("Collective")
        INDIVIDUAL = "individual", _("Individual")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="award_types")
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("for"), max_length=12, choices=Level.choices)
    quota = models.PositiveSmallIntegerField(_("quota per cluster"), null=True, blank=True)

    class Meta:
        verbose_name = _("award type")
        verbose_name_plural = _("award types")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="unique_award_type_code")]

    def __str__(self) -> str:
        return self.name


class CampaignVersion(models.Model):
    """One saved state of a campaign's definition: who changed it, when, why, and what changed
    (changes.diff against the previous version). Never edited; the history page shows them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    definition = models.JSONField(_("definition"))
    changes = models.JSONField(_("changes"), default=list, blank=True)
    notified_units = models.PositiveIntegerField(_("units notified"), default=0)

    class Meta:
        verbose_name = _("campaign version")
        verbose_name_plural = _("campaign versions")
        ordering = ["campaign", "-number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="unique_campaign_version")]

    def __str__(self) -> str:
        return f"{self.campaign.slug} v{self.number}"
