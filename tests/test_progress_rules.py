"""Rules added after review: an approval locks figures up to its date only; a closed unit's
ratios are refused; each dashboard says when ITS figures last changed."""

import datetime as dt

import pytest
from django.urls import reverse

from thidua.core.errors import Refused
from thidua.progress import queries, services
from thidua.units.models import Unit
from thidua.units.services import unit_update

pytestmark = pytest.mark.django_db


def ind(campaign, code):
    return campaign.indicators.get(code=code)


def test_midterm_approval_locks_its_date_not_the_final_report(seed_campaign, demo_tree):
    jobs, qd1 = ind(seed_campaign, "youths_job_referrals"), demo_tree["QD1"]
    services.indicator_value_set(actor=None, indicator=jobs, unit=qd1, numerator=100, as_of=dt.date(2023, 5, 30))
    midterm = seed_campaign.milestones.get(kind="midterm")
    signoff = services.signoff_submit(actor=None, milestone=midterm, unit=qd1, as_of=dt.date(2023, 5, 31)).signoff
    services.signoff_decide(actor=None, signoff=signoff, decision="approve")
    with pytest.raises(Refused):
        services.indicator_value_set(actor=None, indicator=jobs, unit=qd1, numerator=120, as_of=dt.date(2023, 5, 31))
    # Figures for the final report (a later date) are still entered, and the approved ones stay.
    services.indicator_value_set(actor=None, indicator=jobs, unit=qd1, numerator=180, as_of=dt.date(2023, 6, 20))
    assert queries.figure(jobs, qd1).value == 180
    assert queries.approved_figure(jobs, qd1).value == 100


def test_closed_unit_ratio_is_refused_but_counts_are_kept(seed_campaign, demo_tree):
    qd3 = Unit.objects.get(code="QD3")
    unit_update(actor=None, unit=qd3, values={"closed_on": dt.date(2023, 6, 1)})
    qd3.refresh_from_db()
    eid = ind(seed_campaign, "eid_l2_members")
    with pytest.raises(Refused):
        services.indicator_value_set(
            actor=None, indicator=eid, unit=qd3, numerator=5, denominator=10, as_of=dt.date(2023, 6, 5)
        )
    services.indicator_value_set(
        actor=None, indicator=eid, unit=qd3, numerator=5, denominator=10, as_of=dt.date(2023, 5, 20)
    )
    jobs = ind(seed_campaign, "youths_job_referrals")
    services.indicator_value_set(actor=None, indicator=jobs, unit=qd3, numerator=7, as_of=dt.date(2023, 6, 5))
    root = demo_tree["TD"]
    assert queries.figure(jobs, root).value == 7
    assert queries.figure(eid, root).value is None  # the closed unit left the ratio


def test_dashboard_time_is_the_units_own(client, seed_campaign, demo_tree, django_user_model):
    from thidua.units.models import Role, RoleAssignment

    jobs = ind(seed_campaign, "youths_job_referrals")
    services.indicator_value_set(
        actor=None, indicator=jobs, unit=demo_tree["QD1"], numerator=3, as_of=dt.date(2023, 5, 20)
    )
    user = django_user_model.objects.create_user(username="bcd", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=user, unit=demo_tree["TD"], role=Role.STEERING)
    client.force_login(user)
    url = reverse("progress:dashboard", args=[seed_campaign.slug])
    assert client.get(url + "?don-vi=QD3").context["as_of"] is None
    assert client.get(url + "?don-vi=QD1").context["as_of"] is not None
