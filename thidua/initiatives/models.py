"""The initiatives portal ("Sáng kiến công chức, viên chức trẻ"): initiatives with their files,
the council's reviewers and scores, questions to the authors, and the city departments the
feasible ones are forwarded to, with their answers and the results of applying them.

An initiative's `status` is what its author and the public may know: a council decision is
recorded first (`decision`) and becomes the status only when it is published.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.models import Campaign
from thidua.core import timeutils
from thidua.core.models import StoredFile
from thidua.core.text import fold
from thidua.core.timeutils import vn_datetime
from thidua.units.models import Unit


class Field(models.TextChoices):
    """Lĩnh vực: the city's socio-economic tasks an initiative serves."""

    ADMIN_REFORM = "admin_reform", _("Administrative reform")
    DIGITAL = "digital", _("Digital transformation")
    URBAN = "urban", _("Urban management")
    ECONOMY = "economy", _("Economy")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    ENVIRONMENT = "environment", _("Environment")
    CULTURE_SOCIETY = "culture_society", _("Culture and society")
    OTHER = "other", _("Other")


class Agency(models.Model):
    """A city department (sở, ban, ngành) initiatives are forwarded to."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("city department")
        verbose_name_plural = _("city departments")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class InitiativeQuerySet(models.QuerySet):
    def counted(self):
        """Initiatives that count: submitted (e-mail confirmed) and not merged into another."""
        return self.exclude(status__in=[Initiative.Status.PENDING, Initiative.Status.MERGED])

    def official(self):
        """Initiatives that may count in a unit's official figures: sent by an account (an author or
        an officer), or screened by a coordinator."""
        return self.filter(Q(created_by__isnull=False) | Q(screened_at__isnull=False))

    def to_screen(self):
        """Received without an account and not yet screened."""
        return self.counted().filter(created_by__isnull=True, screened_at__isnull=True)

    def public(self):
        """What the public gallery shows: published as feasible, not declined everywhere."""
        return self.filter(status__in=Initiative.PUBLIC_STATUSES)

    def search(self, text: str):
        """Accent- and case-insensitive search ('mot cua' finds 'một cửa')."""
        qs = self
        for word in fold(text).split():
            qs = qs.filter(search_text__contains=word)
        return qs


class Initiative(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting e-mail confirmation")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under evaluation")
        FEASIBLE = "feasible", _("Feasible")
        NOT_FEASIBLE = "not_feasible", _("Not feasible")
        FORWARDED = "forwarded", _("Forwarded to departments")
        PILOTED = "piloted", _("Being piloted")
        ADOPTED = "adopted", _("Adopted")
        DECLINED = "declined", _("Declined by the departments")
        MERGED = "merged", _("Merged into another initiative")

    class Decision(models.TextChoices):
        FEASIBLE = "feasible", _("Feasible")
        NOT_FEASIBLE = "not_feasible", _("Not feasible")

    # Before a published decision the council may still assign, score, ask and merge.
    OPEN_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW)
    FEASIBLE_STATUSES = (Status.FEASIBLE, Status.FORWARDED, Status.PILOTED, Status.ADOPTED, Status.DECLINED)
    FORWARDED_STATUSES = (Status.FORWARDED, Status.PILOTED, Status.ADOPTED, Status.DECLINED)
    PUBLIC_STATUSES = (Status.FEASIBLE, Status.FORWARDED, Status.PILOTED, Status.ADOPTED)

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("tracking code"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.PENDING)
    title = models.CharField(_("title"), max_length=300)
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    problem = models.TextField(_("problem"))
    solution = models.TextField(_("proposed solution"))
    benefit = models.TextField(_("expected benefit"))
    tried_at = models.TextField(_("where it has been tried"), blank=True)
    authors = models.TextField(_("authors"), help_text=_("One per line: full name – position."))
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="initiatives")
    # Contact data: never shown publicly, nor to reviewers.
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    show_authors = models.BooleanField(_("authors' names may be published"), default=False)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="initiatives"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    on_behalf = models.BooleanField(_("submitted by an officer on the authors' behalf"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    # An initiative sent without an account counts in official figures only once a coordinator
    # has screened it (a throw-away mailbox is not a unit's achievement).
    screened_at = models.DateTimeField(_("screened at"), null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(_("council decision"), max_length=14, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_published_at = models.DateTimeField(_("decision published at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    # Folded title and texts for accent-insensitive search; written by the services.
    search_text = models.TextField(blank=True, editable=False)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["campaign", "status"], name="initiative_campaign_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="not_feasible", decision_reason=""), name="not_feasible_needs_reason"
            ),
            models.CheckConstraint(
                condition=(Q(status="merged") & Q(merged_into__isnull=False))
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="merged_names_target",
            ),
            models.CheckConstraint(condition=Q(status="pending") | Q(code__isnull=False), name="submitted_has_code"),
            models.CheckConstraint(
                condition=Q(decision_published_at__isnull=True) | ~Q(decision=""), name="published_has_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code or '—'} {self.title}"

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def needs_screening(self) -> bool:
        """Sent without an account and not yet screened (see InitiativeQuerySet.official)."""
        return (
            self.created_by_id is None
            and self.screened_at is None
            and self.status not in (self.Status.PENDING, self.Status.MERGED)
        )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def decision_pending_publication(self) -> bool:
        return bool(self.decision) and self.decision_published_at is None

    @property
    def author_lines(self) -> list[str]:
        return [line.strip() for line in self.authors.splitlines() if line.strip()]


class InitiativeFile(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="files")
    stored = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="initiative_uses")
    name = models.CharField(_("file name"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")
        ordering = ["initiative", "order"]

    def __str__(self) -> str:
        return self.name


CRITERIA = (
    ("novelty", _("Novelty")),
    ("feasibility", _("Feasibility")),
    ("effectiveness", _("Effectiveness")),
    ("scope", _("Scope of application")),
    ("cost", _("Cost (10 = economical)")),
)


def _score_field(label):
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )


class ReviewAssignment(models.Model):
    """A council member asked to review one initiative, and the rubric they filled in (1–10 each)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    novelty = _score_field(_("Novelty"))
    feasibility = _score_field(_("Feasibility"))
    effectiveness = _score_field(_("Effectiveness"))
    scope = _score_field(_("Scope of application"))
    cost = _score_field(_("Cost (10 = economical)"))
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["initiative", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "reviewer"], name="one_review_per_reviewer"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 1, f"{name}__lte": 10}),
                    name=f"score_{name}_1_to_10",
                )
                for name, _label in CRITERIA
            ],
            models.CheckConstraint(
                condition=Q(scored_at__isnull=True) | Q(**{f"{name}__isnull": False for name, _label in CRITERIA}),
                name="scored_means_every_criterion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative.code} — {self.reviewer}"

    @property
    def scores(self) -> list[int | None]:
        return [getattr(self, name) for name, _label in CRITERIA]

    @property
    def mean(self) -> float | None:
        values = self.scores
        return sum(values) / len(values) if self.scored_at and all(v is not None for v in values) else None


class Question(models.Model):
    """The coordinator or a reviewer asks the author something; the author answers."""

    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="questions")
    text = models.TextField(_("question"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # None when the author answered through the private tracking link.
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["initiative", "asked_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(answer="") & Q(answered_at__isnull=True)) | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="answer_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Forwarding(models.Model):
    """A feasible initiative introduced to one city department, with its answer."""

    class Response(models.TextChoices):
        ADOPT = "adopt", _("Adopt")
        PILOT = "pilot", _("Pilot")
        DECLINE = "decline", _("Decline")

    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="forwardings")
    agency = models.ForeignKey(Agency, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    forwarded_at = models.DateTimeField(_("forwarded at"), default=timezone.now)
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    respond_by = models.DateField(_("answer due by"))
    note = models.TextField(_("cover note"), blank=True)
    response = models.CharField(_("answer"), max_length=8, choices=Response.choices, blank=True)
    response_reason = models.TextField(_("reason / remarks"), blank=True)
    response_date = models.DateField(_("answered on"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("forwarding")
        verbose_name_plural = _("forwardings")
        ordering = ["initiative", "forwarded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "agency"], name="forward_once_per_agency"),
            models.CheckConstraint(condition=~Q(response="decline", response_reason=""), name="decline_needs_reason"),
            models.CheckConstraint(condition=Q(response="") | Q(response_date__isnull=False), name="answer_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative.code} → {self.agency}"

    @property
    def deadline(self):
        """The answer is due by the end of `respond_by`, Ho Chi Minh City time."""
        return vn_datetime(self.respond_by + dt.timedelta(days=1))

    @property
    def is_overdue(self) -> bool:
        return not self.response and not timeutils.is_on_time(timeutils.now(), self.deadline)


class ApplicationResult(models.Model):
    """What came of applying an initiative in a department, reported later (appended, never edited)."""

    forwarding = models.ForeignKey(Forwarding, on_delete=models.PROTECT, related_name="results")
    date = models.DateField(_("date"))
    text = models.TextField(_("result"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("application result")
        verbose_name_plural = _("application results")
        ordering = ["forwarding", "date", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class ForwardingReminder(models.Model):
    """Claimed before the e-mail goes out: a (forwarding, step) is reminded at most once."""

    forwarding = models.ForeignKey(Forwarding, on_delete=models.CASCADE, related_name="+")
    step_minutes = models.IntegerField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["forwarding", "step_minutes"], name="remind_agency_once")]

    def __str__(self) -> str:
        return f"{self.forwarding_id}/{self.step_minutes}"
