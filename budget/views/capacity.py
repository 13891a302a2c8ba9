"""Capacity for managers: enrolled against planned, per cohort (counts, never a name)."""

from operator import attrgetter

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bi18.lib.sorting import sort_rows
from budget.capacity import capacity
from budget.views.common import dashboard_required

_COUNTS = ("families", "in_effort", "completed", "withdrawn", "parents", "young_people")


@dashboard_required
@require_GET
def capacity_view(request):
    figures = capacity()
    figures.rows, sorting = sort_rows(
        request,
        figures.rows,
        {
            # Families without a cohort last, as the calculation lists them.
            "cohort": lambda r: (r.cohort == "", r.cohort),
            **{name: attrgetter(name) for name in _COUNTS},
        },
        "cohort",
    )
    return render(
        request,
        "budget/capacity.html",
        {
            "nav_active": "targets",
            "capacity": figures,
            "sorting": sorting,
            "today": timezone.localdate(),
        },
    )
