"""Database calls of the live sockets, on a few kept connections per ASGI process.

The ASGI server runs with CONN_MAX_AGE 0 (docker-compose's `live`): Django runs each HTTP
request there in a thread of its own, where a persistent connection would be left behind.
The consumers' calls (admission, re-check, presence ping, resync) run instead in this
process's own LIVE_DB_THREADS threads, not in Channels' one thread-sensitive sync thread:
with a thousand sockets, their re-checks alone are a steady stream of calls that mostly
wait for the database, and one thread serialised them behind each other. Each thread keeps
its connection for LIVE_CONN_MAX_AGE seconds instead of opening a new PostgreSQL connection
per call. Django's own rules still close it when it broke, when a call left autocommit off,
or when it is older than that (close_old_connections). Every call is self-contained (no
transaction or state spans two calls), so which thread runs it does not matter; what
depends on their order, a socket's re-checks, the consumer runs one at a time.
"""

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

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


LIVE_DB_THREADS = 4

_executor: tuple[int, ThreadPoolExecutor] | None = None
_executor_lock = threading.Lock()


def _live_executor() -> ThreadPoolExecutor:
    """This process's threads for the sockets' database calls (made again in a forked child)."""
    global _executor
    with _executor_lock:
        if _executor is None or _executor[0] != os.getpid():
            pool = ThreadPoolExecutor(max_workers=LIVE_DB_THREADS, thread_name_prefix="live-db")
            _executor = (os.getpid(), pool)
        return _executor[1]


def shutdown() -> None:
    """Close this process's live threads and the connections they keep (tests, so that the
    test database can be dropped; a process about to exit)."""
    global _executor
    with _executor_lock:
        executor, _executor = _executor, None
    if executor is None or executor[0] != os.getpid():
        return
    pool = executor[1]
    # One call per thread: each waits until every thread holds one, so none runs two.
    barrier = threading.Barrier(LIVE_DB_THREADS)

    def close() -> None:
        barrier.wait(timeout=10)
        connections.close_all()

    for future in [pool.submit(close) for _ in range(LIVE_DB_THREADS)]:
        future.result()
    pool.shutdown(wait=True)


class LiveDatabaseSyncToAsync(SyncToAsync):
    def __init__(self, func):
        super().__init__(func, thread_sensitive=False)

    # Looked up at each call, not when a method is decorated at import: a process's threads
    # are its own (a pool copied by a fork has no threads behind it).
    @property
    def _executor(self) -> ThreadPoolExecutor:
        return _live_executor()

    @_executor.setter
    def _executor(self, _value) -> None:
        pass

    def thread_handler(self, loop, *args, **kwargs):
        close_old_connections()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            _keep_open()
            close_old_connections()


live_sync_to_async = LiveDatabaseSyncToAsync
