"""Everything in the budget app that writes: allocations, expenditures, snapshots.

Keyword-only, typed, atomic. Expenditures that name a family are audited in the same
transaction (the family is personal data; its case number is all a budget officer sees).
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from bi18.audit.models import AuditAction
from bi18.audit.services import audit_log
from bi18.lib.errors import ServiceError
from bi18.lib.prepared import fixed_instances, fixed_values
from bi18.outbox import runs
from budget import targets
from budget.models import (
    Activity,
    Allocation,
    AllocationShare,
    BudgetLine,
    BudgetSnapshot,
    Expenditure,
    Scope,
    SnapshotRun,
    TargetSnapshot,
)

CENT = Decimal("0.01")
THOUSAND = Decimal(1000)


# --- Allocations ---------------------------------------------------------------------


@transaction.atomic
def allocation_create(
    *, actor, activity: Activity, year: int, amount_thousands: Decimal, price_level: int = 2018
) -> Allocation:
    allocation = Allocation.objects.create(
        activity=activity, year=year, amount_thousands=amount_thousands, price_level=price_level
    )
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        event="budget.allocation.created",
        detail={"allocation": allocation.pk, "year": year, "line": activity.line.code},
    )
    return allocation


@transaction.atomic
def allocation_update(
    *, actor, allocation: Allocation, amount_thousands: Decimal, price_level: int
) -> Allocation:
    allocation.amount_thousands = amount_thousands
    allocation.price_level = price_level
    allocation.save(update_fields=["amount_thousands", "price_level"])
    audit_log(
        actor=actor,
        action=AuditAction.CHANGE,
        event="budget.allocation.changed",
        detail={"allocation": allocation.pk, "year": allocation.year},
    )
    return allocation


# --- Expenditures --------------------------------------------------------------------


def _check_activity(line: BudgetLine, activity: Activity) -> None:
    if activity.line_id != line.pk:
        from django.utils.translation import gettext as _

        raise ServiceError(_("The activity does not belong to the chosen budget line."))


def _audit_expenditure(*, actor, action: str, event: str, expenditure: Expenditure, family):
    # Only spending tied to a family touches personal data; the rest is plain bookkeeping.
    if family is None:
        return
    audit_log(
        actor=actor,
        action=action,
        event=event,
        family=family,
        detail={"expenditure": expenditure.pk},
    )


@transaction.atomic
def expenditure_create(
    *,
    actor,
    date: datetime.date,
    amount: Decimal,
    line: BudgetLine,
    activity: Activity,
    category: str,
    family=None,
    note: str = "",
    reference: str | None = None,
) -> Expenditure:
    _check_activity(line, activity)
    expenditure = Expenditure.objects.create(
        date=date,
        amount=amount,
        line=line,
        activity=activity,
        category=category,
        family=family,
        note=note,
        reference=reference,
        created_by=actor,
    )
    _audit_expenditure(
        actor=actor,
        action=AuditAction.CREATE,
        event="budget.expenditure.created",
        expenditure=expenditure,
        family=family,
    )
    return expenditure


@transaction.atomic
def expenditure_update(
    *,
    actor,
    expenditure: Expenditure,
    date: datetime.date,
    amount: Decimal,
    line: BudgetLine,
    activity: Activity,
    category: str,
    family,
    note: str,
) -> Expenditure:
    before_family = expenditure.family
    expenditure.date = date
    expenditure.amount = amount
    expenditure.line = line
    expenditure.activity = activity
    expenditure.category = category
    expenditure.family = family
    expenditure.note = note
    _check_activity(expenditure.line, expenditure.activity)
    expenditure.save()
    for family in {f for f in (before_family, expenditure.family) if f is not None}:
        _audit_expenditure(
            actor=actor,
            action=AuditAction.CHANGE,
            event="budget.expenditure.changed",
            expenditure=expenditure,
            family=family,
        )
    return expenditure


@transaction.atomic
def expenditure_delete(*, actor, expenditure: Expenditure) -> None:
    _audit_expenditure(
        actor=actor,
        action=AuditAction.DELETE,
        event="budget.expenditure.deleted",
        expenditure=expenditure,
        family=expenditure.family,
    )
    expenditure.delete()


# --- Budget status -------------------------------------------------------------------


def forecast_year_end(*, spent: Decimal, year: int, on: datetime.date) -> Decimal:
    """Run-rate forecast: spending so far, extrapolated linearly over the whole year.

    Before the year starts nothing is extrapolated (the forecast is what is spent, 0);
    once the year is over the forecast is what was spent.
    """
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if on < first or on >= last:
        return spent.quantize(CENT)
    elapsed = (on - first).days + 1
    days = (last - first).days + 1
    return (spent * days / elapsed).quantize(CENT, rounding=ROUND_HALF_UP)


def budget_status(on: datetime.date, *, outcomes: dict[str, int] | None = None) -> list[dict]:
    """Per line and year: allocated, spent (to `on`), share, forecast, and the cost per
    achieved outcome given the T1/T2 numerators in `outcomes`. Two queries."""
    outcomes = outcomes or {}
    allocated: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    line_ids: dict[str, int] = {}
    for row in fixed_values("budget.allocated", _allocated, {}):
        key = (row["activity__line__code"], row["year"])
        allocated[key] += row["total"] * THOUSAND
        line_ids[row["activity__line__code"]] = row["activity__line_id"]
    spent: dict[tuple[str, int], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in fixed_values("budget.spent", _spent, {"on": on}):
        spent[(row["code"], row["y"])][row["outcome"]] += row["total"]
        line_ids[row["code"]] = row["line_id"]
    rows = []
    for code, year in sorted(set(allocated) | set(spent)):
        by_outcome = spent.get((code, year), {})
        total = sum(by_outcome.values(), Decimal(0)).quantize(CENT)
        alloc = allocated.get((code, year), Decimal(0)).quantize(CENT)
        spent_t1 = by_outcome.get("T1", Decimal(0)).quantize(CENT)
        spent_t2 = by_outcome.get("T2", Decimal(0)).quantize(CENT)
        rows.append(
            {
                "line": code,
                "line_id": line_ids[code],
                "year": year,
                "allocated": alloc,
                "spent": total,
                "share": float(total / alloc) if alloc else None,
                "forecast": forecast_year_end(spent=total, year=year, on=on),
                "spent_t1": spent_t1,
                "spent_t2": spent_t2,
                "cost_per_t1": cost_per_outcome(spent_t1, outcomes.get("T1", 0)),
                "cost_per_t2": cost_per_outcome(spent_t2, outcomes.get("T2", 0)),
            }
        )
    return rows


# budget_status() and share_status() read the same aggregations on every view of the
# budget: built by the ORM once per process and run prepared (bi18.lib.prepared).


def _allocated(v):
    rows = Allocation.objects.order_by().values("activity__line_id", "activity__line__code", "year")
    return rows.annotate(total=Sum("amount_thousands"))


def _spent(v):
    return (
        Expenditure.objects.filter(date__lte=v["on"])
        .order_by()
        .values(
            "line_id", code=F("line__code"), y=ExtractYear("date"), outcome=F("activity__outcome")
        )
        .annotate(total=Sum("amount"))
    )


def _shares(v):
    return AllocationShare.objects.select_related("allocation__activity__line").order_by(
        "allocation__activity__line__code",
        "allocation__activity_id",
        "allocation__year",
        "category",
    )


def _spent_by_category(v):
    return (
        Expenditure.objects.filter(date__lte=v["on"], activity_id__in=v["activities"])
        .order_by()
        .values("activity_id", "category", y=ExtractYear("date"))
        .annotate(total=Sum("amount"))
    )


def share_status(on: datetime.date) -> list[dict]:
    """Per allocation share (line, activity, year, category, e.g. 18.21's interpreters):
    what is set aside, what is spent on that category (to `on`) and the share spent.
    Two queries, aggregated in the database."""
    shares = fixed_instances("budget.shares", _shares, {})
    if not shares:
        return []
    activities = sorted({s.allocation.activity_id for s in shares})
    spent = {
        (row["activity_id"], row["y"], row["category"]): row["total"]
        for row in fixed_values(
            "budget.spent_by_category", _spent_by_category, {"on": on, "activities": activities}
        )
    }
    rows = []
    for share in shares:
        allocation = share.allocation
        set_aside = (share.amount_thousands * THOUSAND).quantize(CENT)
        used = spent.get(
            (allocation.activity_id, allocation.year, share.category), Decimal(0)
        ).quantize(CENT)
        rows.append(
            {
                "line": allocation.activity.line.code,
                "activity": allocation.activity.name,
                "year": allocation.year,
                "category": share.get_category_display(),
                "allocated": set_aside,
                "spent": used,
                "share": float(used / set_aside) if set_aside else None,
            }
        )
    return rows


def cost_per_outcome(spent: Decimal, achieved: int) -> Decimal | None:
    if not achieved or not spent:
        return None
    return (spent / achieved).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Snapshots -----------------------------------------------------------------------


def compute_targets(on: datetime.date) -> list[TargetSnapshot]:
    """All targets overall and per cohort and district: 3 queries per target."""
    rows = []
    for code in targets.CODES:
        goal = targets.target_value(code)
        n, d = targets.counts(code, on)
        rows.append(_target_row(on, code, Scope.OVERALL, "", n, d, goal))
        for field in targets.GROUP_FIELDS:
            for value, (n, d) in sorted(targets.counts_by(code, on, field).items()):
                rows.append(_target_row(on, code, field, value, n, d, goal))
    return rows


def _target_row(on, code, scope, value, n, d, goal) -> TargetSnapshot:
    return TargetSnapshot(
        date=on,
        code=code,
        scope=scope,
        scope_value=value,
        numerator=n,
        denominator=d,
        rate=targets.rate(n, d),
        target=goal,
    )


def snapshot_compute(*, on: datetime.date) -> dict:
    """Compute and store the snapshot for `on`, replacing that day's rows in one
    transaction (idempotent: re-running a day gives the same rows). Returns the
    command-line contract's object (see compute_targets --json).

    The counting happens before the transaction opens, so the write lock is short.
    """
    target_rows = compute_targets(on)
    overall = {r.code: r for r in target_rows if r.scope == Scope.OVERALL}
    status = budget_status(
        on, outcomes={"T1": overall["T1"].numerator, "T2": overall["T2"].numerator}
    )
    now = timezone.now()
    budget_rows = [
        BudgetSnapshot(
            date=on,
            line_id=s["line_id"],
            year=s["year"],
            allocated=s["allocated"],
            spent=s["spent"],
            share=s["share"],
            forecast=s["forecast"],
            spent_t1=s["spent_t1"],
            spent_t2=s["spent_t2"],
            cost_per_t1=s["cost_per_t1"],
            cost_per_t2=s["cost_per_t2"],
            computed_at=now,
        )
        for s in status
    ]
    for r in target_rows:
        r.computed_at = now
    with transaction.atomic():
        TargetSnapshot.objects.filter(date=on).delete()
        BudgetSnapshot.objects.filter(date=on).delete()
        TargetSnapshot.objects.bulk_create(target_rows)
        BudgetSnapshot.objects.bulk_create(budget_rows)
    return {
        "date": on.isoformat(),
        "targets": {
            code: {
                "numerator": overall[code].numerator,
                "denominator": overall[code].denominator,
                "rate": overall[code].rate,
                "target": overall[code].target,
            }
            for code in targets.CODES
        },
        "budget": [
            {
                "line": s["line"],
                "year": s["year"],
                "allocated": float(s["allocated"]),
                "spent": float(s["spent"]),
                "forecast": float(s["forecast"]),
            }
            for s in status
        ],
    }


def snapshot_run_request(*, actor, on: datetime.date | None = None) -> SnapshotRun:
    """Ask for a recomputation. An open run for the same day is reused rather than doubled;
    a run that is stuck (never started, or its worker lost) is failed first, so a new
    request never reuses it.

    Never waits on the broker: the task is recorded in the outbox with the run and sent after
    the commit; if the broker is down it is sent when it is back (bi18/outbox/runs.py).
    """
    on = on or timezone.localdate()
    runs.runs_fail_stale(SnapshotRun)
    with transaction.atomic():
        open_run = (
            SnapshotRun.objects.select_for_update()
            .filter(date=on, status__in=(SnapshotRun.Status.QUEUED, SnapshotRun.Status.RUNNING))
            .first()
        )
        if open_run is not None:
            return open_run
        run = SnapshotRun.objects.create(date=on, requested_by=actor)
        runs.run_enqueue(run, task="budget.compute_snapshot", kwargs={"run_id": run.pk})
    return run


def snapshot_run_execute(
    *, run_id: int | None, on: datetime.date | None = None, task_id: str | None = None
) -> dict | None:
    """Run one recomputation (the Celery task's body). Safe to retry: the day's rows are
    replaced, never added to.

    A run is computed only if it can be claimed (runs.run_claim): a run that was failed
    meanwhile (too late, worker lost) or already done is left alone and None is returned.
    """
    if not run_id:
        return snapshot_compute(on=on or timezone.localdate())
    if not runs.run_claim(SnapshotRun, pk=run_id, task_id=task_id):
        return None
    run = SnapshotRun.objects.get(pk=run_id)
    with runs.run_heartbeat(SnapshotRun, pk=run.pk):
        result = snapshot_compute(on=run.date)
    SnapshotRun.objects.filter(pk=run.pk).update(
        status=SnapshotRun.Status.DONE, failure="", finished_at=timezone.now(), error=""
    )
    return result


def snapshot_run_failed(*, run_id: int | None, error: str) -> None:
    if run_id:
        SnapshotRun.objects.filter(pk=run_id).update(
            status=SnapshotRun.Status.FAILED,
            failure=SnapshotRun.Failure.ERROR,
            finished_at=timezone.now(),
            error=error[:300],
        )
