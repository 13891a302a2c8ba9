"""A user from the provider's verified claims: found by the stable subject id, created on the
first sign-in, names and e-mail updated, roles from the group claim through OIDC_ROLE_MAP.

Every change writes its audit row in the same transaction. Network-group memberships are
never touched here: a mover keeps them until they are handed over.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from bi18.accounts.models import OidcIdentity, User
from bi18.accounts.roles import Role
from bi18.audit.services import audit_log

NO_ROLE = "no_role"
INACTIVE = "inactive"
NO_SUBJECT = "no_subject"


@dataclass(frozen=True)
class SignIn:
    """The outcome: a user to log in, or why not (`refusal`)."""

    user: User | None
    refusal: str = ""


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return [str(v) for v in value]
    return []


def _mapped(value: Any) -> set[str]:
    return {r for r in _as_list(value) if r in Role.values}


def managed_roles() -> set[str]:
    """The roles OIDC_ROLE_MAP can grant. Only these follow the claim; a role outside the map
    (say, administrator given by hand) is the administrators' to manage."""
    return set().union(*(_mapped(v) for v in settings.OIDC_ROLE_MAP.values()))


def roles_from_claims(claims: Mapping[str, Any]) -> set[str]:
    """The BI18 roles the group claim maps to (unknown groups are ignored)."""
    roles: set[str] = set()
    for group in _as_list(claims.get(settings.OIDC_GROUPS_CLAIM)):
        roles |= _mapped(settings.OIDC_ROLE_MAP.get(group))
    return roles


def _claim(claims: Mapping[str, Any], name: str, limit: int) -> str:
    value = claims.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _profile(claims: Mapping[str, Any]) -> dict[str, str]:
    first = _claim(claims, "given_name", 150)
    last = _claim(claims, "family_name", 150)
    if not (first or last):
        first, _sep, last = _claim(claims, "name", 301).partition(" ")
    return {
        "first_name": first[:150],
        "last_name": last[:150],
        "email": _claim(claims, "email", 254),
    }


def _username_claim(claims: Mapping[str, Any], subject: str) -> str:
    return (
        _claim(claims, settings.OIDC_USERNAME_CLAIM, 150)
        or _claim(claims, "email", 150)
        or subject[:150]
    )


def _free_username(wanted: str) -> str:
    candidate, n = wanted, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = wanted[: 150 - len(suffix)] + suffix
    return candidate


def _refuse(*, reason: str, username: str, user: User | None = None) -> SignIn:
    audit_log(
        actor=None,
        actor_username=username,
        action="login_failed",
        event="accounts.user.login_failed",
        detail={"method": "sso", "reason": reason, **({"user_id": user.pk} if user else {})},
    )
    return SignIn(user=None, refusal=reason)


def _set_roles(user: User, roles: set[str]) -> dict[str, list[str]]:
    """Make the managed roles match the claim; returns what was added and removed."""
    current = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    added = roles - current
    removed = (current & managed_roles()) - roles
    if removed:
        user.groups.remove(*Group.objects.filter(name__in=removed))
    if added:
        user.groups.add(*Group.objects.filter(name__in=added))
    if added or removed:
        audit_log(
            actor=user,
            action="change",
            event="accounts.user.roles_from_claims",
            detail={
                "user_id": user.pk,
                "username": user.get_username(),
                "roles_added": sorted(added),
                "roles_removed": sorted(removed),
            },
        )
    return {"added": sorted(added), "removed": sorted(removed)}


def _new_user(*, claims: Mapping[str, Any], subject: str) -> tuple[User, bool]:
    """The user for a first sign-in, and whether an existing local account was linked."""
    wanted = _username_claim(claims, subject)
    if settings.OIDC_LINK_EXISTING_USERS:
        existing = (
            User.objects.filter(username__iexact=wanted, oidc_identities__isnull=True)
            .order_by("pk")
            .first()
        )
        if existing is not None:
            return existing, True
    user = User(username=_free_username(wanted), **_profile(claims))
    # Signs in only through the provider: no password to guess, none to reset.
    user.set_unusable_password()
    user.save()
    return user, False


@transaction.atomic
def user_sign_in_from_claims(*, issuer: str, claims: Mapping[str, Any]) -> SignIn:
    """Find or create the user of these verified ID-token claims and bring them up to date.

    A first sign-in whose claim maps to no role creates nothing. A known user whose claim no
    longer maps to any role loses the managed roles and is refused; so is a deactivated user
    (left untouched). Safe to retry: a second call with the same claims changes nothing.
    """
    subject = claims.get(settings.OIDC_SUBJECT_CLAIM)
    username = _username_claim(claims, str(subject or ""))
    if not isinstance(subject, str) or not subject:
        return _refuse(reason=NO_SUBJECT, username=username)
    roles = roles_from_claims(claims)
    identity = (
        OidcIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is None:
        if not roles:
            return _refuse(reason=NO_ROLE, username=username)
        user, linked = _new_user(claims=claims, subject=subject)
        identity = OidcIdentity.objects.create(user=user, issuer=issuer, subject=subject)
        audit_log(
            actor=user,
            action="create",
            event="accounts.user.sso_linked" if linked else "accounts.user.created",
            detail={"user_id": user.pk, "username": user.get_username(), "method": "sso"},
        )
    user = identity.user
    if not user.is_active:
        return _refuse(reason=INACTIVE, username=user.get_username(), user=user)
    profile = {k: v for k, v in _profile(claims).items() if v}
    changed = [k for k, v in profile.items() if getattr(user, k) != v]
    if changed:
        for name in changed:
            setattr(user, name, profile[name])
        user.save(update_fields=changed)
        audit_log(
            actor=user,
            action="change",
            event="accounts.user.changed",
            detail={"user_id": user.pk, "username": user.get_username(), "fields": changed},
        )
    _set_roles(user, roles)
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    if not user.groups.filter(name__in=Role.values).exists():
        return _refuse(reason=NO_ROLE, username=user.get_username(), user=user)
    return SignIn(user=user)
