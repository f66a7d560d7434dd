"""Coordinators give and take roles on their units; every change is audited."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from thidua.core.models import AuditEntry
from thidua.units.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db


def test_coordinator_gives_a_role_to_a_new_account_and_takes_it_away(client_for, personas, tree):
    client = client_for(personas["coordinator"])
    url = reverse("units:roles", args=["QD1"])
    response = client.post(
        url,
        {"username": "bithu.q1", "role": Role.OFFICER, "full_name": "Ngô Văn Bình", "email": "binh@example.vn",
         "password": "Mat-khau-tam-2023"},
    )  # fmt: skip
    assert response.status_code == 302
    user = get_user_model().objects.get(username="bithu.q1")
    assert user.check_password("Mat-khau-tam-2023") and user.get_full_name() == "Ngô Văn Bình"
    assignment = RoleAssignment.objects.get(user=user, unit=tree["QD1"], role=Role.OFFICER)
    assert (
        AuditEntry.objects.filter(action="role.grant").exists()
        and AuditEntry.objects.filter(action="account.create").exists()
    )
    # The new officer now sees Quận 1 and nothing else.
    client.force_login(user)
    # The temporary password must be replaced first; then the new account sees its units.
    first = client.get(reverse("units:detail", args=["QD1-01"]))
    assert first.status_code == 302 and first["Location"].startswith(reverse("accounts:password_change"))
    changed = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Mat-khau-tam-2023",
            "new_password1": "Cua-rieng-toi-2024",
            "new_password2": "Cua-rieng-toi-2024",
        },
    )
    assert changed.status_code == 302
    assert client.get(reverse("units:detail", args=["QD1-01"])).status_code == 200
    assert client.get(reverse("units:detail", args=["HD-NHABE"])).status_code == 404
    client.force_login(personas["coordinator"])
    assert client.post(url, {"revoke": assignment.pk, "reason": "chuyển công tác"}).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEntry.objects.get(action="role.revoke").reason == "chuyển công tác"


def test_existing_account_gets_a_role_without_a_password(client_for, personas, tree):
    client = client_for(personas["coordinator"])
    client.post(reverse("units:roles", args=["HD-NHABE"]), {"username": "outsider", "role": Role.VIEWER})
    assert RoleAssignment.objects.filter(user=personas["outsider"], unit=tree["HD-NHABE"], role=Role.VIEWER).exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"username": "nguoi moi", "role": "officer"}, "username"),
        ({"username": "nguoimoi", "role": "officer", "password": "Mat-khau-tam-2023"}, "full_name"),
        ({"username": "nguoimoi", "role": "officer", "full_name": "A"}, "password"),
        ({"username": "nguoimoi", "role": "officer", "full_name": "A", "password": "12345678901"}, "password"),
        ({"username": "outsider", "role": "king"}, "role"),
    ],
)
def test_bad_input_is_refused(client_for, personas, tree, data, field):
    response = client_for(personas["coordinator"]).post(reverse("units:roles", args=["QD1"]), data)
    assert response.status_code == 200 and response.context["form"].errors.get(field)
    assert not get_user_model().objects.filter(username="nguoimoi").exists()


def test_own_coordinator_role_cannot_be_taken_away(client_for, personas, tree):
    own = RoleAssignment.objects.get(user=personas["coordinator"], role=Role.COORDINATOR)
    client_for(personas["coordinator"]).post(reverse("units:roles", args=["TD"]), {"revoke": own.pk})
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_officers_and_viewers_cannot_give_roles(client_for, personas, tree):
    for who in ("officer_q1", "viewer_q1"):
        response = client_for(personas[who]).post(
            reverse("units:roles", args=["QD1"]), {"username": who, "role": "coordinator"}
        )
        assert response.status_code == 403
    assert not RoleAssignment.objects.filter(role=Role.COORDINATOR, unit=tree["QD1"]).exists()
