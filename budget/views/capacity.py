"""Capacity for managers: enrolled against planned, per cohort (counts, never a name)."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from budget.capacity import capacity
from budget.views.common import dashboard_required


@dashboard_required
@require_GET
def capacity_view(request):
    return render(
        request,
        "budget/capacity.html",
        {"nav_active": "targets", "capacity": capacity(), "today": timezone.localdate()},
    )
