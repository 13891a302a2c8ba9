"""Server-side prepared statements for the few fixed statements every request runs.

Every logged-in request reads its session, its user's roles and (on case pages) its scope:
the same statement text each time with other values. Django sends each as a new query
(client-side binding), and PostgreSQL plans it anew: the roles query's five joins cost
≈ 0.4–1 ms of planning on the database's CPU, against ≈ 0.05 ms to run it. A prepared
statement is planned once per connection (psycopg keeps them per connection, so with
persistent connections once per worker and statement).

Only on PostgreSQL with psycopg 3, and not behind PgBouncer in transaction mode (a
connection there is not ours between transactions, settings PREPARED_STATEMENTS). Everything
else – SQLite, a pooler – gets Django's ordinary cursor. Either way the statement goes through
Django's cursor wrapper, so it is counted, logged and seen by execute wrappers as any query.

For fixed statements only: the statement text must be the same on every call (values as
parameters), or the connection collects prepared statements by the hundred.
"""

from contextlib import contextmanager, suppress

from django.conf import settings
from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor
from psycopg import errors


class _PreparingCursor(ServerBindingCursor):
    """Django's server-side binding cursor (psycopg 3), preparing every statement it executes."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class _DebugWrapper(CursorDebugWrapper):
    """Logs a statement with its values written in, as Django's query log has it for every
    other query (tests, the benchmark's EXPLAIN): this cursor's own text has $1 placeholders,
    and none at all once the statement is prepared."""

    @contextmanager
    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        if use_last_executed_query and not many:
            with suppress(errors.DataError):
                sql = self.db.ops.compose_sql(sql, params)
        with super().debug_sql(sql, params, use_last_executed_query=False, many=many):
            yield


def prepared_cursor(connection):
    """A cursor of `connection` whose statements PostgreSQL prepares (see above), else
    `connection.cursor()`; use it as a context manager, as connection.cursor()."""
    if connection.vendor != "postgresql" or not settings.PREPARED_STATEMENTS:
        return connection.cursor()
    # As Django's own cursor(): a kept connection that broke (a database restart) is
    # replaced rather than failing the request (CONN_HEALTH_CHECKS).
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    # Wrapped as Django wraps its own cursors: counted, logged, seen by execute wrappers.
    cursor = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        return _DebugWrapper(cursor, connection)
    return connection.make_cursor(cursor)
