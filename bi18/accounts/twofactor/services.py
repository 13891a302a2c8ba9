"""Everything that writes second-factor devices. Audited; a secret or code never goes into
the log."""

from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bi18.accounts.models import User
from bi18.audit.services import audit_log

TOTP_NAME = "Authenticator-app"
RECOVERY_NAME = "Recovery codes"


def has_second_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def totp_pending_device(*, user: User) -> TOTPDevice:
    """The not yet confirmed authenticator-app device being set up (created if need be).

    Kept across page loads so that the QR code does not change while the user scans it.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def secret_for_display(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def second_factor_enrol(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator app with a first code; returns new recovery codes, or None
    for a wrong code. Any other unconfirmed devices of the user are removed."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _new_recovery_codes(user)
    audit_log(
        actor=user,
        action="change",
        event="accounts.user.second_factor_enrolled",
        detail={"user_id": user.pk, "username": user.get_username()},
    )
    return codes


def second_factor_check(*, user: User, token: str):
    """The confirmed device that accepts this code (a recovery code is used up), or None.

    django-otp throttles each device after a failure (1 s, 2 s, 4 s, …); the caller counts
    the failure towards the account's lock-out.
    """
    token = "".join(token.split()).lower()
    if not token:
        return None
    return match_token(user, token)


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's recovery codes (the old ones stop working). Returns the new ones."""
    codes = _new_recovery_codes(user)
    audit_log(
        actor=user,
        action="change",
        event="accounts.user.recovery_codes_regenerated",
        detail={"user_id": user.pk, "username": user.get_username()},
    )
    return codes


class SecondFactorResetRefused(Exception):
    pass


@transaction.atomic
def user_second_factor_reset(*, actor: User, user: User) -> int:
    """Remove all of a user's second-factor devices (a lost phone); they enrol again at their
    next log-in. Returns the number removed. An administrator cannot reset their own.
    Safe to retry."""
    if actor.pk == user.pk:
        raise SecondFactorResetRefused
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    audit_log(
        actor=actor,
        action="change",
        event="accounts.user.second_factor_reset",
        detail={"user_id": user.pk, "username": user.get_username(), "devices": len(devices)},
    )
    return len(devices)
