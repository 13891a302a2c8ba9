"""Reads for staffing: what a user holds, who may take it over, the families nobody
looks after, and the grants awaiting a second person."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bi18.accounts.deactivation import DeactivationBlock
from families.models import Family, FamilyStatus, NetworkMember, PersonAssignment
from families.staffing.models import AccessGrant, GrantKind

# Families still being worked with: a completed or withdrawn family needs no coordinator.
OPEN_STATUSES = (FamilyStatus.SCREENED, FamilyStatus.ENROLLED, FamilyStatus.ACTIVE)


def open_assignments(user) -> QuerySet[PersonAssignment]:
    """The user's current and future assignments (not those that have ended)."""
    return PersonAssignment.objects.filter(user=user).exclude(end__lt=timezone.localdate())


@dataclass
class Responsibilities:
    """What a user holds: memberships (with coordinator roles) and assignments, each
    with the pending handover grant that covers it (or None)."""

    memberships: list
    assignments: list

    @property
    def uncovered(self) -> int:
        return sum(1 for item in [*self.memberships, *self.assignments] if item.handover is None)


def responsibilities(user) -> Responsibilities:
    """Four queries whatever the number of families."""
    pending = AccessGrant.objects.pending().filter(replaces=user).select_related("user")
    by_family = {g.family_id: g for g in pending if g.kind == GrantKind.MEMBERSHIP}
    by_assignment = {g.replaces_assignment_id: g for g in pending if g.kind == GrantKind.ASSIGNMENT}
    memberships = list(
        NetworkMember.objects.filter(user=user)
        .select_related("family")
        .order_by("-is_coordinator", "family__case_number")
    )
    for m in memberships:
        m.handover = by_family.get(m.family_id)
    assignments = list(
        open_assignments(user).select_related("person__family").order_by("start", "id")
    )
    for a in assignments:
        a.handover = by_assignment.get(a.pk)  # type: ignore[attr-defined]  # for the page
    return Responsibilities(memberships=memberships, assignments=assignments)


def handover_block(user) -> DeactivationBlock | None:
    """The registered deactivation check: what the user still holds that no handover
    covers (two queries)."""
    covered_families = AccessGrant.objects.pending().filter(
        replaces=user, kind=GrantKind.MEMBERSHIP
    )
    covered_assignments = AccessGrant.objects.pending().filter(
        replaces=user, kind=GrantKind.ASSIGNMENT
    )
    memberships = (
        NetworkMember.objects.filter(user=user)
        .exclude(family__in=covered_families.values("family"))
        .aggregate(n=Count("pk"), coordinator=Count("pk", filter=Q(is_coordinator=True)))
    )
    assignments = (
        open_assignments(user)
        .exclude(pk__in=covered_assignments.values("replaces_assignment"))
        .count()
    )
    if not (memberships["n"] or assignments):
        return None
    parts = []
    if memberships["n"]:
        parts.append(
            ngettext(
                "%(n)d network group (coordinator of %(c)d)",
                "%(n)d network groups (coordinator of %(c)d)",
                memberships["n"],
            )
            % {"n": memberships["n"], "c": memberships["coordinator"]}
        )
    if assignments:
        parts.append(
            ngettext("%(n)d assignment to a person", "%(n)d assignments to people", assignments)
            % {"n": assignments}
        )
    return DeactivationBlock(
        message=_("%(user)s still has %(what)s. Hand them over before deactivating.")
        % {"user": user.get_full_name() or user.get_username(), "what": _(" and ").join(parts)},
        url=reverse("staffing:handover", args=[user.pk]),
        link_text=_("Hand over families"),
    )


# --- Families nobody looks after ------------------------------------------------------


def _active_members(**filters):
    return NetworkMember.objects.filter(family=OuterRef("pk"), user__is_active=True, **filters)


def open_families_staffing() -> QuerySet[Family]:
    """Open families annotated with whether an active user coordinates them, whether any
    active user is a member, and whether a grant awaits approval."""
    return Family.objects.filter(status__in=OPEN_STATUSES).annotate(
        has_coordinator=Exists(_active_members(is_coordinator=True)),
        has_member=Exists(_active_members()),
        awaiting_approval=Exists(AccessGrant.objects.pending().filter(family=OuterRef("pk"))),
    )


def orphaned_families() -> QuerySet[Family]:
    """Open families without an active coordinator or without any active member, with
    their members (one query more for the page)."""
    return (
        open_families_staffing()
        .filter(Q(has_coordinator=False) | Q(has_member=False))
        .order_by("case_number")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=NetworkMember.objects.select_related("user").order_by(
                    "-is_coordinator", "id"
                ),
            )
        )
    )


def orphan_counts() -> dict[str, int]:
    """Counts only (for managers): one aggregate query."""
    no_coordinator = ~Exists(_active_members(is_coordinator=True))
    no_member = ~Exists(_active_members())
    pending = Exists(AccessGrant.objects.pending().filter(family=OuterRef("pk")))
    return Family.objects.filter(status__in=OPEN_STATUSES).aggregate(
        without_coordinator=Count("pk", filter=Q(no_coordinator)),
        without_member=Count("pk", filter=Q(no_member)),
        awaiting_approval=Count("pk", filter=Q(pending) & Q(no_coordinator)),
    )


# --- Grants -----------------------------------------------------------------------------


def pending_grants_for(actor) -> QuerySet[AccessGrant]:
    """Pending grants `actor` can see on the approvals page: an administrator all of
    them, a coordinator those of the families they coordinate."""
    grants = AccessGrant.objects.pending().select_related(
        "family", "user", "person", "requested_by", "replaces"
    )
    if actor.has_perm("accounts.manage_network_groups"):
        return grants.order_by("batch", "requested_at", "id")
    coordinated = NetworkMember.objects.filter(user=actor, is_coordinator=True).values("family")
    return grants.filter(family__in=coordinated).order_by("requested_at", "id")


def grant_log() -> QuerySet[AccessGrant]:
    return AccessGrant.objects.select_related(
        "family", "user", "requested_by", "decided_by", "replaces"
    ).order_by("-requested_at", "-id")
