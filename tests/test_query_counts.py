"""The key pages make a constant number of queries, whatever the number of units: each page is
counted on the seed directory, then again after 60 more grassroots units and 240 branches (with
figures and documents of their own) joined it. A query per unit or per row (N+1) fails here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.test_submissions_pages import pdf_bytes
from thidua.campaigns.models import Cluster, Criterion, Indicator
from thidua.documents import registry
from thidua.progress.services import indicator_value_set
from thidua.submissions.services import submission_create
from thidua.units.models import Role, RoleAssignment, Unit, UnitKind
from thidua.units.services import UnitSpec, units_bulk_create

SLUG = "cao-diem-2023"


def pages(indicator: str) -> dict[str, str]:
    def url(name, **kwargs):
        return reverse(name, kwargs=kwargs)

    return {
        "completeness board, city": url("submissions:board", slug=SLUG),
        "completeness board, district": url("submissions:board", slug=SLUG) + "?don-vi=QD1",
        "board xlsx, city": url("submissions:board_export", slug=SLUG),
        "registration board": url("submissions:registration_board", slug=SLUG),
        "indicator dashboard, city": url("progress:dashboard", slug=SLUG),
        "indicator dashboard, district": url("progress:dashboard", slug=SLUG) + "?don-vi=QD1",
        "breakdown, city": url("progress:indicator", slug=SLUG, code=indicator),
        "breakdown xlsx, city": url("progress:indicator", slug=SLUG, code=indicator) + "?xuat=xlsx",
        "steering matrix": url("progress:matrix", slug=SLUG),
        "campaign overview": url("campaigns:detail", slug=SLUG),
        "unit tasks, district": url("submissions:unit_tasks", slug=SLUG, code="QD1"),
        "directory, city": url("units:detail", code="TD"),
        "unit page, district": url("units:detail", code="QD1"),
        "home": url("home"),
        "initiatives gallery": url("initiatives:gallery"),
    }


def _count(client, urls: dict[str, str]) -> dict[str, int]:
    counts = {}
    for label, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        counts[label] = len(queries)
    return counts


def _grow(coordinator, indicator: Indicator, milestone, settings, tmp_path) -> None:
    """30 more district-level unions under the city, each with 3 grassroots units of 2 branches."""
    specs = []
    for d in range(30):
        district = f"QX{d:02d}"
        specs.append(UnitSpec(code=district, parent_code="TD", name=f"Quận Đoàn thêm {d}", kind="district"))
        for g in range(3):
            code = f"{district}-{g}"
            specs.append(UnitSpec(code=code, parent_code=district, name=f"Đoàn phường {g}", kind="grassroots"))
            specs += [
                UnitSpec(code=f"{code}-{b}", parent_code=code, name=f"Chi đoàn {b}", kind="branch", member_count=25)
                for b in range(2)
            ]
    units_bulk_create(actor=None, specs=specs, audit=False)
    settings.MEDIA_ROOT = tmp_path
    new = Unit.objects.filter(code__startswith="QX")
    for i, unit in enumerate(new.filter(kind=UnitKind.DISTRICT).order_by("code")[:12]):  # documents of their own
        submission_create(
            actor=coordinator, milestone=milestone, unit=unit, uploads=[(f"kh-{i}.pdf", pdf_bytes(str(i)))]
        )
    for unit in new.filter(kind=UnitKind.GRASSROOTS).order_by("code")[:12]:  # and figures
        indicator_value_set(
            actor=coordinator,
            indicator=indicator,
            unit=unit,
            numerator=Decimal(1),
            denominator=Decimal(1) if indicator.kind == Indicator.Kind.RATIO else None,
            as_of=dt.date(2023, 6, 1),
        )


@pytest.mark.django_db
def test_key_pages_make_as_many_queries_for_300_more_units(seed_campaign, demo_tree, client, settings, tmp_path):
    coordinator = get_user_model().objects.create_user(username="dp", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=coordinator, unit=demo_tree["TD"], role=Role.COORDINATOR)
    seed_campaign.status = seed_campaign.Status.PUBLISHED
    seed_campaign.save(update_fields=["status"])
    indicator = seed_campaign.indicators.exclude(kind=Indicator.Kind.COUNT).order_by("pk").first()
    milestone = seed_campaign.milestones.order_by("order").first()
    client.force_login(coordinator)
    urls = pages(indicator.code)
    _count(client, urls)  # warm caches (content types, sessions, translations)
    before = _count(client, urls)
    units_before = Unit.objects.count()
    _grow(coordinator, indicator, milestone, settings, tmp_path)
    assert Unit.objects.count() - units_before == 300
    after = _count(client, urls)
    grew = {label: (before[label], after[label]) for label in urls if after[label] != before[label]}
    assert grew == {}, "queries that grow with the number of units (before, after)"
    assert all(n < 60 for n in after.values()), after


def _report_queries(campaign) -> int:
    spec = registry.KINDS["final-report"]
    with CaptureQueriesContext(connection) as queries:
        spec.build(campaign, registry.Options())
    return len(queries)


@pytest.mark.django_db
def test_the_final_report_and_the_ranking_make_as_many_queries_for_four_times_the_units(
    seed_campaign, demo_tree, client, settings, tmp_path
):
    """The final report ranks every cluster; the ranking page one. A cluster of grassroots units
    (below the issuer's children) is scored from the indicators' figures of each unit's subtree,
    fetched for all its units at once, not one unit at a time: counted with 30 grassroots units in
    the cluster, then with 120 (the 90 of 30 more districts, with figures and documents of their own)."""
    coordinator = get_user_model().objects.create_user(username="dp", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=coordinator, unit=demo_tree["TD"], role=Role.COORDINATOR)
    campaign = seed_campaign
    campaign.status = campaign.Status.PUBLISHED
    campaign.save(update_fields=["status"])
    indicator = campaign.indicators.exclude(kind=Indicator.Kind.COUNT).order_by("pk").first()
    milestone = campaign.milestones.order_by("order").first()
    grassroots = Unit.objects.filter(kind=UnitKind.GRASSROOTS).order_by("path")
    Cluster.objects.create(campaign=campaign, code="QH", name="Cụm quận, huyện", kinds=["district"])
    cluster = Cluster.objects.create(
        campaign=campaign, code="CS", name="Khối cơ sở", unit_codes=list(grassroots.values_list("code", flat=True)[:30])
    )
    for order, (source, code) in enumerate([("indicator", indicator.code), ("documents", ""), ("registration", "")]):
        Criterion.objects.create(
            campaign=campaign, code=f"TC{order}", order=order, name=source, source=source, indicator_code=code,
            max_points=Decimal(10),
        )  # fmt: skip
    client.force_login(coordinator)
    ranking = {"ranking, grassroots cluster": reverse("commendation:ranking", kwargs={"slug": SLUG}) + "?cum=CS"}
    _report_queries(campaign), _count(client, ranking)  # warm caches
    report_before, page_before = _report_queries(campaign), _count(client, ranking)
    _grow(coordinator, indicator, milestone, settings, tmp_path)
    cluster.unit_codes += list(grassroots.filter(code__startswith="QX").values_list("code", flat=True))
    cluster.save(update_fields=["unit_codes"])
    assert cluster.members(campaign).count() == 120
    assert (_report_queries(campaign), _count(client, ranking)) == (report_before, page_before)
    assert report_before < 100 and page_before["ranking, grassroots cluster"] < 60, (report_before, page_before)
