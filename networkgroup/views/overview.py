""" "Møder": the meetings of all the user's network groups (SPEC §9 navigation)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from bi18.audit.services import audit_log
from bi18.lib.sorting import sort_order
from networkgroup import access
from networkgroup.models import Meeting

PAGE_SIZE = 25

SHOW_CHOICES = (
    ("upcoming", _("Upcoming")),
    ("past", _("Past")),
    ("unapproved", _("Minutes not approved")),
)


@login_required
@permission_required("accounts.access_case_data", raise_exception=True)
@require_GET
def my_meetings(request):
    show = request.GET.get("show", "upcoming")
    if show not in dict(SHOW_CHOICES):
        show = "upcoming"
    q = request.GET.get("q", "").strip()
    now = timezone.now()
    # The same rule as the meeting pages (networkgroup.access).
    meetings = access.meetings(request.user, Meeting.objects.all()).select_related("family")
    if show == "upcoming":
        meetings = meetings.filter(starts_at__gte=now)
    elif show == "past":
        meetings = meetings.filter(starts_at__lt=now)
    else:
        meetings = meetings.filter(starts_at__lt=now, minutes_approved_at__isnull=True)
    sorting = sort_order(
        request,
        {
            "starts_at": "starts_at",
            "family": ("family__case_number", "starts_at"),
            "place": ("place", "starts_at"),
        },
        # The next meeting first; of past ones, the latest.
        "starts_at" if show == "upcoming" else "-starts_at",
    )
    meetings = meetings.order_by(*sorting.ordering)
    if q:
        meetings = meetings.filter(family__case_number__icontains=q)
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    if page.object_list:
        audit_log(
            actor=request.user,
            action="view",
            event="networkgroup.meeting.overview_viewed",
            detail={"meeting_ids": [m.pk for m in page.object_list], "show": show},
        )
    return render(
        request,
        "networkgroup/my_meetings.html",
        {
            "page": page,
            "sorting": sorting,
            "show": show,
            "show_choices": SHOW_CHOICES,
            "q": q,
            "now": now,
            "nav_active": "meetings",
        },
    )
