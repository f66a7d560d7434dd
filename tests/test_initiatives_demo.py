"""The demo's initiatives: every state of the portal, built through the services without e-mailing
anyone, the reviewer conflict rule respected, and the campaign's indicators fed."""

import pytest
from django.core import mail

from thidua.demo import initiatives as demo
from thidua.initiatives import access as initiative_access
from thidua.initiatives.models import Forwarding, Initiative, ReviewAssignment
from thidua.progress.models import IndicatorValue
from thidua.units.models import Role

from .test_initiatives_services import make_user


@pytest.fixture
def built(seed_campaign, demo_tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    coordinator = make_user("dieuphoi", Role.COORDINATOR, demo_tree["TD"])
    reviewers = [
        make_user(f"thamdinh{n}", Role.REVIEWER, demo_tree[code])
        for n, code in enumerate(["BCNLD", "DKDCD", "TTPTKHCNT", "QD3"], start=1)
    ]
    officers = {"QD1": make_user("quan1", Role.OFFICER, demo_tree["QD1"])}
    counts = demo.build(seed_campaign, coordinator=coordinator, reviewers=reviewers, officers_by_unit=officers)
    return seed_campaign, counts


def test_the_demo_has_initiatives_in_every_state(built):
    campaign, counts = built
    assert counts["initiatives"] >= 30
    assert set(Initiative.objects.values_list("status", flat=True)) == set(Initiative.Status.values)
    assert Initiative.objects.exclude(decision="").filter(decision_published_at__isnull=True).exists()
    assert Forwarding.objects.filter(response="").exists()  # answers overdue, flagged on the list
    assert Forwarding.objects.filter(results__isnull=False).exists()
    assert Initiative.objects.filter(on_behalf=True).exists()
    assert mail.outbox == []


def test_no_demo_reviewer_reviews_their_own_unit_and_the_numbers_are_fed(built):
    campaign, counts = built
    for review in ReviewAssignment.objects.select_related("initiative__unit", "reviewer"):
        assert not initiative_access.reviewer_conflict(review.reviewer, review.initiative.unit)
    assert counts["values"] > 0
    submitted = IndicatorValue.objects.filter(indicator__campaign=campaign, indicator__code="initiatives_submitted")
    assert (
        sum(v.numerator for v in submitted)
        == Initiative.objects.counted().official().count()
        - Initiative.objects.filter(unit__kind__in=["department", "institution", "enterprise"])
        .counted()
        .official()
        .count()
    )
    # A few sent without an account still wait for the coordinator's screening, and do not count.
    assert Initiative.objects.to_screen().exists()
