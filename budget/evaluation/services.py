"""Writes of the evaluation (issue 15): computation runs and extracts. Thin tasks call these."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.audit.models import AuditAction
from bi18.audit.services import audit_log
from bi18.lib import bulk
from bi18.lib.errors import ServiceError
from bi18.outbox import runs
from bi18.rules import rule
from budget.evaluation import compute, extract
from budget.evaluation.models import (
    ComparisonHousehold,
    ComparisonPerson,
    ComparisonUpload,
    EvaluationExtract,
    EvaluationRun,
    Match,
    MatchKind,
    RunStatus,
    UploadKind,
)
from families.cpr import decrypt_bytes, encrypt_bytes


def measurement_date(today: datetime.date | None = None) -> datetime.date | None:
    """The evaluation's date D: today, but never after the latest outcome extract (the
    comparison cohort's outcomes are known only up to the day the register was read).
    None while no outcome extract has been imported."""
    today = today or timezone.localdate()
    as_of = ComparisonUpload.objects.filter(
        kind=UploadKind.OUTCOMES, committed_at__isnull=False
    ).aggregate(latest=Max("as_of"))["latest"]
    return min(today, as_of) if as_of else None


def latest_run() -> EvaluationRun | None:
    return (
        EvaluationRun.objects.filter(status=RunStatus.DONE).order_by("-finished_at", "-pk").first()
    )


def evaluation_compute(*, on: datetime.date) -> dict:
    """Match and estimate for date `on`; returns the figures (suppressed) and the units."""
    units = compute.pilot_units(on)
    parents, young = compute.comparison_pool()
    compute.match(units, parents, young, caliper=int(rule("evaluation_caliper_months")))
    histories = {c.id: c.history for pool in (parents, young) for cs in pool.values() for c in cs}
    compute.measure(units, on, histories)
    people = ComparisonPerson.objects.count()
    pool_counts = {
        "households": ComparisonHousehold.objects.count(),
        "people": people,
        "in_other_effort": ComparisonPerson.objects.filter(in_other_effort=True).count(),
        "parents": sum(len(v) for v in parents.values()),
        "young": sum(len(v) for v in young.values()),
    }
    return {"figures": compute.figures(units, on, pool_counts), "units": units}


def evaluation_run_request(*, actor) -> EvaluationRun:
    """Queue a computation (reusing an open one); the task is sent once the row is committed."""
    runs.runs_fail_stale(EvaluationRun)  # a stuck run is never reused
    with transaction.atomic():
        open_run = (
            EvaluationRun.objects.select_for_update()
            .filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING))
            .first()
        )
        if open_run is not None:
            return open_run
        run = EvaluationRun.objects.create(requested_by=actor)
        audit_log(
            actor=actor,
            action=AuditAction.CREATE,
            event="evaluation.run.requested",
            detail={"run_id": run.pk},
        )
        runs.run_enqueue(run, task="evaluation.compute", kwargs={"run_id": run.pk})
    return run


def evaluation_run_execute(*, run_id: int | None) -> EvaluationRun:
    """The task's body: compute, store figures and matches. Safe to retry (a run's
    matches are replaced, never added to). Without a run id (the nightly job) a run is
    created. Older runs' matches are deleted: only the latest is kept per person."""
    run = EvaluationRun.objects.filter(pk=run_id).first() if run_id else None
    if run is None:
        run = EvaluationRun.objects.create()
    EvaluationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    on = measurement_date()
    if on is None:
        figures, units = {"date": None}, []
    else:
        result = evaluation_compute(on=on)
        figures, units = result["figures"], result["units"]
    with transaction.atomic():
        Match.objects.filter(run=run).delete()
        bulk.create(
            [
                Match(
                    run=run,
                    kind=u.kind,
                    pilot_person_id=u.person_id,
                    comparison_person_id=u.match_id,
                    index_date=u.index,
                    cohort=u.cohort,
                    distance_months=u.distance,
                    outcomes=u.outcomes,
                )
                for u in units
            ]
        )
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            date=on,
            figures=figures,
            finished_at=timezone.now(),
            error="",
        )
        Match.objects.exclude(run=run).delete()
    run.refresh_from_db()
    return run


def evaluation_run_failed(*, run_id: int | None, error: str) -> None:
    if run_id:
        EvaluationRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=error[:300]
        )


# --- The pseudonymised extract ---------------------------------------------------------------


def evaluation_extract_request(*, actor, purpose: str) -> EvaluationExtract:
    """Queue an extract of the latest computation. Raises ServiceError without one."""
    run = latest_run()
    if run is None or not run.date:
        raise ServiceError(_("Compute the evaluation first: there is nothing to extract yet."))
    with transaction.atomic():
        item = EvaluationExtract.objects.create(run=run, purpose=purpose, requested_by=actor)
        audit_log(
            actor=actor,
            action=AuditAction.CREATE,
            event="evaluation.extract.requested",
            purpose=purpose,
            detail={"extract_id": item.pk, "run_id": run.pk},
        )
        runs.run_enqueue(item, task="evaluation.build_extract", kwargs={"extract_id": item.pk})
    return item


def evaluation_extract_build(*, extract_id: int) -> EvaluationExtract:
    """Build the extract's rows, then its CSV and Parquet files (encrypted at rest).
    Safe to retry: the files are rebuilt and replaced."""
    item = EvaluationExtract.objects.select_related("run").get(pk=extract_id)
    EvaluationExtract.objects.filter(pk=item.pk).update(status=RunStatus.RUNNING, progress=0)

    def progress(done: int, total: int) -> None:
        share = int(90 * done / total) if total else 90
        EvaluationExtract.objects.filter(pk=item.pk).update(progress=share)

    rows, people = extract.extract_rows(run=item.run, progress=progress)
    EvaluationExtract.objects.filter(pk=item.pk).update(
        status=RunStatus.DONE,
        progress=100,
        rows=len(rows),
        people=people,
        csv_encrypted=encrypt_bytes(extract.to_csv(rows)),
        parquet_encrypted=encrypt_bytes(extract.to_parquet(rows)),
        finished_at=timezone.now(),
        error="",
    )
    item.refresh_from_db()
    return item


def evaluation_extract_failed(*, extract_id: int | None, error: str) -> None:
    if extract_id:
        EvaluationExtract.objects.filter(pk=extract_id).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=error[:300]
        )


def evaluation_extract_download(*, actor, item: EvaluationExtract, fmt: str, purpose: str) -> bytes:
    """The file's bytes; every download is an audited export with its purpose."""
    if item.status != RunStatus.DONE:
        raise ServiceError(_("The extract is not ready yet."))
    token = item.csv_encrypted if fmt == "csv" else item.parquet_encrypted
    data = decrypt_bytes(token)
    audit_log(
        actor=actor,
        action=AuditAction.EXPORT,
        event="evaluation.extract.downloaded",
        purpose=purpose,
        detail={"extract_id": item.pk, "format": fmt, "rows": item.rows},
    )
    return data


__all__ = ["MatchKind"]
