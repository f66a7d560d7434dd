"""Finding 5 — accounts: 60 wrong passwords in a row were all tried, then the right one signed in;
nobody could change or reset a password, so the temporary ones coordinators hand out stayed known
to them. Now: lockout with a doubling pause, change and reset by e-mail, the temporary password
replaced at first sign-in, two-step sign-in required for superusers (and, when configured, for
coordinators)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axes.models import AccessFailureLog
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from thidua.accounts import throttle
from thidua.accounts.services import account_create
from thidua.core.models import AuditEntry
from thidua.units.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db
LOGIN = "/dang-nhap/"
PASSWORD = "Mat-khau-dung-2024"


@pytest.fixture
def officer(tree):
    user = get_user_model().objects.create_user("can_bo", email="can.bo@example.vn", password=PASSWORD)
    RoleAssignment.objects.create(user=user, unit=tree["QD1"], role=Role.OFFICER)
    return user


def _sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_wrong_passwords_lock_the_account_from_that_address_even_for_the_right_one(client, officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "can_bo", "doan-mo").status_code == 200  # the form again, with its error
    assert _sign_in(client, "can_bo", "doan-mo").status_code == 429  # the last allowed failure locks
    locked = _sign_in(client, "can_bo", PASSWORD)
    assert locked.status_code == 429 and "Tạm khoá đăng nhập" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessFailureLog.objects.filter(username="can_bo").count() >= settings.AXES_FAILURE_LIMIT
    other = client.__class__(REMOTE_ADDR="10.1.2.3")
    assert _sign_in(other, "can_bo", PASSWORD).status_code == 302  # another address is not locked out


def test_each_lockout_of_the_day_doubles_the_pause(officer, settings):
    request = RequestFactory().post(LOGIN, {"username": "can_bo"})
    assert throttle.cool_off(request) == dt.timedelta(minutes=15)
    for n in range(settings.AXES_FAILURE_LIMIT * 3):
        AccessFailureLog.objects.create(username="can_bo", ip_address="10.0.0.1", user_agent="", path_info=LOGIN)
    assert throttle.cool_off(request) == dt.timedelta(minutes=60)  # third lockout today: 15 → 30 → 60


def test_a_temporary_password_is_replaced_at_first_sign_in(client, tree, personas):
    user = account_create(
        actor=personas["coordinator"], username="moi", full_name="Người Mới", email="", password="Tam-thoi-2024!"
    )
    assert _sign_in(client, "moi", "Tam-thoi-2024!").status_code == 302
    page = client.get(reverse("home"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:password_change"))
    form = client.get(page["Location"]).content.decode()
    assert "mật khẩu tạm" in form
    client.post(
        reverse("accounts:password_change"),
        {"old_password": "Tam-thoi-2024!", "new_password1": "Rieng-cua-toi-99", "new_password2": "Rieng-cua-toi-99"},
    )
    assert client.get(reverse("home")).status_code == 200
    user.refresh_from_db()
    assert not user.check_password("Tam-thoi-2024!")  # the coordinator's password no longer works
    assert AuditEntry.objects.filter(action="account.password_change", object_id=str(user.pk)).exists()


def test_a_forgotten_password_is_reset_by_email(client, officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    response = client.post(reverse("accounts:password_reset"), {"email": "can.bo@example.vn"})
    assert response.status_code == 302
    assert client.post(reverse("accounts:password_reset"), {"email": "khong.co@example.vn"}).status_code == 302
    assert len(mail.outbox) == 1  # nothing tells a stranger which addresses have accounts
    link = re.search(r"https?://[^/\s]+(/tai-khoan/dat-lai/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "Moi-tinh-2025!", "new_password2": "Moi-tinh-2025!"})
    client.logout()
    assert _sign_in(client, "can_bo", "Moi-tinh-2025!").status_code == 302
    assert client.get(link, follow=True).context["validlink"] is False  # the link works once


def test_a_superuser_must_set_up_and_then_use_two_step_sign_in(client, db):
    admin = get_user_model().objects.create_superuser("quantri", "qt@example.vn", PASSWORD)
    _sign_in(client, "quantri", PASSWORD)
    response = client.get("/quan-tri/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor"))
    client.post(reverse("accounts:two_factor"), {"action": "start"})
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert "<svg" in client.get(reverse("accounts:two_factor")).content.decode()  # the QR code
    assert client.post(reverse("accounts:two_factor"), {"token": "000000"}).status_code == 200  # wrong code
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes the next try wait after a wrong code
    code = f"{totp(device.bin_key):06d}"
    assert client.post(reverse("accounts:two_factor"), {"token": code}).status_code == 302
    assert client.get("/quan-tri/").status_code == 200
    # The next sign-in asks for the code before anything else.
    client.logout()
    _sign_in(client, "quantri", PASSWORD)
    assert client.get("/quan-tri/")["Location"].startswith(reverse("accounts:verify"))
    assert client.post(reverse("accounts:verify"), {"token": "123456"}).status_code == 200
    device.refresh_from_db()
    device.last_t = -1  # the same time step may be used again in this test
    device.throttle_reset()
    client.post(reverse("accounts:verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert client.get("/quan-tri/").status_code == 200


def test_coordinators_need_two_step_sign_in_when_the_deployment_says_so(client, personas, settings):
    client.force_login(personas["coordinator"])
    assert client.get(reverse("home")).status_code == 200
    settings.TWO_FACTOR_FOR_COORDINATORS = True
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:two_factor"))
    client.force_login(personas["officer_q1"])
    assert client.get(reverse("home")).status_code == 200  # officers are not concerned


# --- flood limits per address and per e-mail (settings.RATE_LIMITS, thidua.core.ratelimit) ------------

TOO_MANY = "Có quá nhiều yêu cầu từ địa chỉ của bạn trong thời gian ngắn"


def test_sign_in_attempts_beyond_the_limit_from_one_address_are_refused(client, officer, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"signin-ip": "3/600"}
    # Three different wrong user names: django-axes locks none of them, only the address limit counts.
    statuses = [_sign_in(client, f"khong_co_{n}", "doan-mo").status_code for n in range(3)]
    assert statuses == [200, 200, 200]
    refused = _sign_in(client, "can_bo", PASSWORD)  # even the right password, from this address
    assert refused.status_code == 429 and TOO_MANY in refused.content.decode()
    assert "Tạm khoá đăng nhập" not in refused.content.decode()  # the flood limit, not the lockout
    assert "_auth_user_id" not in client.session
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert _sign_in(other, "can_bo", PASSWORD).status_code == 302  # another address is not affected


def test_password_reset_requests_beyond_the_limit_from_one_address_are_refused(client, officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"reset-ip": "2/3600", "reset-email": "100/86400"}
    mail.outbox.clear()
    url = reverse("accounts:password_reset")
    assert [client.post(url, {"email": "can.bo@example.vn"}).status_code for _n in range(2)] == [302, 302]
    refused = client.post(url, {"email": "can.bo@example.vn"})
    assert refused.status_code == 429 and TOO_MANY in refused.content.decode()
    assert len(mail.outbox) == 2  # the refused request sent nothing
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post(url, {"email": "can.bo@example.vn"}).status_code == 302  # another address is not
    assert len(mail.outbox) == 3


def test_reset_emails_to_one_address_are_limited_whatever_address_asks(officer, settings):
    """Beyond the limit the page says the same as always (nothing tells a stranger which addresses
    have accounts), but no e-mail goes out; another person's reset is not affected."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"reset-ip": "100/3600", "reset-email": "2/86400"}
    get_user_model().objects.create_user("can_bo_2", email="can.bo.2@example.vn", password=PASSWORD)
    mail.outbox.clear()
    url = reverse("accounts:password_reset")
    sent = reverse("accounts:password_reset_sent")

    def ask(email, n):  # each request from a different address: the address limit never applies
        response = Client(REMOTE_ADDR=f"10.0.1.{n}").post(url, {"email": email})
        assert response.status_code == 302 and response["Location"] == sent
        return len(mail.outbox)

    assert [ask(e, n) for n, e in enumerate(["can.bo@example.vn", "Can.Bo@Example.VN", "can.bo@example.vn"])] == [
        1,
        2,
        2,  # the third one, whatever the case of the letters, sends nothing
    ]
    assert {m.to[0] for m in mail.outbox} == {"can.bo@example.vn"}
    assert ask("can.bo.2@example.vn", 9) == 3 and mail.outbox[-1].to == ["can.bo.2@example.vn"]
