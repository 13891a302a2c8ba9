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
from dataclasses import dataclass

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, CharField, IntegerField, Q, Value
from django.utils import timezone

from bi18.accounts.roles import Role

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
    alias = user._state.db or DEFAULT_DB_ALIAS
    connection = connections[alias]
    sql, params = _scope_sql(alias)
    values = {_USER: user.pk, _DAY: connection.ops.adapt_datefield_value(today)}
    with connection.cursor() as cursor:
        cursor.execute(sql, [values.get(p, p) if isinstance(p, str) else p for p in params])
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


# Placeholders in the compiled query, replaced by the user's id and the day at each call.
_USER, _DAY = "bi18-scope-user", "bi18-scope-day"
_SENTINEL_USER, _SENTINEL_DAY = -7_654_321, datetime.date(1901, 2, 3)


@functools.cache
def _scope_sql(alias: str) -> tuple[str, list]:
    """The scope query, compiled by the ORM once per process instead of on every request
    (building the union cost ≈ 1 ms of CPU, more than running it): the SQL with the
    positions of the user's id and the day marked in its parameters."""
    # By name, not import: families.models uses this module (visible_to, scope_changed).
    NetworkMember = apps.get_model("families", "NetworkMember")  # noqa: N806
    PersonAssignment = apps.get_model("families", "PersonAssignment")  # noqa: N806
    memberships = (
        NetworkMember.objects.using(alias)
        .filter(user_id=_SENTINEL_USER)
        .order_by()
        .annotate(person=Value(None, output_field=IntegerField()))
        .values_list("family_id", "group_role", "is_coordinator", "person")
    )
    assignments = (
        PersonAssignment.objects.using(alias)
        .active(_SENTINEL_DAY)
        .filter(user_id=_SENTINEL_USER)
        .order_by()
        .annotate(
            group_role=Value("", output_field=CharField()),
            is_coordinator=Value(False, output_field=BooleanField()),
        )
        .values_list("person__family_id", "group_role", "is_coordinator", "person_id")
    )
    query = memberships.union(assignments, all=True).query
    sql, params = query.get_compiler(alias).as_sql()
    day = connections[alias].ops.adapt_datefield_value(_SENTINEL_DAY)
    marked = [_USER if p == _SENTINEL_USER else _DAY if p == day else p for p in params]
    assert marked.count(_USER) == 2 and marked.count(_DAY) == 2, marked
    return sql, marked
