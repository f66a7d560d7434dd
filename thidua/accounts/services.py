"""Accounts: created by coordinators with a temporary password that must be changed at first
sign-in, passwords changed by their owners, two-factor devices set up and removed. Audited."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from thidua.accounts.models import AccountState
from thidua.core import timeutils
from thidua.core.audit import log_action
from thidua.core.errors import Refused


def account_create(*, actor, username: str, full_name: str, email: str, password: str):
    """A new sign-in account (made by a coordinator who then gives it a role). The password is
    temporary: its owner must choose their own at first sign-in, so the coordinator's stops working."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username, email=email, password=password, first_name=full_name
        )
        AccountState.objects.create(user=user, must_change_password=True)
        log_action(
            actor=actor,
            action="account.create",
            obj=user,
            changes={"username": [None, username], "email": [None, email], "temporary_password": [None, True]},
        )
    return user


def must_change_password(user) -> bool:
    state = AccountState.objects.filter(user=user).first()
    return bool(state and state.must_change_password)


def pending_flags(user) -> tuple[bool, bool]:
    """(must change the temporary password, has a confirmed authenticator app) in one query: the
    account guard asks on every request of a signed-in person."""
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(
            Exists(AccountState.objects.filter(user=OuterRef("pk"), must_change_password=True)),
            Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        )
        .first()
    )
    return row or (False, False)


def password_changed(*, user, how: str) -> None:
    """Record that the owner chose a new password (after Django's form set it): the temporary one
    is gone. `how` is "change" or "reset"."""
    with transaction.atomic():
        AccountState.objects.update_or_create(
            user=user, defaults={"must_change_password": False, "password_changed_at": timeutils.now()}
        )
        log_action(actor=user, action=f"account.password_{how}", obj=user, changes={"password": ["…", "…"]})


def totp_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user to scan (replacing an earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def totp_confirm(*, user, device: TOTPDevice, token: str) -> TOTPDevice:
    """The first code from the app proves the scan worked: the device becomes the user's one."""
    if device.user_id != user.pk or device.confirmed:
        raise Refused(_("Start the set-up again."))
    if not device.verify_token((token or "").strip().replace(" ", "")):
        raise Refused(_("The code is not right. Check the time on your phone and type the newest code."), "token")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        log_action(actor=user, action="account.two_factor_on", obj=user, changes={"two_factor": [False, True]})
    return device


def totp_remove(*, user, required: bool) -> None:
    """Switch two-factor sign-in off (not allowed where the deployment requires it for this user)."""
    if required:
        raise Refused(_("Two-step sign-in is required for your account; it cannot be switched off."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        log_action(actor=user, action="account.two_factor_off", obj=user, changes={"two_factor": [True, False]})


def two_factor_required(user) -> bool:
    """Superusers always; coordinators too when the deployment says so (THIDUA_2FA_COORDINATORS).
    Roles are read through the user's `unit_roles` (thidua.units), by value, so that this app
    needs no import of the directory."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return settings.TWO_FACTOR_FOR_COORDINATORS and user.unit_roles.filter(role="coordinator").exists()
