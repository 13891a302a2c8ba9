"""A worker killed mid-task (issue 9 §5): the run is failed and can be retried.

A real Celery worker process computes "Beregn nu" on a Redis of the test's own, is held
mid-computation by a table lock, and is killed with SIGKILL. Its run must not stay "running"
for good (nor be reused by the next click): the missing heartbeat fails it, the status line
stops polling and says so, and the next "Beregn nu" computes on a new worker.

PostgreSQL only: the worker is another process and must see the test's database.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from budget.models import SnapshotRun, TargetSnapshot
from tests.employment_factories import InternshipFactory, TrackFactory
from tests.factories import FamilyFactory, PersonFactory

pytestmark = [
    pytest.mark.own_redis,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

ROOT = Path(__file__).resolve().parent.parent
HEARTBEAT = 1  # seconds; a run is lost after 4 silent intervals


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def _start_worker(redis_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bi18.settings_test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "TASK_HEARTBEAT_SECONDS": str(HEARTBEAT),
    }
    return subprocess.Popen(  # noqa: S603 - our own worker command
        [sys.executable, "-m", "celery", "-A", "bi18", "worker", "--pool=solo"]
        + ["--without-mingle", "--without-gossip", "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _status(client, run):
    return client.get(
        reverse("budget:snapshot_status", args=[run.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()


def test_a_killed_workers_run_is_failed_and_the_next_compute_now_runs_it_again(
    transactional_db, client, manager, redis_server, app_on_redis, settings
):
    settings.TASK_HEARTBEAT_SECONDS = HEARTBEAT
    for _ in range(3):
        track = TrackFactory(person=PersonFactory(family=FamilyFactory()))
        InternshipFactory(track=track, start=track.start)
    client.force_login(manager)

    # Hold the computation where it writes the snapshot, so the worker is killed mid-task.
    lock = psycopg.connect(_database_url().replace("postgres://", "postgresql://"))
    lock.execute("LOCK TABLE budget_targetsnapshot IN ACCESS EXCLUSIVE MODE")
    worker = _start_worker(redis_server.url())
    try:
        client.post(reverse("budget:snapshot_request"))
        run = SnapshotRun.objects.get()

        def is_running():
            run.refresh_from_db()
            return run.status == SnapshotRun.Status.RUNNING

        _wait_for(is_running, 60, "the worker to start the run")
        beat = run.heartbeat_at
        _wait_for(lambda: SnapshotRun.objects.get(pk=run.pk).heartbeat_at > beat, 10, "a heartbeat")
        assert 'hx-trigger="every 2s"' in _status(client, run)  # alive: still polling

        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        lock.rollback()
        lock.close()

    time.sleep(4 * HEARTBEAT + 1)  # the heartbeat is silent for 4 intervals
    body = _status(client, run)
    assert 'data-run-failure="lost"' in body
    assert "Beregningen stoppede, før den var færdig" in body
    assert "hx-trigger" not in body  # polling stops
    run.refresh_from_db()
    assert (run.status, run.failure) == (SnapshotRun.Status.FAILED, "lost")
    assert not TargetSnapshot.objects.exists()

    # Retried: the next click makes a new run (not the dead one) and a new worker computes it.
    worker = _start_worker(redis_server.url())
    try:
        client.post(reverse("budget:snapshot_request"))
        retry = SnapshotRun.objects.exclude(pk=run.pk).get()
        _wait_for(
            lambda: SnapshotRun.objects.get(pk=retry.pk).status == SnapshotRun.Status.DONE,
            90,
            "the retried run to finish",
        )
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    assert TargetSnapshot.objects.filter(code="T1", scope="overall").exists()
    run.refresh_from_db()
    assert run.status == SnapshotRun.Status.FAILED  # the dead run stays failed, not revived
