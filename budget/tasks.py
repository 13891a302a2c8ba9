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
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=10,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=15 * 60,
    time_limit=20 * 60,
    acks_late=True,
)
def compute_snapshot(run_id: int | None = None, day: str | None = None) -> dict:
    """Compute and store the targets and budget snapshot for `day` (ISO date; default
    today), or for the date of SnapshotRun `run_id`, marking the run's progress.

    Idempotent and safe to retry: the day's rows are replaced in one transaction, so a
    retry after a lost database connection (retried with backoff) never doubles them.
    The nightly beat entry calls it without arguments.
    """
    on = datetime.date.fromisoformat(day) if day else None
    result = services.snapshot_run_execute(run_id=run_id, on=on)
    return {"date": result["date"]}
