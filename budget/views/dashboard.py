"""The managers' dashboard: targets read from stored snapshots, drill-down, recompute
with progress, CSV/XLSX export (audited). Counts, rates and money, never a name."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bi18.accounts.middleware import background_poll
from bi18.audit.models import AuditAction
from bi18.audit.services import audit_log
from bi18.lib import exports
from bi18.lib.sorting import Sorting, danish_key, sort_rows
from bi18.outbox.runs import runs_fail_stale
from bi18.rules import rule
from budget import dashboard, services
from budget.models import Scope, SnapshotRun
from budget.targets import CODES
from budget.views.common import dashboard_required


@login_required
@require_GET
def targets_home(request):
    user = request.user
    if user.has_perm("accounts.view_dashboard"):
        return _dashboard(request)
    if user.has_perm("accounts.manage_budget"):
        return redirect("budget:overview")
    raise PermissionDenied


def _dashboard(request):
    on = dashboard.latest_date()
    run = dashboard.latest_run()
    context = {
        "nav_active": "targets",
        "on": on,
        "threshold": rule("small_cell_threshold"),
        **dashboard.run_status(run),
    }
    if on is not None:
        views = dashboard.target_views(on)
        budget = dashboard.budget_rows(on)
        context.update(
            {
                "computed_at": budget[0].computed_at if budget else None,
                "headline": [views[c] for c in ("T1", "T2") if c in views],
                "others": [views[c] for c in ("T3", "T4", "T5", "T6") if c in views],
                "views": list(views.values()),
                "budget": budget,
                "totals": dashboard.budget_totals(budget, views),
                "trend": dashboard.trend(on),
                "matrices": [
                    (_("By cohort"), dashboard.breakdown_matrix(views, Scope.COHORT)),
                    (_("By district"), dashboard.breakdown_matrix(views, Scope.DISTRICT)),
                ],
            }
        )
    return render(request, "budget/dashboard.html", context)


def _sorted_cells(request, view, scope: str) -> tuple[list, Sorting]:
    """One breakdown, sorted by the column its own parameter names. Suppressed cells have
    no value to sort by: they stay together in their group order, so their place in the
    table tells nothing of the figures they hide."""

    def figure(name):
        def key(cell):
            if cell.suppressed:
                return (False, False, 0)
            value = getattr(cell, name)
            return (True, value is not None, value or 0)

        return key

    return sort_rows(
        request,
        view.breakdowns.get(scope, []),
        {
            "group": lambda c: danish_key(str(c.label)),
            "reached": figure("numerator"),
            "measured": figure("denominator"),
            "rate": figure("rate"),
        },
        "group",
        param=f"sort_{scope}",
    )


@dashboard_required
@require_GET
def target_detail(request, code: str):
    """Drill-down from a rate to its numerator and denominator, as counts only."""
    if code not in CODES:
        raise Http404
    on = dashboard.latest_date()
    if on is None:
        raise Http404
    views = dashboard.target_views(on)
    view = views.get(code)
    if view is None:
        raise Http404
    return render(
        request,
        "budget/target_detail.html",
        {
            "nav_active": "targets",
            "on": on,
            "t": view,
            "threshold": rule("small_cell_threshold"),
            "tables": [
                (_("By cohort"), _("Cohort"), *_sorted_cells(request, view, Scope.COHORT)),
                (_("By district"), _("District"), *_sorted_cells(request, view, Scope.DISTRICT)),
            ],
        },
    )


@dashboard_required
@require_POST
def snapshot_request(request):
    run = services.snapshot_run_request(actor=request.user)
    run.refresh_from_db()
    status = dashboard.run_status(run)
    if request.htmx:
        response = render(request, "budget/_run_status.html", {**status, "polling": True})
        if run.status == SnapshotRun.Status.DONE:
            # Already computed (tasks run eagerly without a broker): show the new figures.
            response["HX-Refresh"] = "true"
        return response
    if run.status == SnapshotRun.Status.DONE:
        messages.success(request, _("The figures have been computed."))
    elif status["waiting_for_broker"]:
        messages.warning(
            request,
            _(
                "The task queue cannot be reached right now. The computation is saved and "
                "starts by itself when the queue is back."
            ),
        )
    else:
        messages.info(request, _("The computation has started; the page updates when it is done."))
    return redirect("targets_home")


@background_poll
@dashboard_required
@require_GET
def snapshot_status(request, pk: int):
    # Beat may be down with the broker: the poll itself fails a run that can no longer
    # finish (never started, or its worker lost), which ends the polling.
    runs_fail_stale(SnapshotRun)
    run = get_object_or_404(SnapshotRun, pk=pk)
    response = render(
        request, "budget/_run_status.html", {**dashboard.run_status(run), "polling": True}
    )
    if run.status == SnapshotRun.Status.DONE and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@dashboard_required
@require_GET
def dashboard_export(request, fmt: str):
    on = dashboard.latest_date()
    if on is None:
        raise Http404
    tables = dashboard.export_tables(on)
    filename = f"bi18-maal-{on.isoformat()}"
    with transaction.atomic():
        audit_log(
            actor=request.user,
            action=AuditAction.EXPORT,
            event="budget.dashboard.exported",
            detail={"format": fmt, "date": on.isoformat()},
        )
        if fmt == "csv":
            return _csv_response(tables, filename)
        return _xlsx_response(tables, filename)


def _csv_response(tables, filename):
    rows = []
    for title, header, table_rows in tables:
        rows += [[title], header, *table_rows, []]
    return exports.csv_response(rows, filename=f"{filename}.csv")


def _xlsx_response(tables, filename):
    return exports.xlsx_response(tables, filename=f"{filename}.xlsx")
