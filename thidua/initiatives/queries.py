"""Reads of the initiatives portal: the campaigns collecting initiatives, unit choices, similar
ideas, the combined scores, the public gallery and the coordinator's list."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from thidua.campaigns.models import Campaign
from thidua.core import timeutils
from thidua.initiatives.models import CRITERIA, Forwarding, Initiative, ReviewAssignment
from thidua.initiatives.similarity import Index, document_text
from thidua.units.models import Unit, UnitKind


def open_campaigns():
    """Published campaigns collecting initiatives (those defining the initiatives_submitted indicator)."""
    return (
        Campaign.objects.published()
        .filter(indicators__code="initiatives_submitted")
        .select_related("issuer_unit")
        .order_by("-period_end", "slug")
        .distinct()
    )


def unit_choices(campaign: Campaign, within: list[Unit] | None = None) -> list:
    """Grouped choices for the author's unit: each direct unit (or department, institution …) with
    its grassroots units. `within`: only these units' subtrees (an officer submitting on behalf)."""
    issuer = campaign.issuer_unit
    qs = Unit.objects.subtree(issuer, include_self=False).filter(depth__lte=issuer.depth + 2)
    if within is not None:
        qs = qs.within_any(within) if within else qs.none()
    today = timeutils.local(timeutils.now()).date()
    units = list(qs.open_on(today).exclude(kind=UnitKind.BRANCH).only("pk", "name", "path", "depth", "code", "kind"))
    tops = {u.path: u for u in units if u.depth == issuer.depth + 1}
    groups: dict[str, list] = {}
    labels: dict[str, str] = {}
    for unit in units:
        top_path = unit.path[: (issuer.depth + 1) * Unit.steplen]
        top = tops.get(top_path)
        label = top.name if top is not None else unit.name
        labels[top_path] = label
        groups.setdefault(top_path, []).append((unit.pk, unit.name))
    return [(labels[path], options) for path, options in sorted(groups.items())]


# --- similar ideas ------------------------------------------------------------------------------


def _text(initiative) -> str:
    return document_text(initiative.title, initiative.problem, initiative.solution)


@dataclass
class Similar:
    initiative: Initiative
    score: float

    @property
    def percent(self) -> int:
        return round(100 * self.score)


def similar_initiatives(
    *, campaign: Campaign, title: str, text: str = "", exclude=(), public_only: bool = False, limit: int = 5
) -> list[Similar]:
    """The initiatives of the campaign most like this text (TF-IDF cosine, best first). Merged and
    unconfirmed ones are left out; `public_only` keeps only the gallery's (for authors)."""
    qs = Initiative.objects.filter(campaign=campaign).counted()
    if public_only:
        qs = qs.public()
    corpus = list(qs.values_list("pk", "title", "problem", "solution"))
    index = Index((pk, document_text(t, p, s)) for pk, t, p, s in corpus)
    matches = index.query(document_text(title, text), limit=limit, exclude=exclude)
    found = Initiative.objects.select_related("unit").in_bulk([m.key for m in matches])
    return [Similar(found[m.key], m.score) for m in matches if m.key in found]


def similar_to(initiative: Initiative, *, public_only: bool = False, limit: int = 5) -> list[Similar]:
    return similar_initiatives(
        campaign=initiative.campaign,
        title=initiative.title,
        text=f"{initiative.problem}\n{initiative.solution}",
        exclude=[initiative.pk],
        public_only=public_only,
        limit=limit,
    )


# --- scores -------------------------------------------------------------------------------------


@dataclass
class CriterionSummary:
    name: str
    label: str
    mean: float | None
    low: int | None
    high: int | None


@dataclass
class ScoreSummary:
    reviews: list[ReviewAssignment]
    criteria: list[CriterionSummary] = field(default_factory=list)
    mean: float | None = None  # over every criterion of every reviewer who scored
    low: float | None = None  # the lowest and highest reviewer's mean: the spread
    high: float | None = None
    stdev: float | None = None  # of the reviewers' means (0 with one reviewer)
    scored: int = 0

    @property
    def spread(self) -> float | None:
        return None if self.low is None else round(self.high - self.low, 2)


def score_summary(initiative: Initiative) -> ScoreSummary:
    """Per-criterion means and ranges, the overall mean and the spread between reviewers."""
    reviews = list(initiative.reviews.select_related("reviewer").order_by("assigned_at", "id"))
    done = [r for r in reviews if r.scored_at]
    summary = ScoreSummary(reviews=reviews, scored=len(done))
    for name, label in CRITERIA:
        values = [getattr(r, name) for r in done]
        summary.criteria.append(
            CriterionSummary(
                name=name,
                label=str(label),
                mean=round(statistics.fmean(values), 2) if values else None,
                low=min(values) if values else None,
                high=max(values) if values else None,
            )
        )
    if done:
        means = [r.mean for r in done]
        summary.mean = round(statistics.fmean(means), 2)
        summary.low, summary.high = round(min(means), 2), round(max(means), 2)
        summary.stdev = round(statistics.pstdev(means), 2)
    return summary


# --- lists --------------------------------------------------------------------------------------


def year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    return timeutils.vn_datetime(dt.date(year, 1, 1)), timeutils.vn_datetime(dt.date(year + 1, 1, 1))


def gallery(*, q: str = "", field: str = "", status: str = "", year: int | None = None):
    """The public gallery: initiatives published as feasible (and not declined everywhere)."""
    qs = (
        Initiative.objects.public()
        .select_related("unit")
        .prefetch_related(Prefetch("forwardings", queryset=Forwarding.objects.select_related("agency")))
    )
    if q:
        qs = qs.search(q)
    if field:
        qs = qs.filter(field=field)
    if status in Initiative.PUBLIC_STATUSES:
        qs = qs.filter(status=status)
    if year:
        start, end = year_range(year)
        qs = qs.filter(submitted_at__gte=start, submitted_at__lt=end)
    return qs.order_by("-submitted_at", "-id")


def gallery_years() -> list[int]:
    dates = Initiative.objects.public().datetimes("submitted_at", "year", tzinfo=timeutils.VN_TZ)
    return sorted({d.year for d in dates}, reverse=True)


def with_flags(qs):
    """Annotate each initiative with its forwardings overdue, awaiting an answer, and reviews scored."""
    today = timeutils.local(timeutils.now()).date()
    return qs.annotate(
        overdue=Count(
            "forwardings", filter=Q(forwardings__response="", forwardings__respond_by__lt=today), distinct=True
        ),
        awaiting=Count("forwardings", filter=Q(forwardings__response=""), distinct=True),
        reviewers=Count("reviews", distinct=True),
        scored=Count("reviews", filter=Q(reviews__scored_at__isnull=False), distinct=True),
    )


def staff_list(
    qs, *, q="", status="", field="", unit: Unit | None = None, overdue=False, to_publish=False, to_screen=False
):
    """The coordinator's (or an officer's, a reviewer's) list, filtered."""
    qs = qs.exclude(status=Initiative.Status.PENDING).select_related("unit", "campaign")
    if q:
        qs = qs.search(q)
    if status in Initiative.Status.values:
        qs = qs.filter(status=status)
    if field:
        qs = qs.filter(field=field)
    if unit is not None:
        qs = qs.filter(unit__in=Unit.objects.subtree(unit))
    if to_publish:
        qs = qs.filter(status__in=Initiative.OPEN_STATUSES).exclude(decision="")
    if to_screen:
        qs = qs & Initiative.objects.to_screen()
    if overdue:
        today = timeutils.local(timeutils.now()).date()
        late = Forwarding.objects.filter(initiative=OuterRef("pk"), response="", respond_by__lt=today)
        qs = qs.filter(Exists(late))
    return with_flags(qs).order_by("-submitted_at", "-id")


def status_counts(qs) -> dict[str, int]:
    return dict(qs.exclude(status=Initiative.Status.PENDING).order_by().values_list("status").annotate(n=Count("pk")))
