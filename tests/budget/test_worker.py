"""The snapshot job through a REAL Celery worker on Redis (not eagerly).

Skipped without REDIS_URL (the embedded default runs tasks eagerly); CI sets it. The test
fails if the task ran eagerly: the result must be an AsyncResult from the broker and the
task body must have run on the worker's thread, not the test's.
"""

import datetime
import os
import threading
import time
import uuid

import pytest
from celery.result import EagerResult
from celery.signals import task_prerun

from budget.models import BudgetSnapshot, SnapshotRun, TargetSnapshot
from budget.tasks import compute_snapshot
from tests.employment_factories import InternshipFactory, TrackFactory

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)"),
]


@pytest.fixture
def celery_app_not_eager():
    from bi18.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def test_the_snapshot_job_runs_once_through_a_real_worker_on_redis(
    transactional_db, settings, celery_app_not_eager
):
    from celery.contrib.testing.worker import start_worker

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app = celery_app_not_eager
    day = datetime.date(2026, 3, 31)
    track = TrackFactory(start=datetime.date(2025, 6, 2))
    InternshipFactory(track=track, start=datetime.date(2025, 7, 1))
    run = SnapshotRun.objects.create(date=day)
    ran_on: list[str] = []

    def record_thread(sender=None, **kwargs):
        if sender is not None and sender.name == "budget.compute_snapshot":
            ran_on.append(threading.current_thread().name)

    task_prerun.connect(record_thread, weak=False)
    # A queue of our own, so no other worker on the same Redis can take the task.
    queue = f"test-budget-{uuid.uuid4().hex[:8]}"
    try:
        with start_worker(
            app,
            perform_ping_check=False,
            pool="solo",
            concurrency=1,
            queues=[queue],
            loglevel="WARNING",
            shutdown_timeout=10,
        ):
            result = compute_snapshot.apply_async(kwargs={"run_id": run.pk}, queue=queue)
            assert not isinstance(result, EagerResult), "the task ran eagerly"
            assert result.get(timeout=90) == {"date": day.isoformat()}
            deadline = time.monotonic() + 30
            while not TargetSnapshot.objects.filter(date=day).exists():
                assert time.monotonic() < deadline, "no snapshot was stored"
                time.sleep(0.2)
    finally:
        task_prerun.disconnect(record_thread)

    assert ran_on and ran_on[0] != threading.current_thread().name
    run.refresh_from_db()
    assert run.status == SnapshotRun.Status.DONE
    t1 = TargetSnapshot.objects.get(date=day, code="T1", scope="overall")
    assert (t1.numerator, t1.denominator) == (1, 1)
    assert BudgetSnapshot.objects.filter(date=day).count() == 4
