"""Database calls of the live sockets, on one kept connection per ASGI process.

The ASGI server runs with CONN_MAX_AGE 0 (docker-compose's `live`): Django runs each HTTP
request there in a thread of its own, where a persistent connection would be left behind.
The consumers' calls, however, all run in Channels' one thread-sensitive sync thread: this
variant of `database_sync_to_async` keeps that thread's connection for LIVE_CONN_MAX_AGE
seconds instead of opening a new PostgreSQL connection for every admission, re-check,
presence ping and resync. Django's own rules still close it when it broke, when a call left
autocommit off, or when it is older than that (close_old_connections).
"""

import time

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.db import close_old_connections, connections


def _keep_open() -> None:
    max_age = getattr(settings, "LIVE_CONN_MAX_AGE", 60)
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and getattr(conn, "_live_kept", None) is not conn.connection:
            # A connection opened in this call: give it the live age, once.
            conn._live_kept = conn.connection
            conn.close_at = time.monotonic() + max_age


class LiveDatabaseSyncToAsync(SyncToAsync):
    def thread_handler(self, loop, *args, **kwargs):
        close_old_connections()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            _keep_open()
            close_old_connections()


live_sync_to_async = LiveDatabaseSyncToAsync
