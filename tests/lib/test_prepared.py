"""bi18.lib.prepared: the fixed statements every request runs, prepared on PostgreSQL."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bi18.lib.prepared import (
    fixed_instances,
    fixed_values,
    forget_compiled,
    prepared_cursor,
    store_prefetched,
)

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
    assert {key for _using, key, _empty in _compiled_keys()} == {"test.people"}


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
