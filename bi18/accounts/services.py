"""Everything that writes user accounts. Each service writes its audit row in the
same transaction as the change it records; a password never goes into the log.

Users are never deleted: audit rows point at them (on_delete=PROTECT), so an
account that should no longer work is deactivated.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from bi18.accounts.lockout import lockout_username
from bi18.accounts.models import User
from bi18.accounts.roles import CASEWORKER_ROLES, Role
from bi18.accounts.sessions import sessions_delete_for_user
from bi18.audit.services import audit_log

EDITABLE_FIELDS = ("first_name", "last_name", "email")


class ServiceError(Exception):
    """A rule was broken; the message is translated and fit for the user."""


def _subject(user: User) -> dict:
    # Who the change was about: an employee's id and user name (never a citizen's data).
    return {"user_id": user.pk, "username": user.get_username()}


def _role_groups(roles: Iterable[str]) -> list[Group]:
    names = sorted({str(Role(r)) for r in roles})  # ValueError on an unknown role
    groups = list(Group.objects.filter(name__in=names))
    if len(groups) != len(names):
        # The groups come from migration 0002; a missing one means a broken database.
        raise ServiceError(_("A role is missing in the database. Run the migrations."))
    return groups


def _current_roles(user: User) -> set[str]:
    return set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[str],
    password: str,
) -> User:
    """Create an active user with the given roles and initial password.

    The password must already have passed Django's validators (the form does
    that, with the user's attributes at hand). Not safe to retry: the user name
    is unique, so a second call fails with IntegrityError.
    """
    groups = _role_groups(roles)
    if not groups:
        raise ServiceError(_("Choose at least one role."))
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    user.save()
    user.groups.set(groups)
    audit_log(
        actor=actor,
        action="create",
        event="accounts.user.created",
        detail={
            **_subject(user),
            "fields": ["username", *EDITABLE_FIELDS],
            "roles": sorted(g.name for g in groups),
        },
    )
    return user


def _check_not_self_lockout(*, actor: User, user: User, roles: set[str], is_active: bool) -> None:
    if actor.pk != user.pk:
        return
    if not is_active:
        raise ServiceError(_("You cannot deactivate your own account."))
    current = _current_roles(user)
    if Role.ADMIN in current and Role.ADMIN not in roles:
        raise ServiceError(
            _("You cannot remove the administrator role from yourself. Ask another administrator.")
        )
    # Segregation of duties: an administrator who gave themselves a caseworker role could add
    # themselves to any network group and read case content (SPEC §2 "no routine access").
    if (set(roles) - current) & {str(r) for r in CASEWORKER_ROLES}:
        raise ServiceError(
            _(
                "You cannot give yourself a role that works with case data. Ask another administrator."
            )
        )


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[str],
    is_active: bool,
) -> list[str]:
    """Change a user's names, e-mail, roles and active flag; returns the changed field names.

    An administrator cannot take the administrator role from themselves nor
    deactivate themselves, so there is always an administrator left. A change of
    the active flag is logged as deactivated/reactivated, the rest as changed.
    Safe to retry (the second call changes nothing and logs nothing).
    """
    groups = _role_groups(roles)
    if not groups:
        raise ServiceError(_("Choose at least one role."))
    new_roles = {g.name for g in groups}
    _check_not_self_lockout(actor=actor, user=user, roles=new_roles, is_active=is_active)
    user = User.objects.select_for_update().get(pk=user.pk)
    values = {"first_name": first_name, "last_name": last_name, "email": email}
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    old_roles = _current_roles(user)
    for name in changed:
        setattr(user, name, values[name])
    if changed:
        user.save(update_fields=changed)
    if new_roles != old_roles:
        user.groups.remove(*Group.objects.filter(name__in=old_roles - new_roles))
        user.groups.add(*[g for g in groups if g.name not in old_roles])
        changed.append("roles")
        audit_roles = {
            "roles_added": sorted(new_roles - old_roles),
            "roles_removed": sorted(old_roles - new_roles),
        }
    else:
        audit_roles = {}
    if changed:
        audit_log(
            actor=actor,
            action="change",
            event="accounts.user.changed",
            detail={**_subject(user), "fields": changed, **audit_roles},
        )
    if user.is_active != is_active:
        _set_active(actor=actor, user=user, is_active=is_active)
        changed.append("is_active")
    return changed


def _set_active(*, actor: User, user: User, is_active: bool) -> None:
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    detail = {**_subject(user), "fields": ["is_active"]}
    if not is_active:
        # Ended for good: reactivating the account must not revive an old cookie.
        detail["sessions_ended"] = sessions_delete_for_user(user.pk)
    audit_log(
        actor=actor,
        action="change",
        event="accounts.user.reactivated" if is_active else "accounts.user.deactivated",
        detail=detail,
    )


@transaction.atomic
def user_set_active(*, actor: User, user: User, is_active: bool) -> bool:
    """Deactivate or reactivate a user; returns whether anything changed.

    A deactivated user can no longer log in, and their sessions are deleted, so that
    a reactivated account starts with no session. Nobody can deactivate themselves.
    Safe to retry.
    """
    if actor.pk == user.pk and not is_active:
        raise ServiceError(_("You cannot deactivate your own account."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == is_active:
        return False
    _set_active(actor=actor, user=user, is_active=is_active)
    return True


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> int:
    """Lift a lock-out after failed log-ins (django-axes) for this user name.

    Returns the number of failed-attempt records cleared. Safe to retry.
    """
    from axes.utils import reset

    cleared = reset(username=lockout_username(user.get_username()))
    audit_log(
        actor=actor,
        action="change",
        event="accounts.user.unlocked",
        detail={**_subject(user), "attempts_cleared": cleared},
    )
    return cleared


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> None:
    """Give a user a new password (already validated by the form).

    Changing the password invalidates the user's open sessions (Django's session
    auth hash). The log records that it happened, never the password.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_log(
        actor=actor,
        action="change",
        event="accounts.user.password_set",
        detail={**_subject(user), "fields": ["password"]},
    )
