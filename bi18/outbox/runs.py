"""Runs: rows that track background work a user asked for (a snapshot, an evaluation, an
extract) so that a page can show its progress. One rule for all of them (issue 9 §3, §5):

* the work is queued through the outbox (`run_enqueue`), so asking never fails on the broker;
* a worker takes a run only by claiming it (`run_claim`), so a late or repeated message never
  computes a run that was given up or finished;
* a running run's worker refreshes a heartbeat (`run_heartbeat`); a run not started within
  TASK_START_LIMIT_MINUTES, or silent for 4 heartbeats, is failed (`runs_fail_stale`), which
  ends the page's polling and lets the user try again.

A run model has `status` ("queued", "running", "done", "failed"), `created_at`, `started_at`,
`finished_at` and `error`; `heartbeat_at`, `failure` and `task_id` are used where present.
"""

import datetime
import logging
import threading
import uuid
from contextlib import contextmanager, suppress

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from bi18.outbox.services import outbox_cancel, outbox_waiting, task_enqueue

logger = logging.getLogger(__name__)

QUEUED, RUNNING, FAILED = "queued", "running", "failed"
NOT_STARTED, LOST = "not_started", "lost"  # values of a run's `failure`


def _has(model, field: str) -> bool:
    return any(f.name == field for f in model._meta.get_fields())


def run_outbox_key(run) -> str:
    return f"{run._meta.label_lower}:{run.pk}"


def run_enqueue(run, *, task: str, kwargs: dict) -> None:
    """Queue `task` for `run` (call inside the transaction that created the run)."""
    message = task_enqueue(task=task, kwargs=kwargs, key=run_outbox_key(run))
    if _has(type(run), "task_id"):
        run.task_id = message.task_id
        type(run).objects.filter(pk=run.pk).update(task_id=message.task_id)


def run_waiting_for_broker(run) -> bool:
    """Is this queued run's task still waiting for the broker?"""
    return run is not None and run.status == QUEUED and outbox_waiting(key=run_outbox_key(run))


def run_claim(model, *, pk: int, task_id: str | None = None) -> bool:
    """Mark the run as running if it is still to be done: queued, or running under this same
    task id (a retry or redelivery of its own message). False: leave it alone."""
    claimable = Q(status=QUEUED)
    if task_id and _has(model, "task_id"):
        # An id the outbox did not give (not a UUID) cannot be this run's own message.
        with suppress(ValueError):
            claimable |= Q(status=RUNNING, task_id=uuid.UUID(str(task_id)))
    now = timezone.now()
    values = {"status": RUNNING, "started_at": now}
    if _has(model, "heartbeat_at"):
        values["heartbeat_at"] = now
    claimed = model.objects.filter(claimable, pk=pk).update(**values)
    if not claimed:
        logger.info("%s %s is no longer waiting to run; skipped", model.__name__, pk)
    return bool(claimed)


def _heartbeat_interval() -> float:
    return float(settings.TASK_HEARTBEAT_SECONDS)


@contextmanager
def run_heartbeat(model, *, pk: int):
    """Refresh the run's heartbeat from a thread while the body runs: if the worker is
    killed, the heartbeat stops and runs_fail_stale fails the run."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(_heartbeat_interval()):
                model.objects.filter(pk=pk, status=RUNNING).update(heartbeat_at=timezone.now())
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"{model.__name__}-{pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def runs_fail_stale(model, *, now: datetime.datetime | None = None) -> int:
    """Fail the runs of `model` that will not finish by themselves, so they can be retried:
    queued for longer than TASK_START_LIMIT_MINUTES (their waiting task is dropped), or
    running without a heartbeat for 4 intervals (the worker was lost). Idempotent and cheap
    (it is called by the pages that poll). Returns how many runs it failed."""
    now = now or timezone.now()
    minutes = settings.TASK_START_LIMIT_MINUTES
    with_failure = _has(model, "failure")
    failed = 0
    late = model.objects.filter(
        status=QUEUED, created_at__lt=now - datetime.timedelta(minutes=minutes)
    )
    for run in late.only("pk"):
        values = {
            "status": FAILED,
            "finished_at": now,
            "error": f"Not started within {minutes} minutes",
        }
        if with_failure:
            values["failure"] = NOT_STARTED
        with transaction.atomic():
            if model.objects.filter(pk=run.pk, status=QUEUED).update(**values):
                outbox_cancel(key=run_outbox_key(run))
                failed += 1
    if _has(model, "heartbeat_at"):
        silent_since = now - datetime.timedelta(seconds=4 * _heartbeat_interval())
        values = {"status": FAILED, "finished_at": now, "error": "No heartbeat from the worker"}
        if with_failure:
            values["failure"] = LOST
        failed += (
            model.objects.filter(status=RUNNING)
            .filter(
                Q(heartbeat_at__lt=silent_since)
                | Q(heartbeat_at__isnull=True, started_at__lt=silent_since)
            )
            .update(**values)
        )
    return failed
