"""The plan's and the meetings' sections of the family page and their deadline kinds
in "Mit arbejde", registered with families.registry from NetworkgroupConfig.ready()."""

import datetime

from django.db.models import Count, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bi18.lib.prepared import fixed_instances, fixed_values
from families.access import scope_for
from families.models import Person
from families.scope import Scope
from families.worklist.registry import Deadline, pk_url
from networkgroup import access
from networkgroup.models import OPEN_STATUSES, Action, Meeting, Plan
from networkgroup.selectors import plan_summary_counts


def plan_panel(request, family, people) -> dict | None:
    """Members only (a mentor assigned to one person does not see the family plan). Two
    queries, built once per process (bi18.lib.prepared)."""
    if not access.PLAN.may_view_family(request.user, family.pk):
        return None
    values = {
        "family": family.pk,
        "today": timezone.localdate(),
        **scope_for(request.user).within(family.pk).as_values(),
    }
    found = fixed_instances("networkgroup.panel_plan", _panel_plan, values)
    if not found:
        return {"family": family, "plan": None, "goal_count": 0, "summary": {}}
    plan = found[0]
    counts = fixed_values("networkgroup.panel_actions", _panel_actions, {**values, "plan": plan.pk})
    return {
        "family": family,
        "plan": plan,
        "goal_count": plan.goal_count,
        # No row: no action that the user may see.
        "summary": counts[0] if counts else {"open": 0, "overdue": 0, "done": 0},
    }


def _panel_plan(v):
    """The family's plan with the number of goals the user may see."""
    goals = access.PLAN.scope_q(Scope.given(v), person="goals__person", family="family_id")
    return (
        Plan.objects.filter(family_id=v["family"])
        .annotate(goal_count=Count("goals", filter=goals))
        .order_by("pk")[:1]
    )


def _panel_actions(v):
    """The counts of the plan's actions that the user may see."""
    visible = access.PLAN.scope_q(Scope.given(v), person="goal__person", family="plan__family_id")
    return (
        Action.objects.filter(visible, plan_id=v["plan"])
        .order_by()
        .values("plan_id")
        .annotate(**plan_summary_counts(v["today"]))
        .values("open", "overdue", "done")
    )


def meetings_panel(request, family, people) -> dict | None:
    """The next and the last meeting the user may see: one query (two scalar sub-queries),
    built once per process (bi18.lib.prepared.fixed_values)."""
    if not access.MEETING.may_view_family(request.user, family.pk):
        return None
    now = timezone.now()
    values = {
        "family": family.pk,
        "now": now,
        "user": request.user.pk,
        **scope_for(request.user).within(family.pk).as_values(),
    }
    found = {
        m.starts_at >= now: m
        for m in fixed_instances("networkgroup.panel_meetings", _panel_meetings, values)
    }
    return {
        "family": family,
        "next": found.get(True),
        "last": found.get(False),
        "is_coordinator": access.is_coordinator(request.user, family)
        and access.sees_everyone(request.user, family),
    }


def _panel_meetings(v):
    meetings = Meeting.objects.filter(family_id=v["family"]).filter(
        access.meetings_q(Scope.given(v), v["user"])
    )
    next_id = meetings.filter(starts_at__gte=v["now"]).order_by("starts_at").values("pk")[:1]
    last_id = meetings.filter(starts_at__lt=v["now"]).order_by("-starts_at").values("pk")[:1]
    return Meeting.objects.filter(Q(pk=Subquery(next_id)) | Q(pk=Subquery(last_id)))


def collect_plan_actions(
    user, today: datetime.date, until: datetime.date, family_id: int | None = None
) -> list[Deadline]:
    """Open plan actions the user is responsible for, due by `until`, that they may still
    see (networkgroup.access: members only, about people they may see). One query, built
    once per process (bi18.lib.prepared.fixed_values)."""
    if not access.PLAN.may_view(user):
        return []
    values = {"user": user.pk, "until": until, **scope_for(user).as_values()}
    if family_id is not None:
        values["family"] = family_id
    rows = fixed_values(("networkgroup.plan_actions", family_id is not None), _actions, values)
    plan_url = pk_url("networkgroup:plan")
    label = _("Plan action")
    return [
        Deadline(
            kind="networkgroup.plan_action",
            label=label,
            due=deadline,
            url=f"{plan_url(family_id)}#action-{pk}",
            family_case_number=case_number,
            family_id=family_id,
            person_name=Person.name_of(first_name, last_name) if person_id else "",
            task=what[:120],
            extra={"person_id": person_id} if person_id else {},
        )
        for (
            pk,
            deadline,
            what,
            family_id,
            case_number,
            person_id,
            first_name,
            last_name,
        ) in (r.values() for r in rows)
    ]


def _actions(v):
    """The query of collect_plan_actions over its `v`alues."""
    actions = Action.objects.filter(
        responsible=v["user"], status__in=OPEN_STATUSES, deadline__lte=v["until"]
    )
    if "family" in v:
        actions = actions.filter(plan__family_id=v["family"])
    visible = access.PLAN.scope_q(Scope.given(v), person="goal__person", family="plan__family_id")
    return (
        actions.filter(visible)
        .order_by("deadline", "id")
        .values(
            "id",
            "deadline",
            "what",
            "plan__family_id",
            "plan__family__case_number",
            "goal__person_id",
            "goal__person__first_name",
            "goal__person__last_name",
        )
    )


def collect_plan_reviews(
    user, today: datetime.date, until: datetime.date, family_id: int | None = None
) -> list[Deadline]:
    """Plan reviews due for the families the user coordinates. One query, built once per
    process (bi18.lib.prepared.fixed_values)."""
    coordinated = scope_for(user).coordinated_families
    if family_id is not None:
        coordinated = coordinated & {family_id}
    values = {"until": until, "families": sorted(coordinated)}
    plans = [
        (r["review_date"], r["family_id"], r["family__case_number"])
        for r in fixed_values("networkgroup.plan_reviews", _plan_reviews, values)
    ]
    plan_url = pk_url("networkgroup:plan")
    label = _("Plan review")
    return [
        Deadline(
            kind="networkgroup.plan_review",
            label=label,
            due=review_date,
            url=plan_url(family_id),
            family_case_number=case_number,
            family_id=family_id,
        )
        for review_date, family_id, case_number in plans
    ]


def _plan_reviews(v):
    return (
        Plan.objects.filter(review_date__lte=v["until"], family_id__in=v["families"])
        .order_by("review_date", "id")
        .values("review_date", "family_id", "family__case_number")
    )


PLAN_ACTION_LABEL = gettext_lazy("Plan actions")
PLAN_REVIEW_LABEL = gettext_lazy("Plan reviews")
