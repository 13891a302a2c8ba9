"""The budget officers' budget: lines, allocations per year and their consumption."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bi18.lib.prepared import fixed_instances, fixed_values
from bi18.lib.sorting import sort_order
from budget import dashboard, services
from budget.forms import AllocationForm
from budget.models import Activity, Allocation, BudgetLine, Scope, TargetSnapshot
from budget.views.common import budget_required

# The overview's reads are the same on every view: each built by the ORM once per process
# and run prepared (bi18.lib.prepared).


def _lines(v):
    return BudgetLine.objects.select_related("committee").order_by("code")


def _allocations(sorting):
    return Allocation.objects.select_related("activity__line").order_by(*sorting.ordering)


def _activities(v):
    return Activity.objects.select_related("line").order_by("line__code", "id")


def _outcomes(v):
    overall = TargetSnapshot.objects.filter(
        date=v["on"], scope=Scope.OVERALL, code__in=("T1", "T2")
    )
    return overall.values("code", "numerator")


@budget_required
@require_GET
def budget_overview(request):
    today = timezone.localdate()
    lines = fixed_instances("budget.lines", _lines, {})
    sorting = sort_order(
        request,
        {
            "line": ("activity__line__code", "activity_id", "year"),
            "activity": ("activity__name", "year"),
            "year": ("year", "activity__line__code", "activity_id"),
            "amount": "amount_thousands",
        },
        "line",
    )
    # The sort key shapes the query: one statement per key and direction.
    allocations = fixed_instances(
        ("budget.allocations", sorting.value), lambda v: _allocations(sorting), {}
    )
    activities = fixed_instances("budget.activities", _activities, {})
    latest = dashboard.latest_date()
    outcomes = {}
    if latest is not None:
        outcomes = {
            row["code"]: row["numerator"]
            for row in fixed_values("budget.outcomes", _outcomes, {"on": latest})
        }
    status = services.budget_status(today, outcomes=outcomes)
    return render(
        request,
        "budget/budget_overview.html",
        {
            "nav_active": "targets",
            "lines": lines,
            "activities": activities,
            "allocations": allocations,
            "sorting": sorting,
            "status": status,
            "shares": services.share_status(today),
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
            "title": _("Edit allocation"),
        },
    )
