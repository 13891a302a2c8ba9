"""Celery tasks for the targets and budget snapshot (SPEC §7). Thin: they call services."""

import datetime
import logging

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from budget import services

logger = logging.getLogger(__name__)


class _SnapshotTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Called once the retries are used up (or for an error that is not retried).
        try:
            services.snapshot_run_failed(run_id=kwargs.get("run_id"), error=repr(exc))
        except Exception:  # the database may be what failed
            logger.exception("Could not mark snapshot run %s as failed", kwargs.get("run_id"))


@shared_task(
    name="budget.compute_snapshot",
    base=_SnapshotTask,
    bind=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=10,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=15 * 60,
    time_limit=20 * 60,
    # Must not be lost: acknowledged only when done, so a killed worker's message comes back
    # after the broker's visibility timeout (set above the longest time limit). Not
    # reject_on_worker_lost: a computation that kills its pool process would loop; the run's
    # heartbeat fails it instead, and the manager retries.
    acks_late=True,
)
def compute_snapshot(self, run_id: int | None = None, day: str | None = None) -> dict:
    """Compute and store the targets and budget snapshot for `day` (ISO date; default
    today), or for the date of SnapshotRun `run_id`, marking the run's progress.

    Idempotent and safe to retry: the day's rows are replaced in one transaction, so a
    retry after a lost database connection (retried with backoff) never doubles them, and
    a run that was failed or finished meanwhile is skipped. The nightly beat entry calls it
    without arguments.
    """
    on = datetime.date.fromisoformat(day) if day else None
    result = services.snapshot_run_execute(run_id=run_id, on=on, task_id=self.request.id)
    return {"date": result["date"]} if result else {"skipped": run_id}
