"""A coordinator edits a unit from its page; every change is in its history."""

import pytest
from django.urls import reverse

from thidua.core.models import AuditEntry
from thidua.units.models import Unit

pytestmark = pytest.mark.django_db


def form_data(unit, **changes):
    data = {
        "name": unit.name, "short_name": unit.short_name, "kind": unit.kind, "emails": unit.emails,
        "opened_on": "", "closed_on": "", "member_count": unit.member_count, "cadre_count": unit.cadre_count,
        "reason": "",
    }  # fmt: skip
    data.update(changes)
    return data


def test_coordinator_edits_counts_and_emails(client_for, personas, tree):
    client = client_for(personas["coordinator"])
    unit = tree["QD1"]
    url = reverse("units:edit", args=["QD1"])
    assert client.get(url).status_code == 200
    response = client.post(
        url, form_data(unit, member_count=1234, emails="qd1@tphcm.gov.vn; bt@tphcm.gov.vn", reason="Số liệu 2023")
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.member_count == 1234 and unit.email_list == ["qd1@tphcm.gov.vn", "bt@tphcm.gov.vn"]
    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.changes["member_count"] == [10, 1234] and entry.reason == "Số liệu 2023"
    page = client.get(reverse("units:history", args=["QD1"])).content.decode()
    assert "1234" in page and "Số liệu 2023" in page


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"member_count": -1}, "member_count"),
        ({"emails": "khong-phai-email"}, "emails"),
        ({"opened_on": "2023-05-10", "closed_on": "2023-05-01"}, "closed_on"),
        ({"kind": "branch"}, "kind"),  # QD1 has units below it
        ({"kind": "city"}, "kind"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(client_for, personas, tree, changes, field):
    client = client_for(personas["coordinator"])
    before = Unit.objects.get(code="QD1")
    response = client.post(reverse("units:edit", args=["QD1"]), form_data(before, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    after = Unit.objects.get(code="QD1")
    assert (after.name, after.kind, after.member_count, after.emails) == (
        before.name,
        before.kind,
        before.member_count,
        before.emails,
    )
    assert not AuditEntry.objects.filter(action="unit.update").exists()


def test_officer_cannot_edit_own_unit_directory_entry(client_for, personas, tree):
    client = client_for(personas["officer_q1"])
    assert client.post(reverse("units:edit", args=["QD1"]), form_data(tree["QD1"], member_count=1)).status_code == 403
