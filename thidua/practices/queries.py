"""Reads of the library of effective models: the campaigns a unit may write models for, the
public gallery and its filters, the staff list."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Prefetch, Value, When

from thidua.campaigns.models import Activity, Campaign
from thidua.practices.models import Practice, PracticeFile
from thidua.units.models import Unit

FILES = Prefetch("files", queryset=PracticeFile.objects.select_related("stored"))


def campaigns_for_unit(unit: Unit):
    """Published campaigns issued by the unit or a union above it (with their activities)."""
    return (
        Campaign.objects.published()
        .filter(issuer_unit__path__in=unit.ancestor_paths(include_self=True))
        .select_related("issuer_unit")
        .prefetch_related("activities")
        .order_by("-period_end", "slug")
    )


def gallery(*, q: str = "", field: str = "", campaign: Campaign | None = None, activity: Activity | None = None):
    """The public library: published models, featured first, then the latest published."""
    qs = Practice.objects.public().select_related("unit", "campaign", "activity").prefetch_related(FILES)
    if q:
        qs = qs.search(q)
    if field:
        qs = qs.filter(field=field)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if activity is not None:
        qs = qs.filter(activity=activity)
    return qs.order_by("-featured", "-published_at", "-id")


def gallery_activities(campaign: Campaign | None = None) -> list[Activity]:
    """The activities that published models serve (the gallery's activity filter)."""
    qs = Activity.objects.filter(practices__status=Practice.Status.PUBLISHED)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return list(qs.select_related("campaign").distinct().order_by("campaign__slug", "order"))


def gallery_campaigns() -> list[Campaign]:
    """The campaigns that have published models (the gallery's campaign filter)."""
    ids = Practice.objects.public().values("campaign")
    return list(Campaign.objects.filter(pk__in=ids).order_by("-period_end", "slug"))


def staff_list(qs, *, status: str = "", q: str = ""):
    """The staff list: those awaiting the coordinator first, then the latest changed."""
    qs = qs.select_related("unit", "campaign", "activity")
    if status in Practice.Status.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.search(q)
    waiting = Case(When(status=Practice.Status.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(waiting=waiting).order_by("waiting", "-updated_at", "-id")


def status_counts(qs) -> dict[str, int]:
    return dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
