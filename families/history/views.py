from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from bi18.audit.services import audit_log
from bi18.lib.sorting import name_order, sort_order
from families.access import get_family_for_user, policies, scope_for
from families.history.models import ChangeRecord
from families.models import Person

PAGE_SIZE = 25


def _apps_not_seen(user) -> Q:
    """Changes to the record kinds of an app whose policies this user's role may not see
    (a consultant sees no youth-track changes, a youth counsellor no employment changes)."""
    seen, unseen = set(), set()
    for p in policies():
        (seen if p.may_view(user) else unseen).add(p.key.split(".")[0])
    q = Q(pk__in=[])
    for app in sorted(unseen - seen):
        q |= Q(model__startswith=f"{app}.")
    return q


@login_required
def family_history(request, pk):
    """What changed in the family's records: whole-family changes for network-group
    members, changes about a person for those who may see that person."""
    family = get_family_for_user(request.user, pk)
    people = Person.objects.visible_to(request.user).filter(family=family).values("pk")
    scope = Q(person__in=people)
    if scope_for(request.user).is_member(family.pk):
        scope |= Q(person__isnull=True)
    records = (
        ChangeRecord.objects.filter(scope, family=family)
        .exclude(_apps_not_seen(request.user))
        .select_related("actor", "person")
    )
    sorting = sort_order(request, {"at": "at", "actor": name_order("actor__")}, "-at")
    records = records.order_by(*sorting.ordering)
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
        {"family": family, "page": page, "sorting": sorting, "nav_active": "families"},
    )
