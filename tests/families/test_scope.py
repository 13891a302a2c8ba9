"""The scope query (families.scope, written as SQL) against the same question asked through
the ORM: memberships, youth roles, coordinators and assignments by their dates."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bi18.accounts.roles import Role
from families.models import NetworkMember, PersonAssignment
from families.scope import YOUTH_GROUP_ROLES, _compute, scope_for
from tests.factories import FamilyFactory, PersonFactory, UserFactory, add_member, assign, child

DAY = datetime.date(2026, 6, 15)


def _scope_by_orm(user, day):
    """families.scope's rule, asked through the ORM."""
    members = NetworkMember.objects.filter(user=user)
    full = {m.family_id for m in members if m.group_role not in YOUTH_GROUP_ROLES}
    youth = {m.family_id for m in members if m.group_role in YOUTH_GROUP_ROLES} - full
    assignments = PersonAssignment.objects.active(day).filter(user=user).select_related("person")
    return {
        "full_families": full,
        "youth_families": youth,
        "coordinated_families": {m.family_id for m in members if m.is_coordinator},
        "assigned_people": {a.person_id for a in assignments},
        "assigned_families": {a.person.family_id for a in assignments},
    }


@pytest.mark.django_db
def test_the_scope_query_answers_as_the_orm_does():
    user = UserFactory(username="scoped", role=Role.FAMILY_CASEWORKER)
    other = UserFactory(username="not_scoped", role=Role.FAMILY_CASEWORKER)
    member, coordinated, youth_only, both = (FamilyFactory() for _ in range(4))
    add_member(member, user)
    add_member(coordinated, user, coordinator=True)
    add_member(youth_only, user, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(both, user, role=Role.RETENTION_COUNSELLOR)
    add_member(both, other)
    add_member(FamilyFactory(), other)  # someone else's family
    # Assignments: open-ended, ending on the day, starting on the day, ended, not yet started.
    open_ended, ends_today, starts_today, ended, future = (
        PersonFactory(family=FamilyFactory()) for _ in range(5)
    )
    assign(open_ended, user)
    assign(ends_today, user, end=DAY)
    assign(starts_today, user, start=DAY)
    assign(ended, user, end=DAY - datetime.timedelta(days=1))
    assign(future, user, start=DAY + datetime.timedelta(days=1))
    assign(child(family=member), user)  # also a member there
    assign(PersonFactory(), other)

    scope = _compute(user, DAY)
    expected = _scope_by_orm(user, DAY)

    assert {name: set(getattr(scope, name)) for name in expected} == expected
    assert scope.full_families == {member.pk, coordinated.pk}
    assert scope.youth_families == {youth_only.pk, both.pk}
    assert scope.coordinated_families == {coordinated.pk}
    assert scope.assigned_people >= {open_ended.pk, ends_today.pk, starts_today.pk}
    assert not scope.assigned_people & {ended.pk, future.pk}


@pytest.mark.django_db
def test_a_user_without_memberships_or_assignments_has_an_empty_scope():
    user = UserFactory(username="newcomer", role=Role.FAMILY_CASEWORKER)
    add_member(FamilyFactory(), UserFactory(username="someone_else"))

    scope = _compute(user, DAY)

    assert not scope.families and not scope.assigned_people


@pytest.mark.django_db
def test_the_scope_is_read_in_one_query_once_per_user_object():
    user = UserFactory(username="scoped", role=Role.FAMILY_CASEWORKER)
    add_member(FamilyFactory(), user)
    user.has_perm("accounts.access_case_data")  # roles loaded beforehand

    with CaptureQueriesContext(connection) as captured:
        first = scope_for(user)
        again = scope_for(user)

    assert len(captured.captured_queries) == 1
    assert first is again and len(first.families) == 1


@pytest.mark.django_db
def test_the_query_log_has_the_scope_query_with_its_values_written_in():
    """As every other query (the benchmark EXPLAINs them), also where it is prepared."""
    user = UserFactory(username="scoped", role=Role.FAMILY_CASEWORKER)
    family = FamilyFactory()
    add_member(family, user)

    with CaptureQueriesContext(connection) as captured:
        _compute(user, DAY)

    (query,) = captured.captured_queries
    assert f"user_id = {user.pk}" in query["sql"]
    with connection.cursor() as cursor:
        cursor.execute(query["sql"])
        assert [row[0] for row in cursor.fetchall()] == [family.pk]
