"""A real Redis of the test's own, on a free random port, that a test stops and starts.

Never the shared Redis on 6379: this one is started by the test, its process id is kept, and
only that process is signalled. `stop()` closes the port (connections are refused), `hang()`
freezes the server (connections open but nothing answers), `start()` brings it back on the
same port with the same data gone (no persistence), as after a broker restart.
"""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

REDIS_SERVER = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self):
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        assert self.process is None, "already running"
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command of our own
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self._answers():
            assert self.process.poll() is None, "redis-server exited"
            assert time.monotonic() < deadline, "redis-server did not answer"
            time.sleep(0.05)

    def hang(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is None:
            return
        self.resume()  # a frozen process would ignore SIGTERM until continued
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@pytest.fixture
def redis_server():
    """A running Redis of the test's own; stopped (by its pid) at the end whatever happens."""
    if REDIS_SERVER is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is missing (apt-get install -y redis-server)")
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _reset_celery_connections(app) -> None:
    """Forget the pooled broker connections and the result backend, so the next send uses
    the current configuration."""
    from kombu import pools

    pools.reset()  # kombu's registry of connection and producer pools, shared by all apps
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend


@pytest.fixture
def app_on_redis(redis_server, settings):
    """Cache, Celery (not eager) and /healthz all on `redis_server`, configured as in
    production (bi18/settings.py); everything is put back afterwards."""
    from bi18.celery import app

    url = redis_server.url()
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }
    keys = ("broker_url", "result_backend", "task_always_eager", "task_eager_propagates")
    saved = {k: app.conf[k] for k in keys}
    app.conf.update(
        broker_url=url, result_backend=url, task_always_eager=False, task_eager_propagates=False
    )
    _reset_celery_connections(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _reset_celery_connections(app)
