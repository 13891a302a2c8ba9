"""bi18.lib.prepared: the fixed statements every request runs, prepared on PostgreSQL."""

import pytest
from django.db import connection

from bi18.lib.prepared import prepared_cursor

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
