"""Finding 6 — one bad row stopped a whole service: an extension to 31/12/9999 made every
`send_reminders` run crash (OverflowError), so no unit was reminded. Now a bad row is logged and
skipped, and one broken job never stops the others (see also tests/test_floor.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from thidua.core import jobs
from thidua.submissions.models import DeadlineException
from thidua.units.models import Role

from ..test_initiatives_services import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()


def test_an_extension_to_the_end_of_time_does_not_stop_the_reminders(seed_campaign, demo_tree, locmem):
    milestone = seed_campaign.milestones.get(code="KH")
    DeadlineException.objects.create(
        milestone=milestone,
        unit=demo_tree["QD1"],
        kind=DeadlineException.Kind.EXTENSION,
        new_deadline=dt.datetime(9999, 12, 31, 16, 0, tzinfo=dt.UTC),
        reason="nhập nhầm",
        granted_by=make_user("dieu_phoi", Role.COORDINATOR, demo_tree["TD"]),
    )
    done = jobs.jobs_run(now=milestone.deadline - dt.timedelta(days=3))
    assert done["reminders"] > 0 and len(mail.outbox) >= done["reminders"]  # every other unit is reminded
    # Three days after the deadline (QD1's "step" would be in year 10000): still no crash.
    assert jobs.jobs_run(now=milestone.deadline + dt.timedelta(days=1))["reminders"] is not None
