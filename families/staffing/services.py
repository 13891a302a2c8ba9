"""Writes for staffing: four-eyes access grants and the handover of a leaver's families.

Each service writes its audit rows in the same transaction as the change.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.accounts import services as account_services
from bi18.accounts.models import GrantStatus, User
from bi18.audit.services import audit_log
from bi18.lib.errors import ServiceError
from families import services as family_services
from families.models import NetworkMember, Person, PersonAssignment
from families.staffing.models import AccessGrant, GrantKind, GrantSource
from families.staffing.registry import assignment_handover_hooks
from families.staffing.selectors import open_assignments


def _user_label(user) -> str:
    return user.get_full_name() or user.get_username()


def _active_coordinator(family, user) -> bool:
    return (
        user.is_active
        and NetworkMember.objects.filter(family=family, user=user, is_coordinator=True).exists()
    )


def may_decide(actor, grant: AccessGrant) -> bool:
    """Four eyes: a second administrator or the family's coordinator, never the one who
    asked, the one who would get the access, nor the one who is leaving."""
    if actor.pk in (grant.requested_by_id, grant.user_id, grant.replaces_id):
        return False
    return actor.has_perm("accounts.manage_network_groups") or _active_coordinator(
        grant.family, actor
    )


def _check_grantee(*, user, role: str) -> None:
    if not user.is_active:
        raise ServiceError(_("%(user)s is not active.") % {"user": _user_label(user)})
    if not user.has_role(role):
        raise ServiceError(
            _("%(user)s does not have the role the task needs.") % {"user": _user_label(user)}
        )


def _audit_grant(*, actor, grant: AccessGrant, event: str) -> None:
    audit_log(
        actor=actor,
        action="create" if event == "families.grant.requested" else "change",
        event=event,
        family=grant.family,
        person=grant.person,
        detail={
            "grant_id": grant.pk,
            "kind": grant.kind,
            "user_id": grant.user_id,
            "role": grant.role,
            "coordinator": grant.is_coordinator,
            "source": grant.source,
            **({"replaces_user_id": grant.replaces_id} if grant.replaces_id else {}),
        },
    )


@transaction.atomic
def grant_request(
    *,
    actor,
    family,
    user,
    kind: str,
    role: str,
    source: str,
    is_coordinator: bool = False,
    person: Person | None = None,
    replaces=None,
    replaces_assignment: PersonAssignment | None = None,
    batch: str = "",
) -> AccessGrant:
    """Ask for access for `user` to `family` (a membership) or to `person` (an
    assignment); it takes effect only on approval (grant_approve). Not safe to retry:
    a second identical request is refused while the first is pending."""
    _check_grantee(user=user, role=role)
    if user.pk == actor.pk:
        raise ServiceError(_("You cannot give yourself access to a family."))
    if (
        kind == GrantKind.MEMBERSHIP
        and NetworkMember.objects.filter(family=family, user=user).exists()
    ):
        raise ServiceError(
            _("%(user)s is already a member of the network group.") % {"user": _user_label(user)}
        )
    pending = AccessGrant.objects.pending().filter(family=family, user=user, kind=kind)
    if person is not None:
        pending = pending.filter(person=person)
    if pending.exists():
        raise ServiceError(
            _("Access for %(user)s is already awaiting approval.") % {"user": _user_label(user)}
        )
    grant = AccessGrant.objects.create(
        family=family,
        kind=kind,
        user=user,
        role=role,
        is_coordinator=is_coordinator,
        person=person,
        replaces=replaces,
        replaces_assignment=replaces_assignment,
        source=source,
        batch=batch,
        requested_by=actor,
    )
    _audit_grant(actor=actor, grant=grant, event="families.grant.requested")
    return grant


def member_add_or_request(*, actor, family, user, group_role: str, is_coordinator: bool = False):
    """Add a member: at once when the family's coordinator does it; as a request that a
    second administrator or the coordinator must approve when an administrator does.
    Returns the NetworkMember, or the pending AccessGrant."""
    if _active_coordinator(family, actor):
        return family_services.member_add(
            actor=actor,
            family=family,
            user=user,
            group_role=group_role,
            is_coordinator=is_coordinator,
        )
    return grant_request(
        actor=actor,
        family=family,
        user=user,
        kind=GrantKind.MEMBERSHIP,
        role=group_role,
        is_coordinator=is_coordinator,
        source=GrantSource.ADMINISTRATOR,
    )


def _membership_take_over(*, actor, family, user, group_role: str, coordinator: bool, replaces):
    """`user` becomes a member (if not already) and, with `coordinator`, the
    coordinator; `replaces` (a leaver) leaves the group."""
    member = NetworkMember.objects.filter(family=family, user=user).first()
    if member is None:
        member = family_services.member_add(
            actor=actor, family=family, user=user, group_role=group_role
        )
    if coordinator and not member.is_coordinator:
        family_services.member_make_coordinator(actor=actor, member=member)
    if replaces is not None:
        for old in NetworkMember.objects.filter(family=family, user=replaces).exclude(user=user):
            family_services.member_remove(actor=actor, member=old)
    return member


def _assignment_take_over(*, actor, old: PersonAssignment, user) -> PersonAssignment:
    """`user` takes over `old` (current or future): a new assignment from today (or from
    its start), the old one ends yesterday (or goes, if it had not started), and the
    apps that keep who is responsible (mentor, counsellor) follow (registry)."""
    today = timezone.localdate()
    new = PersonAssignment.objects.create(
        person=old.person, user=user, role=old.role, start=max(old.start, today), end=old.end
    )
    for hook in assignment_handover_hooks(old.role):
        hook(old=old, new=new, actor=actor)
    if old.start >= today:
        old.delete()
    else:
        old.end = today - datetime.timedelta(days=1)
        old.save(update_fields=["end"])
    audit_log(
        actor=actor,
        action="change",
        event="families.assignment.handed_over",
        person=new.person,
        detail={"from_user_id": old.user_id, "user_id": user.pk, "role": new.role},
    )
    return new


def _apply(*, actor, grant: AccessGrant) -> None:
    if grant.kind == GrantKind.MEMBERSHIP:
        _membership_take_over(
            actor=actor,
            family=grant.family,
            user=grant.user,
            group_role=grant.role,
            coordinator=grant.is_coordinator,
            replaces=grant.replaces,
        )
        return
    if grant.person is None:  # the database's constraint: an assignment names its person
        raise ValueError(f"assignment grant {grant.pk} without a person")
    old = grant.replaces_assignment
    if old is not None and old.end is not None and old.end < timezone.localdate():
        old = None  # it ran out meanwhile: nothing left to take over
    if old is None:
        PersonAssignment.objects.create(person=grant.person, user=grant.user, role=grant.role)
    else:
        _assignment_take_over(actor=actor, old=old, user=grant.user)


# The audit event of each decision, spelt out so that tests/audit finds every name.
_DECIDED: dict[str, str] = {
    GrantStatus.APPROVED: "families.grant.approved",
    GrantStatus.REJECTED: "families.grant.rejected",
    GrantStatus.WITHDRAWN: "families.grant.withdrawn",
}


def _decide(*, actor, grant: AccessGrant, status: str) -> None:
    grant.status = status
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    _audit_grant(actor=actor, grant=grant, event=_DECIDED[status])


def _locked(grant: AccessGrant) -> AccessGrant:
    return (
        AccessGrant.objects.select_for_update(of=("self",))
        .select_related("family", "user", "person", "replaces", "replaces_assignment")
        .get(pk=grant.pk)
    )


@transaction.atomic
def grant_approve(*, actor, grant: AccessGrant) -> AccessGrant:
    """Approve a pending grant: the access takes effect now (membership, coordinator
    role, assignment; a leaver's part ends). Refused for the one who asked, the grantee
    and the leaver (four eyes), and when the grantee is no longer active or lost the
    role. Safe to retry (a decided grant is refused)."""
    grant = _locked(grant)
    if grant.status != GrantStatus.PENDING:
        raise ServiceError(_("This request has already been decided."))
    try:
        account_services.check_may_decide(
            actor=actor, requested_by_id=grant.requested_by_id, subject_id=grant.user_id
        )
    except account_services.ServiceError as exc:
        raise ServiceError(str(exc)) from None
    if not may_decide(actor, grant):
        raise ServiceError(
            _("Only another administrator or the family's coordinator can approve this.")
        )
    _check_grantee(user=grant.user, role=grant.role)
    _apply(actor=actor, grant=grant)
    _decide(actor=actor, grant=grant, status=GrantStatus.APPROVED)
    return grant


@transaction.atomic
def grant_reject(*, actor, grant: AccessGrant) -> AccessGrant:
    """Refuse a pending grant (a second person), or withdraw one's own request."""
    grant = _locked(grant)
    if grant.status != GrantStatus.PENDING:
        raise ServiceError(_("This request has already been decided."))
    if actor.pk == grant.requested_by_id:
        _decide(actor=actor, grant=grant, status=GrantStatus.WITHDRAWN)
    elif may_decide(actor, grant):
        _decide(actor=actor, grant=grant, status=GrantStatus.REJECTED)
    else:
        raise ServiceError(
            _("Only another administrator or the family's coordinator can approve this.")
        )
    return grant


def grants_approve_batch(*, actor, batch: str) -> tuple[int, list[str]]:
    """Approve every pending grant of one handover or import that `actor` may decide.
    Returns (approved, error messages); each grant is its own transaction."""
    approved, errors = 0, []
    for grant in AccessGrant.objects.pending().filter(batch=batch).order_by("id"):
        try:
            grant_approve(actor=actor, grant=grant)
        except ServiceError as exc:
            errors.append(f"{grant.family.case_number}: {exc}")
        else:
            approved += 1
    return approved, errors


# --- Handover ------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoverResult:
    batch: str
    done: int  # taken over at once (the colleague could already see the family)
    pending: int  # awaiting a second person's approval
    deactivated: bool


@transaction.atomic
def handover_make(
    *,
    actor,
    leaving,
    memberships: dict[int, User],
    assignments: dict[int, User],
    deactivate: bool,
) -> HandoverResult:
    """Hand a user's memberships (with their coordinator roles) and assignments to named
    colleagues: {NetworkMember id: successor}, {PersonAssignment id: successor}.

    A colleague who can already see the family (a member) takes over at once; anyone
    else gets a grant that takes effect when a second administrator or the family's
    coordinator approves it (four eyes), and the leaver stays in the group until then.
    With `deactivate`, the user is deactivated in the same transaction (refused if
    anything was left without a successor). Not safe to retry: the second call finds
    the grants pending and refuses them.
    """
    if leaving.pk == actor.pk:
        raise ServiceError(_("You cannot hand over your own families."))
    batch = f"handover-{uuid.uuid4().hex[:12]}"
    done = pending = 0
    own = NetworkMember.objects.filter(user=leaving).select_related("family")
    for member in own.filter(pk__in=memberships.keys()):
        successor = memberships[member.pk]
        if successor.pk == leaving.pk:
            raise ServiceError(_("Choose a colleague, not the user who leaves."))
        if NetworkMember.objects.filter(family=member.family, user=successor).exists():
            # Already in the group: no new access, so nothing for a second person to approve.
            if not successor.is_active:
                raise ServiceError(_("%(user)s is not active.") % {"user": _user_label(successor)})
            _membership_take_over(
                actor=actor,
                family=member.family,
                user=successor,
                group_role=member.group_role,
                coordinator=member.is_coordinator,
                replaces=leaving,
            )
            done += 1
        else:
            grant_request(
                actor=actor,
                family=member.family,
                user=successor,
                kind=GrantKind.MEMBERSHIP,
                role=member.group_role,
                is_coordinator=member.is_coordinator,
                replaces=leaving,
                source=GrantSource.HANDOVER,
                batch=batch,
            )
            pending += 1
    own_assignments = open_assignments(leaving).select_related("person__family")
    for assignment in own_assignments.filter(pk__in=assignments.keys()):
        successor = assignments[assignment.pk]
        if successor.pk == leaving.pk:
            raise ServiceError(_("Choose a colleague, not the user who leaves."))
        _check_grantee(user=successor, role=assignment.role)
        if Person.objects.visible_to(successor).filter(pk=assignment.person_id).exists():
            _assignment_take_over(actor=actor, old=assignment, user=successor)
            done += 1
        else:
            grant_request(
                actor=actor,
                family=assignment.person.family,
                user=successor,
                kind=GrantKind.ASSIGNMENT,
                role=assignment.role,
                person=assignment.person,
                replaces=leaving,
                replaces_assignment=assignment,
                source=GrantSource.HANDOVER,
                batch=batch,
            )
            pending += 1
    audit_log(
        actor=actor,
        action="change",
        event="families.handover.made",
        detail={
            "user_id": leaving.pk,
            "username": leaving.get_username(),
            "taken_over": done,
            "awaiting_approval": pending,
            "batch": batch,
        },
    )
    deactivated = False
    if deactivate and leaving.is_active:
        try:
            account_services.user_set_active(actor=actor, user=leaving, is_active=False)
        except account_services.ServiceError as exc:
            raise ServiceError(str(exc)) from None
        deactivated = True
    return HandoverResult(batch=batch, done=done, pending=pending, deactivated=deactivated)
