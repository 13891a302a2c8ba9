"""Celery tasks of the evaluation. Thin: they call services."""

import logging

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from budget.evaluation import services

logger = logging.getLogger(__name__)


class _RunTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        try:
            services.evaluation_run_failed(run_id=kwargs.get("run_id"), error=repr(exc))
        except Exception:  # the database may be what failed
            logger.exception("Could not mark evaluation run %s as failed", kwargs.get("run_id"))


class _ExtractTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        try:
            services.evaluation_extract_failed(extract_id=kwargs.get("extract_id"), error=repr(exc))
        except Exception:
            logger.exception("Could not mark extract %s as failed", kwargs.get("extract_id"))


_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 10,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(
    name="evaluation.compute", base=_RunTask, soft_time_limit=20 * 60, time_limit=25 * 60, **_RETRY
)
def compute_evaluation(run_id: int | None = None) -> dict:
    """Match the comparison cohort and compute the figures for EvaluationRun `run_id`
    (the nightly beat entry passes none and gets a new run). Safe to retry: the run's
    matches are replaced, never added to."""
    run = services.evaluation_run_execute(run_id=run_id)
    return {"run_id": run.pk, "date": run.date.isoformat() if run.date else None}


@shared_task(
    name="evaluation.build_extract",
    base=_ExtractTask,
    soft_time_limit=20 * 60,
    time_limit=25 * 60,
    **_RETRY,
)
def build_extract(extract_id: int) -> dict:
    """Build the pseudonymised extract `extract_id` (progress on the row). Safe to retry:
    the files are rebuilt and replaced."""
    item = services.evaluation_extract_build(extract_id=extract_id)
    return {"extract_id": item.pk, "rows": item.rows}
