from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from bi18.audit.services import audit_log
from families.access import get_family_for_user
from families.history.models import ChangeRecord
from families.models import Person

PAGE_SIZE = 25


@login_required
def family_history(request, pk):
    """What changed in the family's records: whole-family changes for network-group
    members, changes about a person for those who may see that person."""
    family = get_family_for_user(request.user, pk)
    people = Person.objects.visible_to(request.user).filter(family=family).values("pk")
    scope = Q(person__in=people)
    if family.members.filter(user=request.user).exists():
        scope |= Q(person__isnull=True)
    records = (
        ChangeRecord.objects.filter(scope, family=family)
        .select_related("actor", "person")
        .order_by("-at", "-id")
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_log(
        actor=request.user,
        action="view",
        event="families.family.viewed",
        family=family,
        detail={"page": "history"},
    )
    return render(
        request,
        "history/family_history.html",
        {"family": family, "page": page, "nav_active": "families"},
    )
