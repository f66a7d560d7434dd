"""Finding 4 — outsiders moved official figures: five anonymous initiatives confirmed with
throw-away mailboxes raised Nhà Bè's "initiatives submitted" from 3 to 8. Now an initiative sent
without an account counts only once a coordinator has screened it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ..test_initiatives_services import make_portal, submit, value

pytestmark = pytest.mark.django_db


def test_throw_away_mailboxes_do_not_move_a_unit_s_figures(client, seed_campaign, demo_tree, settings, tmp_path):
    portal = make_portal(seed_campaign, demo_tree, settings, tmp_path)
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    for n in range(3):  # three by officers of Nhà Bè: they count at once
        submit(campaign, u["HD-NHABE-01"], actor=p["officer_nhabe"], on_behalf=True, title=f"Sáng kiến thật {n}")
    assert value(campaign, "initiatives_submitted", u["HD-NHABE"]) == 3
    spam = [
        submit(campaign, u["HD-NHABE-01"], email=f"rac{n}@mailinator.example", screen=False, title=f"Rác {n}")
        for n in range(5)
    ]
    assert all(i.status == "submitted" for i in spam)
    assert value(campaign, "initiatives_submitted", u["HD-NHABE"]) == 3  # still 3, not 8
    # The coordinator screens one that is genuine: it counts.
    client.force_login(p["coordinator"])
    assert client.post(reverse("initiatives:screen", args=[spam[0].code])).status_code == 302
    assert value(campaign, "initiatives_submitted", u["HD-NHABE"]) == 4
    # An officer of the unit may not screen (only the campaign's coordinators).
    client.force_login(p["officer_nhabe"])
    assert client.post(reverse("initiatives:screen", args=[spam[1].code])).status_code == 403
