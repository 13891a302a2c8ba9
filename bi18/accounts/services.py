"""Everything that writes user accounts. Each service writes its audit row in the
same transaction as the change it records; a password never goes into the log.

Users are never deleted: audit rows point at them (on_delete=PROTECT), so an
account that should no longer work is deactivated.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.accounts.deactivation import DeactivationBlock, deactivation_blocks
from bi18.accounts.lockout import lockout_username
from bi18.accounts.models import GrantStatus, RoleGrant, User
from bi18.accounts.roles import CASEWORKER_ROLES, Role
from bi18.accounts.sessions import sessions_delete_for_user
from bi18.audit.services import audit_log
from bi18.lib.errors import ServiceError

EDITABLE_FIELDS = ("first_name", "last_name", "email")


class DeactivationBlocked(ServiceError):
    """The user still holds responsibilities (families) that must be handed over first."""

    def __init__(self, blocks: list[DeactivationBlock]):
        super().__init__(" ".join(b.message for b in blocks))
        self.blocks = blocks


def _check_may_deactivate(user: User) -> None:
    if blocks := deactivation_blocks(user):
        raise DeactivationBlocked(blocks)


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
    wanted = {g.name for g in groups}
    held = wanted - roles_needing_approval(user=user, roles=wanted, held=set())
    user.groups.set([g for g in groups if g.name in held])
    audit_log(
        actor=actor,
        action="create",
        event="accounts.user.created",
        detail={
            **_subject(user),
            "fields": ["username", *EDITABLE_FIELDS],
            "roles": sorted(held),
        },
    )
    for role in sorted(wanted - held):
        _role_grant_request(actor=actor, user=user, role=role)
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
    wanted = {g.name for g in groups}
    _check_not_self_lockout(actor=actor, user=user, roles=wanted, is_active=is_active)
    user = User.objects.select_for_update().get(pk=user.pk)
    values = {"first_name": first_name, "last_name": last_name, "email": email}
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    old_roles = _current_roles(user)
    pending = pending_roles(user)
    # A role that needs a second administrator is requested, not given; a pending request
    # that is no longer ticked is withdrawn.
    requested = roles_needing_approval(user=user, roles=wanted, held=old_roles)
    new_roles = wanted - requested
    groups = [g for g in groups if g.name in new_roles]
    requests_changed = bool(requested - pending or pending - wanted)
    for role in sorted(requested - pending):
        _role_grant_request(actor=actor, user=user, role=role)
    for grant in RoleGrant.objects.filter(
        user=user, status=GrantStatus.PENDING, role__in=pending - wanted
    ):
        _role_grant_decide(actor=actor, grant=grant, status=GrantStatus.WITHDRAWN)
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
        if not is_active:
            _check_may_deactivate(user)
        _set_active(actor=actor, user=user, is_active=is_active)
        changed.append("is_active")
    return changed + (["role_requests"] if requests_changed else [])


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
    a reactivated account starts with no session. Nobody can deactivate themselves,
    and nobody is deactivated while they hold families that were not handed over
    (DeactivationBlocked, from the checks in bi18.accounts.deactivation).
    Safe to retry.
    """
    if actor.pk == user.pk and not is_active:
        raise ServiceError(_("You cannot deactivate your own account."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == is_active:
        return False
    if not is_active:
        _check_may_deactivate(user)
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


# --- Four eyes: roles that take effect only when a second administrator approves --------

_CASE_ROLES = frozenset(str(r) for r in CASEWORKER_ROLES)


def roles_needing_approval(*, user: User, roles: set[str], held: set[str]) -> set[str]:
    """Of the `roles` an administrator gives `user` (who holds `held`), those that need a
    second administrator: the administrator role, and case roles while the account has
    none yet (its first case role opens the way to case data; adding a further one to
    an approved caseworker does not)."""
    needed = set()
    if str(Role.ADMIN) in roles - held:
        needed.add(str(Role.ADMIN))
    if not held & _CASE_ROLES:
        needed |= (roles - held) & _CASE_ROLES
    return needed


def pending_roles(user: User) -> set[str]:
    return set(
        RoleGrant.objects.filter(user=user, status=GrantStatus.PENDING).values_list(
            "role", flat=True
        )
    )


def _role_grant_request(*, actor: User, user: User, role: str) -> RoleGrant:
    grant = RoleGrant.objects.create(user=user, role=role, requested_by=actor)
    audit_log(
        actor=actor,
        action="create",
        event="accounts.role.requested",
        detail={**_subject(user), "role": role, "grant_id": grant.pk},
    )
    return grant


# The audit event of each decision, spelt out so that tests/audit finds every name.
_DECIDED: dict[str, str] = {
    GrantStatus.APPROVED: "accounts.role.approved",
    GrantStatus.REJECTED: "accounts.role.rejected",
    GrantStatus.WITHDRAWN: "accounts.role.withdrawn",
}


def _role_grant_decide(*, actor: User, grant: RoleGrant, status: str) -> None:
    grant.status = status
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    audit_log(
        actor=actor,
        action="change",
        event=_DECIDED[status],
        detail={**_subject(grant.user), "role": grant.role, "grant_id": grant.pk},
    )


def check_may_decide(*, actor: User, requested_by_id: int | None, subject_id: int) -> None:
    """Four eyes: the one who asked, and the one who would get the access, never decide."""
    if actor.pk == requested_by_id:
        raise ServiceError(_("You asked for this yourself. Another administrator must approve it."))
    if actor.pk == subject_id:
        raise ServiceError(_("You cannot approve access for yourself."))


@transaction.atomic
def role_grant_approve(*, actor: User, grant: RoleGrant) -> RoleGrant:
    """A second administrator approves a role; the user gets it now. Safe to retry
    (an approved grant is refused as no longer pending)."""
    grant = RoleGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
    if grant.status != GrantStatus.PENDING:
        raise ServiceError(_("This request has already been decided."))
    if not actor.has_perm("accounts.manage_users"):
        raise ServiceError(_("Only an administrator can approve a role."))
    check_may_decide(actor=actor, requested_by_id=grant.requested_by_id, subject_id=grant.user_id)
    grant.user.groups.add(*_role_groups([grant.role]))
    _role_grant_decide(actor=actor, grant=grant, status=GrantStatus.APPROVED)
    return grant


@transaction.atomic
def role_grant_reject(*, actor: User, grant: RoleGrant) -> RoleGrant:
    """Refuse a requested role (by another administrator), or withdraw one's own request."""
    grant = RoleGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
    if grant.status != GrantStatus.PENDING:
        raise ServiceError(_("This request has already been decided."))
    if actor.pk == grant.user_id:
        raise ServiceError(_("You cannot approve access for yourself."))
    status = GrantStatus.WITHDRAWN if actor.pk == grant.requested_by_id else GrantStatus.REJECTED
    _role_grant_decide(actor=actor, grant=grant, status=status)
    return grant
