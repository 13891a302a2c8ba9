"""The plan's and the meetings' sections of the family page and their deadline kinds
in "Mit arbejde", registered with families.registry from NetworkgroupConfig.ready()."""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from families.registry import Deadline
from networkgroup.models import OPEN_STATUSES, Action, Meeting, Plan
from networkgroup.selectors import plan_summary


def _membership(request, family):
    """The user's membership of the family's group, asked once per request for both panels."""
    cache = request.__dict__.setdefault("_networkgroup_membership", {})
    if family.pk not in cache:
        cache[family.pk] = family.members.filter(user=request.user).values("is_coordinator").first()
    return cache[family.pk]


def plan_panel(request, family, people) -> dict | None:
    """Members only (a mentor assigned to one person does not see the family plan)."""
    if _membership(request, family) is None:
        return None
    plan = Plan.objects.filter(family=family).annotate(goal_count=Count("goals")).first()
    return {
        "family": family,
        "plan": plan,
        "goal_count": plan.goal_count if plan else 0,
        "summary": plan_summary(plan) if plan else {},
    }


def meetings_panel(request, family, people) -> dict | None:
    membership = _membership(request, family)
    if membership is None:
        return None
    now = timezone.now()
    meetings = Meeting.objects.filter(family=family)
    return {
        "family": family,
        "next": meetings.filter(starts_at__gte=now).order_by("starts_at").first(),
        "last": meetings.filter(starts_at__lt=now).order_by("-starts_at").first(),
        "is_coordinator": membership["is_coordinator"],
    }


def collect_plan_actions(user, today: datetime.date, until: datetime.date) -> list[Deadline]:
    """Open plan actions the user is responsible for, due by `until`, in families
    whose group they are still in. One query."""
    actions = (
        Action.objects.filter(
            responsible=user,
            status__in=OPEN_STATUSES,
            deadline__lte=until,
            plan__family__members__user=user,
        )
        .select_related("plan__family", "goal__person")
        .order_by("deadline", "id")
    )
    return [
        Deadline(
            kind="networkgroup.plan_action",
            label=_("Plan action"),
            due=a.deadline,
            url=reverse("networkgroup:plan", args=[a.plan.family_id]) + f"#action-{a.pk}",
            family_case_number=a.plan.family.case_number,
            person_name=a.goal.person.full_name if a.goal.person else "",
            detail=a.what[:120],
        )
        for a in actions
    ]


def collect_plan_reviews(user, today: datetime.date, until: datetime.date) -> list[Deadline]:
    """Plan reviews due for the families the user coordinates. One query."""
    plans = (
        Plan.objects.filter(
            review_date__lte=until,
            family__members__user=user,
            family__members__is_coordinator=True,
        )
        .select_related("family")
        .order_by("review_date", "id")
    )
    return [
        Deadline(
            kind="networkgroup.plan_review",
            label=_("Plan review"),
            due=p.review_date,
            url=reverse("networkgroup:plan", args=[p.family_id]),
            family_case_number=p.family.case_number,
        )
        for p in plans
    ]


PLAN_ACTION_LABEL = gettext_lazy("Plan actions")
PLAN_REVIEW_LABEL = gettext_lazy("Plan reviews")
