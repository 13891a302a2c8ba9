"""bi18.lib.prepared: the fixed statements every request runs, prepared on PostgreSQL."""

import datetime

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bi18.accounts.roles import Role
from bi18.lib.prepared import (
    fixed_instances,
    fixed_values,
    forget_compiled,
    prepared_cursor,
    store_prefetched,
)
from tests.factories import add_member

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_statement_runs_with_named_parameters_and_is_counted(django_assert_num_queries):
    with django_assert_num_queries(1), prepared_cursor(connection) as cursor:
        cursor.execute("SELECT %(a)s + %(b)s", {"a": 2, "b": 3})
        assert cursor.fetchone() == (5,)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the prepared cursor is PostgreSQL's")
def test_a_kept_connection_that_broke_is_replaced_as_djangos_own_cursor_does():
    """A database restart breaks every kept connection: the next request's first statement
    (the session, through this cursor) must reconnect, not fail with HTTP 500."""
    connection.ensure_connection()
    broken = connection.connection
    broken.close()  # as a restarted server leaves it
    connection.health_check_done = False  # a new request (close_old_connections)
    with prepared_cursor(connection) as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert connection.connection is not broken


# --- fixed_values: a values() query built by the ORM once per process --------------------


def _people(v):
    from families.models import Person

    return (
        Person.objects.filter(family_id__in=v["families"], date_of_birth__gte=v["born_from"])
        .exclude(first_name=v["not_named"])
        .order_by("pk")
        .values("pk", "first_name", "family__case_number")
    )


@pytest.fixture
def people():
    from tests.factories import PersonFactory

    return [
        PersonFactory(first_name="Ada", date_of_birth=datetime.date(1980, 1, 1)),
        PersonFactory(first_name="Bo", date_of_birth=datetime.date(1990, 1, 1)),
        PersonFactory(first_name="Cy", date_of_birth=datetime.date(2000, 1, 1)),
    ]


def test_the_rows_are_the_orms_for_any_values_of_one_compiled_query(people):
    forget_compiled()
    ada, bo, cy = people
    cases = [
        {
            "families": [ada.family_id, bo.family_id, cy.family_id],
            "born_from": datetime.date(1985, 1, 1),
            "not_named": "Cy",
        },
        {"families": [ada.family_id], "born_from": datetime.date(1970, 1, 1), "not_named": ""},
        {
            "families": [cy.family_id, bo.family_id],
            "born_from": datetime.date(1995, 1, 1),
            "not_named": "Bo",
        },
        {"families": [], "born_from": datetime.date(1970, 1, 1), "not_named": ""},
    ]
    for values in cases:
        assert fixed_values("test.people", _people, values) == list(_people(values))
    assert {key for _using, key, _names, _empty in _compiled_keys()} == {"test.people"}


def _compiled_keys():
    from bi18.lib.prepared import _compiled

    return list(_compiled)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled on PostgreSQL only")
def test_a_list_is_one_array_parameter_whatever_its_length(people, django_assert_num_queries):
    forget_compiled()
    ada, bo, cy = people
    for families in ([ada.family_id], [ada.family_id, bo.family_id, cy.family_id]):
        with CaptureQueriesContext(connection) as queries:
            fixed_values(
                "test.people",
                _people,
                {"families": families, "born_from": datetime.date(1970, 1, 1), "not_named": ""},
            )
        assert "= ANY(" in queries.captured_queries[0]["sql"]
    assert len(_compiled_keys()) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled on PostgreSQL only")
def test_a_value_computed_from_a_value_is_refused(people):
    from families.models import Person

    forget_compiled()

    def derived(v):
        return Person.objects.filter(date_of_birth__gte=v["day"] - datetime.timedelta(1)).values(
            "pk"
        )

    with pytest.raises(ValueError, match="computed from"):
        fixed_values("test.derived", derived, {"day": datetime.date(1990, 1, 1)})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled on PostgreSQL only")
def test_a_value_that_shapes_the_query_is_refused(people):
    from families.models import Person

    forget_compiled()

    def shaped(v):
        people = Person.objects.all()
        if v["day"] > datetime.date(1300, 1, 1):  # a decision on a value, not in the key
            people = people.filter(first_name="Ada")
        return people.values("pk")

    with pytest.raises(ValueError, match="text depends"):
        fixed_values("test.shaped", shaped, {"day": datetime.date(2000, 1, 1)})


def test_instances_are_the_orms_with_every_field(people):
    from families.models import Person

    forget_compiled()
    ada, bo, cy = people

    def build(v):
        return Person.objects.filter(family_id__in=v["families"]).order_by("-pk")

    values = {"families": [ada.family_id, cy.family_id]}
    found = fixed_instances("test.people_instances", build, values)
    assert found == list(build(values))
    assert [p.first_name for p in found] == ["Cy", "Ada"]
    assert not found[0]._state.adding
    assert {f.attname: getattr(found[1], f.attname) for f in Person._meta.concrete_fields} == {
        f.attname: getattr(ada, f.attname) for f in Person._meta.concrete_fields
    }


def test_stored_children_answer_all_without_a_query_as_a_prefetch_does(
    people, django_assert_num_queries
):
    from families.models import Family, Person

    ada, bo, cy = people
    families = list(Family.objects.filter(pk__in=[ada.family_id, bo.family_id]).order_by("pk"))
    children = list(Person.objects.filter(family__in=families).order_by("-pk"))
    store_prefetched(families, "people", children, by="family_id")
    with django_assert_num_queries(0):
        assert [p.pk for p in families[0].people.all()] == [ada.pk]
        assert [p.pk for p in families[1].people.all()] == [bo.pk]
        assert families[0].people.all()[0].family is families[0]


# --- review (issues 11, 14): ints against narrow integer columns, PgBouncer, ids, access ----

_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="compiled on PostgreSQL only"
)


@pytest.fixture
def goals(family, caseworker):
    from networkgroup import selectors, services
    from networkgroup.models import PlanArea

    plan = selectors.plan_for_family(family=family)
    first = services.goal_create(actor=caseworker, plan=plan, area=PlanArea.ECONOMY, text="One")
    second = services.goal_create(actor=caseworker, plan=plan, area=PlanArea.ECONOMY, text="Two")
    services.goal_update(actor=caseworker, goal=second, version=second.version, text="Two, v2")
    return plan, first, second


def _goals_from_version(v):
    from networkgroup.models import Goal

    # `version` is a PositiveIntegerField (int4): an ordinary filter by a value.
    return Goal.objects.filter(plan_id=v["plan"], version__gte=v["min_version"]).values("pk")


@_postgresql
def test_an_int_value_compared_with_an_int4_column_is_not_dropped_from_the_query(goals):
    """The ORM leaves out a comparison whose int lies outside the column's range (Django's
    IntegerFieldOverflow: FullResultSet, EmptyResultSet for `=`). Stand-ins outside an int4
    column's range (as -7.3e12 was) left the condition out of the compiled SQL, and every
    call then returned rows as if the value were not there."""
    forget_compiled()
    plan, first, second = goals
    values = {"plan": plan.pk, "min_version": 2}
    assert list(_goals_from_version(values)) == [{"pk": second.pk}]
    assert fixed_values("test.goals_from_version", _goals_from_version, values) == [
        {"pk": second.pk}
    ]


@_postgresql
def test_an_int_value_in_an_exact_int4_filter_is_not_always_empty(goals):
    from networkgroup.models import Goal

    forget_compiled()
    plan, first, second = goals

    def build(v):
        return Goal.objects.filter(pk=v["pk"], version=v["version"]).values("pk")

    values = {"pk": second.pk, "version": Goal.objects.get(pk=second.pk).version}
    assert values["version"] == 2
    assert list(build(values)) == [{"pk": second.pk}]
    assert fixed_values("test.goal_at_version", build, values) == [{"pk": second.pk}]


@_postgresql
def test_lists_as_any_work_without_prepared_statements(family):
    from families.models import Person

    forget_compiled()

    def build(v):
        return Person.objects.filter(family_id__in=v["families"]).order_by("pk").values("pk")

    values = {"families": [family.pk, family.pk + 10_000]}
    with override_settings(PREPARED_STATEMENTS=False):
        assert fixed_values("test.people_pgbouncer", build, values) == list(build(values))


def test_a_meeting_id_beyond_bigint_is_404_not_500(family, caseworker):
    from networkgroup import services

    meeting = services.meeting_create(
        actor=caseworker,
        family=family,
        data=services.MeetingData(
            starts_at=timezone.now() + datetime.timedelta(days=1),
            place="Borgerservice",
            attending_members=[caseworker],
            attending_people=[],
        ),
    )
    client = Client(raise_request_exception=False)
    client.force_login(caseworker)
    ok = client.get(reverse("networkgroup:meeting", args=[family.pk, meeting.pk]))
    assert ok.status_code == 200
    huge = reverse("networkgroup:meeting", args=[family.pk, 2**63])
    assert client.get(huge).status_code == 404


def test_youth_counsellor_and_full_member_each_see_their_own_goals_after_each_other(
    family, caseworker, retention_counsellor
):
    """One compiled query per shape: a full member's request compiles first, then a youth
    member's (whose full-families list is empty), then the full member's again."""
    from families.models import PersonRole
    from networkgroup import selectors, services
    from networkgroup.models import PlanArea

    forget_compiled()
    add_member(family, retention_counsellor, role=Role.RETENTION_COUNSELLOR)
    plan = selectors.plan_for_family(family=family)
    parent = family.people.filter(role=PersonRole.PARENT).first()
    kid = family.people.filter(role=PersonRole.CHILD).first()
    services.goal_create(
        actor=caseworker, plan=plan, area=PlanArea.ECONOMY, text="P", person=parent
    )
    services.goal_create(actor=caseworker, plan=plan, area=PlanArea.ECONOMY, text="C", person=kid)
    services.goal_create(actor=caseworker, plan=plan, area=PlanArea.ECONOMY, text="F")
    for user, texts in [
        (caseworker, {"P", "C", "F"}),
        (retention_counsellor, {"C", "F"}),
        (caseworker, {"P", "C", "F"}),
        (retention_counsellor, {"C", "F"}),
    ]:
        user = type(user).objects.get(pk=user.pk)  # a new request
        assert {g.text for g in selectors.plan_goals(plan, user)} == texts


@_postgresql
def test_instances_from_fixed_instances_update_not_insert_on_save(family):
    from families.models import Family

    forget_compiled()
    (found,) = fixed_instances(
        "test.family", lambda v: Family.objects.filter(pk=v["f"]), {"f": family.pk}
    )
    found.cohort = "review"
    with transaction.atomic():
        found.save()
    assert Family.objects.count() == 1
    assert Family.objects.get(pk=family.pk).cohort == "review"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled on PostgreSQL only")
def test_one_key_serves_one_query_only(people):
    """Two places that chose the same key would each get the other's rows: refused."""
    from families.models import Person

    forget_compiled()

    def reader(role):
        # A closure made anew on each call: the same query (its code), the key may repeat.
        return lambda v: Person.objects.filter(role=role, pk__in=v["ids"]).values("pk")

    ids = [p.pk for p in Person.objects.all()]
    first = fixed_values("test.one_key", reader("parent"), {"ids": ids})
    assert fixed_values("test.one_key", reader("parent"), {"ids": ids}) == first

    def other(v):
        return Person.objects.filter(pk__in=v["ids"]).values("pk", "first_name")

    with pytest.raises(ValueError, match="two different queries"):
        fixed_values("test.one_key", other, {"ids": ids})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled on PostgreSQL only")
def test_a_date_written_into_the_query_instead_of_given_as_a_value_is_refused(people):
    """A date taken inside the build (today) would be the same in both builds and kept for
    the process's life: after midnight the query would still ask about yesterday."""
    from django.utils import timezone

    from families.models import Person

    forget_compiled()

    def born_before_today(v):
        return Person.objects.filter(
            pk__in=v["ids"], date_of_birth__lt=timezone.localdate()
        ).values("pk")

    with pytest.raises(ValueError, match="date or time constant"):
        fixed_values("test.today_inside", born_before_today, {"ids": [1]})
