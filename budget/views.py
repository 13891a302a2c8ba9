"""Targets and budget pages (SPEC §7, §9 "Mål og økonomi").

Managers (view_dashboard) get the dashboard, read from stored snapshots: counts, rates and
money, never a name. Budget officers (manage_budget) get the budget and expenditures.
Neither role sees case data; a family appears on an expenditure only as its case number.
"""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bi18.accounts.middleware import background_poll
from bi18.audit.models import AuditAction
from bi18.audit.services import audit_log
from bi18.lib import exports
from bi18.outbox.runs import runs_fail_stale
from bi18.rules import rule
from budget import dashboard, services
from budget.forms import (
    AllocationForm,
    ExpenditureFilterForm,
    ExpenditureForm,
    ExpenditureUploadForm,
)
from budget.importer import upload_commit, upload_create
from budget.models import (
    Activity,
    Allocation,
    BudgetLine,
    Expenditure,
    ExpenditureImport,
    Scope,
    SnapshotRun,
    TargetSnapshot,
)
from budget.targets import CODES
from families.importer import ImportFileError


def _requires(perm: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


dashboard_required = _requires("accounts.view_dashboard")
budget_required = _requires("accounts.manage_budget")


# --- Dashboard -----------------------------------------------------------------------


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
                (_("By cohort"), _("Cohort"), view.breakdowns.get(Scope.COHORT, [])),
                (_("By district"), _("District"), view.breakdowns.get(Scope.DISTRICT, [])),
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


# --- Budget (budget officers) ----------------------------------------------------------


@budget_required
@require_GET
def budget_overview(request):
    today = timezone.localdate()
    lines = list(BudgetLine.objects.select_related("committee").order_by("code"))
    allocations = list(
        Allocation.objects.select_related("activity__line").order_by(
            "activity__line__code", "activity_id", "year"
        )
    )
    activities = list(Activity.objects.select_related("line").order_by("line__code", "id"))
    latest = dashboard.latest_date()
    outcomes = {}
    if latest is not None:
        outcomes = dict(
            TargetSnapshot.objects.filter(
                date=latest, scope=Scope.OVERALL, code__in=("T1", "T2")
            ).values_list("code", "numerator")
        )
    status = services.budget_status(today, outcomes=outcomes)
    return render(
        request,
        "budget/budget_overview.html",
        {
            "nav_active": "targets",
            "lines": lines,
            "activities": activities,
            "allocations": allocations,
            "status": status,
            "today": today,
            "outcomes_on": latest,
        },
    )


@budget_required
@require_http_methods(["GET", "POST"])
def allocation_create(request):
    form = AllocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.allocation_create(
            actor=request.user,
            activity=form.cleaned_data["activity"],
            year=form.cleaned_data["year"],
            amount_thousands=form.cleaned_data["amount_thousands"],
            price_level=form.cleaned_data["price_level"],
        )
        messages.success(request, _("The allocation has been added."))
        return redirect("budget:overview")
    return render(
        request,
        "budget/allocation_form.html",
        {"nav_active": "targets", "form": form, "title": _("Add a year's allocation")},
    )


@budget_required
@require_http_methods(["GET", "POST"])
def allocation_edit(request, pk: int):
    allocation = get_object_or_404(Allocation.objects.select_related("activity__line"), pk=pk)
    form = AllocationForm(request.POST or None, instance=allocation, editing=True)
    if request.method == "POST" and form.is_valid():
        services.allocation_update(
            actor=request.user,
            allocation=allocation,
            amount_thousands=form.cleaned_data["amount_thousands"],
            price_level=form.cleaned_data["price_level"],
        )
        messages.success(request, _("The allocation has been changed."))
        return redirect("budget:overview")
    return render(
        request,
        "budget/allocation_form.html",
        {
            "nav_active": "targets",
            "form": form,
            "allocation": allocation,
            "title": _("Change allocation"),
        },
    )


@budget_required
@require_GET
def expenditure_list(request):
    form = ExpenditureFilterForm(request.GET or None)
    expenditures = Expenditure.objects.select_related("line", "activity", "family").order_by(
        "-date", "-id"
    )
    if form.is_valid():
        if form.cleaned_data.get("line"):
            expenditures = expenditures.filter(line=form.cleaned_data["line"])
        if form.cleaned_data.get("year"):
            year = form.cleaned_data["year"]
            expenditures = expenditures.filter(
                date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31)
            )
        if form.cleaned_data.get("category"):
            expenditures = expenditures.filter(category=form.cleaned_data["category"])
    total = expenditures.aggregate(total=Sum("amount"))["total"]
    page = Paginator(expenditures, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "budget/expenditure_list.html",
        {
            "nav_active": "targets",
            "form": form,
            "page": page,
            "total": total,
            "filtered": bool(query),
        },
    )


def _expenditure_fields(form) -> dict:
    data = form.cleaned_data
    return {
        "date": data["date"],
        "amount": data["amount"],
        "line": data["line"],
        "activity": data["activity"],
        "category": data["category"],
        "family": data["case_number"],
        "note": data["note"],
    }


@budget_required
@require_http_methods(["GET", "POST"])
def expenditure_create(request):
    form = ExpenditureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.expenditure_create(actor=request.user, **_expenditure_fields(form))
        except services.ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The expenditure has been registered."))
            return redirect("budget:expenditures")
    return render(
        request,
        "budget/expenditure_form.html",
        {"nav_active": "targets", "form": form, "title": _("Register expenditure")},
    )


@budget_required
@require_http_methods(["GET", "POST"])
def expenditure_edit(request, pk: int):
    expenditure = get_object_or_404(Expenditure.objects.select_related("family"), pk=pk)
    form = ExpenditureForm(request.POST or None, instance=expenditure)
    if request.method == "POST" and form.is_valid():
        try:
            services.expenditure_update(
                actor=request.user,
                expenditure=Expenditure.objects.get(pk=pk),
                **_expenditure_fields(form),
            )
        except services.ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The expenditure has been changed."))
            return redirect("budget:expenditures")
    return render(
        request,
        "budget/expenditure_form.html",
        {
            "nav_active": "targets",
            "form": form,
            "expenditure": expenditure,
            "title": _("Change expenditure"),
        },
    )


@budget_required
@require_http_methods(["GET", "POST"])
def expenditure_delete(request, pk: int):
    expenditure = get_object_or_404(
        Expenditure.objects.select_related("line", "activity", "family"), pk=pk
    )
    if request.method == "POST":
        services.expenditure_delete(actor=request.user, expenditure=expenditure)
        messages.success(request, _("The expenditure has been deleted."))
        return redirect("budget:expenditures")
    return render(
        request,
        "budget/expenditure_confirm_delete.html",
        {"nav_active": "targets", "expenditure": expenditure},
    )


@budget_required
@require_http_methods(["GET", "POST"])
def expenditure_import(request):
    form = ExpenditureUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            kept = upload_create(actor=request.user, filename=upload.name, data=upload.read())
        except ImportFileError as e:
            form.add_error("file", e.message)
        else:
            return redirect("budget:import_preview", pk=kept.pk)
    return render(request, "budget/import_upload.html", {"nav_active": "targets", "form": form})


@budget_required
@require_http_methods(["GET", "POST"])
def import_preview(request, pk: int):
    upload = get_object_or_404(ExpenditureImport, pk=pk, created_by=request.user)
    if request.method == "POST":
        if request.POST.get("action") == "discard":
            ExpenditureImport.objects.filter(
                pk=upload.pk, status=ExpenditureImport.Status.PREVIEWED
            ).update(status=ExpenditureImport.Status.DISCARDED, data=b"")
            messages.info(request, _("The file was discarded; nothing was imported."))
            return redirect("budget:import")
        try:
            report = upload_commit(actor=request.user, upload=upload)
        except ImportFileError as e:
            messages.error(request, e.message)
            return redirect("budget:import_preview", pk=upload.pk)
        messages.success(
            request,
            _("%(n)s expenditure(s) imported.") % {"n": report.created},
        )
        return redirect("budget:import_preview", pk=upload.pk)
    report = upload.report
    return render(
        request,
        "budget/import_preview.html",
        {
            "nav_active": "targets",
            "upload": upload,
            "report": report,
            "rejected_rows": len({r["row"] for r in report.get("rejected", [])}),
            "list_url": reverse("budget:expenditures"),
        },
    )
