"""The session engine: Django's database sessions, each row knowing its user.

Deactivating a user must end their sessions for good, so that reactivating the
account does not bring an old (perhaps stolen) cookie back to life. With the user's
id in an indexed column that is one DELETE, not a decode of every session row.
"""

from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore as DBSessionStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import connections, models, router
from django.utils import timezone

from bi18.lib.prepared import prepared_cursor


class SessionStore(DBSessionStore):
    @classmethod
    def get_model_class(cls):
        # By name: accounts.models builds its Session on BaseUserSession below.
        return apps.get_model("accounts", "Session")

    def load(self):
        """The session's data, as Django's load() reads it (a key not yet expired), in one
        fixed statement, prepared (bi18.lib.prepared): the ORM built the same query anew on
        every request, and the database planned it anew."""
        model = self.model
        connection = connections[router.db_for_read(model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with prepared_cursor(connection) as cursor:
            cursor.execute(_load_sql(model, connection), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get("_auth_user_id"))
        except (TypeError, ValueError):
            session.user_id = None
        return session


def _load_sql(model, connection) -> str:
    quote = connection.ops.quote_name
    column = {f.name: quote(f.column) for f in model._meta.concrete_fields}
    return (
        f"SELECT {column['session_data']} FROM {quote(model._meta.db_table)}"  # noqa: S608 - names from _meta
        f" WHERE {column['session_key']} = %s AND {column['expire_date']} > %s"
    )


class BaseUserSession(AbstractBaseSession):
    # A plain id (no foreign key): a session row must never block or fail a user change.
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        abstract = True

    @classmethod
    def get_session_store_class(cls):
        return SessionStore


def sessions_delete_for_user(user_id: int) -> int:
    """Delete every session of one user; returns how many."""
    deleted, _per_model = SessionStore.get_model_class().objects.filter(user_id=user_id).delete()
    return deleted
