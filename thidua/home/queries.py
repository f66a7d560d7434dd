"""What each person should do next, for the start page: the coordinator's queue (documents to
review, sign-offs to decide, units not registered, department answers overdue, initiatives to
screen or publish, models to curate, the next deadline), the steering committee's few numbers,
and each officer's documents per unit (sent, missing, extended, exempted) with the next step.
Everything counted in grouped queries, each with the link that opens the list behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from thidua.campaigns import access as campaign_access
from thidua.campaigns.models import Campaign, Indicator
from thidua.campaigns.queries import in_scope
from thidua.core import timeutils
from thidua.initiatives.models import Forwarding, Initiative
from thidua.practices.models import Practice
from thidua.progress import queries as figures
from thidua.progress.access import may_decide_signoff
from thidua.progress.models import SignOff
from thidua.submissions import queries as documents
from thidua.submissions.models import Registration, Submission
from thidua.units.models import Unit


@dataclass
class Todo:
    label: str
    count: int
    url: str
    urgent: bool = False


@dataclass
class CampaignTodos:
    campaign: Campaign
    todos: list[Todo] = field(default_factory=list)
    next_deadline: object | None = None  # (milestone, expected, received)


def running(campaign: Campaign, now) -> bool:
    """Published and not over for more than a month (its follow-up still goes on a few weeks)."""
    end = campaign.period_end
    return campaign.status == Campaign.Status.PUBLISHED and (
        end is None or end >= timeutils.local(now).date() - dt.timedelta(days=31)
    )


def _next_deadline(campaign: Campaign, now):
    milestone = campaign.milestones.filter(deadline__gt=now).order_by("deadline").first()
    if milestone is None:
        return None
    ids = list(documents.expected_units(milestone, campaign).values_list("pk", flat=True))
    summary = documents.summarise(documents.statuses(milestone, ids, now=now))
    return milestone, summary


def coordinator_todos(user, campaigns) -> list[CampaignTodos]:
    """For each published campaign the user runs: what waits for them, with a count and a link."""
    now = timeutils.now()
    result = []
    for campaign in campaigns:
        if not running(campaign, now) or not campaign_access.can_manage_campaign(user, campaign):
            continue
        item = CampaignTodos(campaign, next_deadline=_next_deadline(campaign, now))
        slug = campaign.slug
        to_review = Submission.objects.filter(milestone__campaign=campaign, status=Submission.Status.RECEIVED)
        item.todos.append(Todo(_("Documents to review"), to_review.count(), reverse("submissions:board", args=[slug])))
        waiting = SignOff.objects.filter(campaign=campaign, status=SignOff.Status.SUBMITTED).select_related("unit")
        decide = sum(1 for s in waiting if may_decide_signoff(user, s))
        item.todos.append(Todo(_("Sign-offs of figures to decide"), decide, reverse("progress:signoffs", args=[slug])))
        first = campaign.milestones.order_by("deadline").first()
        if first is not None:
            expected = documents.expected_units(first, campaign).count()
            registered = Registration.objects.filter(campaign=campaign).count()
            item.todos.append(
                Todo(
                    _("Units not registered"),
                    max(expected - registered, 0),
                    reverse("submissions:registration_board", args=[slug]),
                )
            )
        today = timeutils.local(now).date()
        overdue = Forwarding.objects.filter(initiative__campaign=campaign, response="", respond_by__lt=today).count()
        item.todos.append(
            Todo(_("Department answers overdue"), overdue, reverse("initiatives:list") + "?qua-han=1", urgent=True)
        )
        screen = Initiative.objects.to_screen().filter(campaign=campaign).count()
        item.todos.append(Todo(_("Initiatives to screen"), screen, reverse("initiatives:list") + "?sang-loc=1"))
        publish = Initiative.objects.filter(campaign=campaign, status__in=Initiative.OPEN_STATUSES).exclude(decision="")
        item.todos.append(
            Todo(_("Council decisions to publish"), publish.count(), reverse("initiatives:list") + "?cho-cong-bo=1")
        )
        models = Practice.objects.filter(campaign=campaign, status=Practice.Status.SUBMITTED).count()
        item.todos.append(Todo(_("Effective models to curate"), models, reverse("practices:list")))
        result.append(item)
    return result


@dataclass
class SteeringNumbers:
    campaign: Campaign
    reporting: object | None  # (milestone, summary) of the last deadline passed
    reached: int
    near: int
    behind: int
    unit: Unit


def steering_numbers(user, campaigns) -> list[SteeringNumbers]:
    """The few numbers that matter per running campaign: the last deadline's reporting rate, and
    how many targeted indicators are reached, near (≥ 70 %) or behind, with links to the matrix."""
    now = timeutils.now()
    result = []
    for campaign in campaigns:
        if not running(campaign, now):
            continue
        scope = campaign_access.campaign_scope(user, campaign)
        last = campaign.milestones.filter(deadline__lte=now).order_by("-deadline").first()
        reporting = None
        if last is not None:
            ids = list(documents.expected_units(last, campaign, scope).values_list("pk", flat=True))
            reporting = (last, documents.summarise(documents.statuses(last, ids, now=now)))
        bands = {"reached": 0, "near": 0, "behind": 0}
        targeted = list(campaign.indicators.exclude(target_value=None))
        for indicator, figure in zip(targeted, figures.figures(targeted, scope), strict=True):
            reached = _attainment(indicator, figure.value)
            band = "behind" if reached is None or reached < 70 else ("reached" if reached >= 100 else "near")
            bands[band] += 1
        result.append(SteeringNumbers(campaign, reporting, unit=scope, **bands))
    return result


@dataclass
class UnitDocuments:
    campaign: Campaign
    unit: Unit
    rows: list = field(default_factory=list)  # (milestone, status)
    indicators: int = 0

    @property
    def next_step(self):
        """The first document still to send (late or due), else None."""
        return next((m for m, s in self.rows if s.status in ("missing", "awaiting")), None)


def officer_documents(user, campaigns, units) -> list[UnitDocuments]:
    """Per unit the user works for and per campaign: each document's state and the next step."""
    now = timeutils.now()
    result = []
    for campaign in campaigns:
        recently_closed = campaign.status == Campaign.Status.CLOSED and running(
            Campaign(status=Campaign.Status.PUBLISHED, period_end=campaign.period_end), now
        )
        if not running(campaign, now) and not recently_closed:
            continue
        milestones, indicators = list(campaign.milestones.all()), list(campaign.indicators.all())
        for unit in units:
            if not campaign.issuer_unit.contains(unit) or unit.pk == campaign.issuer_unit_id:
                continue
            item = UnitDocuments(campaign, unit)
            for milestone in milestones:
                if documents.is_expected(milestone, campaign, unit):
                    item.rows.append((milestone, documents.statuses(milestone, [unit.pk], now=now)[unit.pk]))
            item.indicators = sum(1 for i in indicators if in_scope(i, campaign, unit))
            if item.rows or item.indicators:
                result.append(item)
    return result


def _attainment(indicator: Indicator, value) -> float | None:
    """Percent of the target reached, the right way round for "lower is better"; None if not reported."""
    target = float(indicator.target_value)
    if value is None or not target:
        return None
    if indicator.lower_is_better:
        return 100.0 if not value else 100 * target / float(value)
    return 100 * float(value) / target
