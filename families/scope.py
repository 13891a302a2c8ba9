"""A user's scope: which families and which people they may see (SPEC §2, §10).

Computed once per request from the user's network-group memberships and personal
assignments – two index scans over a few dozen rows – and kept on the user object, so that
every list, panel, collector and page of a request filters by small id sets instead of
correlated sub-queries over the people table (at 50,000 families those scanned every person;
see bench/ and docs/benchmarks.md).

* A network-group member sees every person of the family, except a member in a youth role
  (youth guidance counsellor, retention counsellor), who sees the young people only.
* A person assignment (job mentor, retention counsellor) shows that one person.
* Items about the whole family (a family goal, a meeting) are for network-group members only.

The cached scope is dropped whenever a membership or an assignment changes in this process
(`scope_changed`, called by the models' signals and querysets), so a service that changes
access and then reads with the same user object sees the change.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, replace

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q
from django.utils import timezone

from bi18.accounts.roles import Role
from bi18.lib.prepared import prepared_cursor

# Group roles that are in a network group for the young people only (SPEC §2, §10).
YOUTH_GROUP_ROLES = frozenset({Role.YOUTH_GUIDANCE_COUNSELLOR, Role.RETENTION_COUNSELLOR})

CHILD = "child"  # families.models.PersonRole.CHILD (not imported: models import this module)

_generation = 0


def scope_changed() -> None:
    """Forget every cached scope in this process (a membership or assignment changed)."""
    global _generation
    _generation += 1


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    full_families: frozenset[int] = frozenset()
    youth_families: frozenset[int] = frozenset()
    coordinated_families: frozenset[int] = frozenset()
    assigned_people: frozenset[int] = frozenset()
    assigned_families: frozenset[int] = frozenset()

    # --- families ---------------------------------------------------------------------

    @property
    def member_families(self) -> frozenset[int]:
        return self.full_families | self.youth_families

    @property
    def families(self) -> frozenset[int]:
        return self.member_families | self.assigned_families

    def sees_family(self, family_id) -> bool:
        return family_id in self.families

    def is_member(self, family_id) -> bool:
        return family_id in self.member_families

    def is_full_member(self, family_id) -> bool:
        """A member who sees every person of the family (not one in a youth role)."""
        return family_id in self.full_families

    def is_coordinator(self, family_id) -> bool:
        return family_id in self.coordinated_families

    def within(self, family_id) -> Scope:
        """This scope inside one family: the same answers about that family's people and
        records, with id lists of at most that family. A query of one family's rows then
        carries one family id instead of all of the user's (shorter SQL that the driver can
        cache; a list of more than 50 parameters is parsed anew on every query)."""
        one = frozenset({family_id})
        return replace(
            self,
            full_families=self.full_families & one,
            youth_families=self.youth_families & one,
            coordinated_families=self.coordinated_families & one,
            assigned_families=self.assigned_families & one,
        )

    # --- people -----------------------------------------------------------------------

    def sees_person(self, person) -> bool:
        return self.sees(person.pk, person.family_id, person.role)

    def sees(self, person_id, family_id, role) -> bool:
        return (
            family_id in self.full_families
            or (family_id in self.youth_families and role == CHILD)
            or person_id in self.assigned_people
        )

    def person_q(self, prefix: str = "") -> Q:
        """The people this user may see, as a filter on Person (or on `prefix` + Person)."""
        q = Q(pk__in=[])
        if self.full_families:
            q |= Q(**{f"{prefix}family_id__in": sorted(self.full_families)})
        if self.youth_families:
            q |= Q(
                **{f"{prefix}family_id__in": sorted(self.youth_families), f"{prefix}role": CHILD}
            )
        if self.assigned_people:
            q |= Q(**{f"{prefix}pk__in": sorted(self.assigned_people)})
        return q

    # --- as values of a query built once (bi18.lib.prepared.fixed_values) -----------------

    def as_values(self, prefix: str = "scope") -> dict[str, list[int]]:
        """The id sets a query filters by, as values (lists of ids); `Scope.given()` gives
        back a scope whose filters name them."""
        return {
            f"{prefix}_{name}": sorted(getattr(self, name))
            for name in ("full_families", "youth_families", "assigned_people", "member_families")
        }

    @staticmethod
    def given(values, prefix: str = "scope") -> Scope:
        """The scope of `as_values()`, for a query's build (person_q, RecordPolicy.scope_q):
        each id set as given, the member families too (a union of two stand-ins would be
        a list of two)."""
        return _Given(
            user_id=None,
            full_families=frozenset(values[f"{prefix}_full_families"]),
            youth_families=frozenset(values[f"{prefix}_youth_families"]),
            assigned_people=frozenset(values[f"{prefix}_assigned_people"]),
            given_members=frozenset(values[f"{prefix}_member_families"]),
        )


@dataclass(frozen=True)
class _Given(Scope):
    given_members: frozenset[int] = frozenset()

    @property
    def member_families(self) -> frozenset[int]:
        return self.given_members


EMPTY = Scope(user_id=None)


def scope_for(user, *, today: datetime.date | None = None) -> Scope:
    """The user's scope, computed once per user object (i.e. once per request)."""
    if not (user and user.is_authenticated and user.is_active):
        return EMPTY
    # Only a user with case data access gets a scope cached, so a hit needs no has_perm()
    # (collectors and policies ask a few dozen times per request).
    cached = getattr(user, "_bi18_scope", None)
    if today is None and cached is not None and cached[0] == _generation:
        return cached[1]
    if not user.has_perm("accounts.access_case_data"):
        return EMPTY
    scope = _compute(user, today or timezone.localdate())
    if today is None:
        user._bi18_scope = (_generation, scope)
    return scope


def _compute(user, today: datetime.date) -> Scope:
    """One query: the user's memberships and active assignments, as a UNION of two index
    scans (member_user_family, assignment_user_person)."""
    connection = connections[user._state.db or DEFAULT_DB_ALIAS]
    params = {"user": user.pk, "day": connection.ops.adapt_datefield_value(today)}
    with prepared_cursor(connection) as cursor:
        cursor.execute(_scope_sql(), params)
        rows = cursor.fetchall()
    full, youth, coordinated, people, families = set(), set(), set(), set(), set()
    for family_id, group_role, is_coordinator, person_id in rows:
        if person_id is not None:
            people.add(person_id)
            families.add(family_id)
            continue
        (youth if group_role in YOUTH_GROUP_ROLES else full).add(family_id)
        if is_coordinator:
            coordinated.add(family_id)
    return Scope(
        user_id=user.pk,
        full_families=frozenset(full),
        youth_families=frozenset(youth - full),
        coordinated_families=frozenset(coordinated),
        assigned_people=frozenset(people),
        assigned_families=frozenset(families),
    )


@functools.cache
def _scope_sql() -> str:
    """The scope query, plain SQL with named parameters (the user's id and the day): the
    network-group memberships (no person), then the person assignments active on the day
    (PersonAssignment.objects.active), each with its person's family. Written out, not
    built by the ORM on every request (≈ 1 ms of CPU, more than running it), and prepared
    (bi18.lib.prepared); tests/families/test_scope.py compares it with the ORM's answer."""
    # By name, not import: families.models uses this module (visible_to, scope_changed).
    member = apps.get_model("families", "NetworkMember")._meta.db_table
    assignment = apps.get_model("families", "PersonAssignment")._meta.db_table
    person = apps.get_model("families", "Person")._meta.db_table
    return (
        "SELECT m.family_id, m.group_role, m.is_coordinator, NULL AS person_id"  # noqa: S608 - table names from _meta
        f" FROM {member} m WHERE m.user_id = %(user)s"
        " UNION ALL"
        " SELECT p.family_id, '' AS group_role, FALSE AS is_coordinator, a.person_id"
        f" FROM {assignment} a JOIN {person} p ON p.id = a.person_id"
        ' WHERE a.user_id = %(user)s AND a.start <= %(day)s AND (a."end" IS NULL OR a."end" >= %(day)s)'
    )
