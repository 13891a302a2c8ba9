"""The floor: the least a Django page of this application can cost.

25 rows of a 100,000-row table, chosen by an indexed key (a keyset page, so the cost does
not depend on where it starts), rendered through a template, through the whole middleware
stack, without log-in. Every page's figures are read as a ratio to this one's."""

import random

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from bench.floor.models import FloorRow

TABLE_ROWS = 100_000
PAGE_ROWS = 25


def floor_page(request):
    if not getattr(settings, "BENCH_FLOOR", False):
        raise Http404
    start = random.randrange(TABLE_ROWS - PAGE_ROWS)  # noqa: S311 - not security
    rows = list(FloorRow.objects.filter(pk__gt=start).order_by("pk")[:PAGE_ROWS])
    return render(request, "floor/floor.html", {"rows": rows})


@login_required
def logged_in_page(request):
    """A reference beside the floor, not a target: what every page of the application pays
    before it shows anything — session, user and roles, the whole middleware stack (time-out,
    second factor, audit context) and the base template with its navigation — with no content
    of its own. A page's cost above this one is its own work."""
    if not getattr(settings, "BENCH_FLOOR", False):
        raise Http404
    return render(request, "floor/logged_in.html")
