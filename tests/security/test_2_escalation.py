"""Finding 2 — escalation through the plan importer: a coordinator of Nhà Bè uploaded a plan, set
`issuer: TD` in the draft and published a city-wide campaign. Now one creation rule, enforced in
campaign_load, holds on every path that creates or publishes a campaign."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from thidua.campaigns import definition as defn
from thidua.campaigns.models import Campaign
from thidua.campaigns.services import campaign_load
from thidua.planimport.services import draft_create, draft_publish
from thidua.units.models import Role

from ..conftest import SEED_PATH
from ..test_initiatives_services import make_user

pytestmark = pytest.mark.django_db


def _city_definition() -> dict:
    return defn.parse_text(SEED_PATH.read_text(encoding="utf-8"))


def test_a_district_coordinator_cannot_issue_a_city_campaign_by_any_path(client, demo_tree, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    nhabe = demo_tree["HD-NHABE"]
    district = make_user("dieu_phoi_nb", Role.COORDINATOR, nhabe)
    # 1. The service itself (every path ends here).
    with pytest.raises(defn.DefinitionError, match="Thành Đoàn"):
        campaign_load(actor=district, definition=_city_definition())
    # 2. The definition upload page.
    client.force_login(district)
    upload = SEED_PATH.read_bytes()
    response = client.post(
        reverse("campaigns:upload"), {"file": SimpleUploadedFile("kh.yaml", upload, "application/yaml")}
    )
    assert (
        response.status_code == 200
        and "Bạn không phải là người điều phối của đơn vị ban hành" in response.content.decode()
    )
    # 3. The plan importer: a plan imported for Nhà Bè, its issuer edited to Thành Đoàn, published.
    plan = (SEED_PATH.parent.parent.parent.parent / "tests" / "seed" / "ke-hoach-2023.txt").read_bytes()
    draft = draft_create(actor=district, unit=nhabe, filename="kh.txt", data=plan)
    draft.definition["issuer"]["unit"] = "TD"
    draft.save()
    with pytest.raises(defn.DefinitionError):
        draft_publish(actor=district, draft=draft, publish=True)
    response = client.post(reverse("planimport:publish", args=[draft.pk]), {"publish": "1"})
    assert response.status_code == 302 and not Campaign.objects.exists()
    # Its own campaign, issued by Nhà Bè, is fine.
    draft.definition["issuer"]["unit"] = "HD-NHABE"
    draft.save()
    draft_publish(actor=district, draft=draft, publish=True)
    assert Campaign.objects.get().issuer_unit == nhabe
