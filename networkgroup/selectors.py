"""Reads for the plan and the meetings, each in a fixed number of queries.

Callers pass a family they already got through families.access (the one access rule).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, Window
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bi18.lib.prepared import fixed_instances, fixed_values, store_prefetched
from families.scope import Scope, scope_for
from networkgroup import access
from networkgroup.models import (
    OPEN_STATUSES,
    Action,
    ActionStatus,
    Goal,
    Meeting,
    Plan,
    PlanArea,
    PlanChange,
    PlanEvent,
)
from networkgroup.rules import next_review_date

AGENDA_CHANGES_SHOWN = 20


def plan_for_family(*, family) -> Plan:
    """The family's plan. A pure read: the plan is created with the family
    (services.plans_create), so Plan.DoesNotExist means a family without one."""
    found = fixed_instances("networkgroup.plan", _plan, {"family": family.pk})
    if not found:
        raise Plan.DoesNotExist
    return found[0]


def _plan(v):
    return Plan.objects.filter(family_id=v["family"])


def plan_goals(plan, user) -> list[Goal]:
    """The goals `user` may see, with their actions: two queries whatever the size of the
    plan, built once per process (bi18.lib.prepared). (A goal's actions are about the
    goal's person, so they share its visibility.)"""
    if not access.PLAN.may_view(user):
        return []
    values = {"plan": plan.pk, **scope_for(user).within(plan.family_id).as_values()}
    goals = fixed_instances("networkgroup.plan_goals", _goals, values)
    actions = (
        fixed_instances(
            "networkgroup.goal_actions", _goal_actions, {"goals": [g.pk for g in goals]}
        )
        if goals
        else []
    )
    store_prefetched(goals, "actions", actions, by="goal_id")
    return goals


def _goals(v):
    visible = access.PLAN.scope_q(Scope.given(v), person="person", family="plan__family_id")
    return (
        Goal.objects.filter(visible, plan_id=v["plan"])
        .select_related("person")
        .order_by("person__role", "person_id", "area", "id")
    )


def _goal_actions(v):
    return (
        Action.objects.filter(goal_id__in=v["goals"])
        .select_related("responsible")
        .order_by("deadline", "id")
    )


def next_meeting(family, now: datetime.datetime | None = None) -> Meeting | None:
    values = {"family": family.pk, "now": now or timezone.now()}
    found = fixed_instances("networkgroup.next_meeting", _next_meeting, values)
    return found[0] if found else None


def _next_meeting(v):
    return Meeting.objects.filter(family_id=v["family"], starts_at__gte=v["now"]).order_by(
        "starts_at"
    )[:1]


@dataclass
class AgendaProposal:
    starts_at: datetime.datetime
    until: datetime.date | None
    overdue: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    changes_total: int = 0
    since: datetime.datetime | None = None
    review_due: datetime.date | None = None

    def as_text(self) -> str:
        """A plain-text agenda the group can then edit."""
        lines = [_("1. Welcome and who is here")]
        n = 2
        if self.overdue:
            lines.append(f"{n}. " + _("Overdue actions"))
            lines += [f"   - {a.what} ({a.deadline:%d.%m.%Y})" for a in self.overdue]
            n += 1
        if self.due_soon:
            lines.append(f"{n}. " + _("Actions due before the next meeting"))
            lines += [f"   - {a.what} ({a.deadline:%d.%m.%Y})" for a in self.due_soon]
            n += 1
        if self.changes_total:
            lines.append(
                f"{n}. "
                + _("Changes to the plan since the last meeting (%(count)s)")
                % {"count": self.changes_total}
            )
            n += 1
        if self.review_due:
            lines.append(
                f"{n}. "
                + _("Review of the plan (due %(date)s)") % {"date": f"{self.review_due:%d.%m.%Y}"}
            )
            n += 1
        lines.append(f"{n}. " + _("Decisions and next meeting"))
        return "\n".join(lines)


def agenda_proposal(
    *,
    family,
    user,
    starts_at: datetime.datetime,
    until: datetime.date | None = None,
    plan=None,
    goals: list[Goal] | None = None,
) -> AgendaProposal:
    """What the plan puts on a meeting's agenda (SPEC §4): open actions overdue on
    the meeting day, open actions due before the next meeting (`until`; if unknown,
    one review interval after the meeting), and the plan's history since the previous meeting
    – of what `user` may see. A fixed number of queries whatever the size of the plan: with
    the plan and `plan_goals(plan, user)` in hand (the meeting page), the previous meeting,
    the history rows shown with their count, and their changes."""
    if plan is None:
        plan = Plan.objects.filter(family=family).first()
    day = timezone.localtime(starts_at).date()
    proposal = AgendaProposal(starts_at=starts_at, until=until)
    if plan is None:
        return proposal
    if until is None:
        # No next meeting set yet: look one review interval ahead.
        until = next_review_date(day)
    proposal.until = until
    if goals is None:
        goals = plan_goals(plan, user)
    open_actions = sorted(
        (
            a
            for g in goals
            for a in g.actions.all()
            if a.status in OPEN_STATUSES
            and a.deadline is not None
            and a.deadline <= max(until, day)
        ),
        key=lambda a: (a.deadline, a.pk),
    )
    proposal.overdue = [a for a in open_actions if a.deadline and a.deadline < day]
    proposal.due_soon = [a for a in open_actions if a.deadline and day <= a.deadline <= until]
    values = {"family": family.pk, "starts_at": starts_at}
    found = fixed_values("networkgroup.previous_meeting", _previous_meeting, values)
    previous = found[0]["starts_at"] if found else None
    proposal.since = previous
    shown = []
    if access.PLAN.may_view(user):
        values = {"plan": plan.pk, **scope_for(user).within(plan.family_id).as_values()}
        # An earlier meeting shows what it had before it; today's and later ones
        # include what is being changed in the meeting itself.
        if day < timezone.localdate():
            values["until"] = starts_at
        if previous is not None:
            values["since"] = previous
        shown = fixed_history_events(
            ("networkgroup.agenda_changes", "until" in values, "since" in values),
            _agenda_changes,
            values,
        )
    proposal.changes_total = shown[0].total if shown else 0  # type: ignore[attr-defined]
    proposal.changes = shown
    if plan.review_date <= until:
        proposal.review_due = plan.review_date
    return proposal


def _previous_meeting(v):
    return (
        Meeting.objects.filter(family_id=v["family"], starts_at__lt=v["starts_at"])
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )


def _agenda_changes(v):
    """The history events since the previous meeting (`since`), up to the meeting (`until`),
    that the user may see: the rows shown and, in the same query, how many there are (a
    window over the whole filtered set, computed before the LIMIT)."""
    changes = access.events_given(PlanEvent.objects.filter(plan_id=v["plan"]), Scope.given(v))
    if "until" in v:
        changes = changes.filter(at__lte=v["until"])
    if "since" in v:
        changes = changes.filter(at__gt=v["since"])
    return changes.annotate(total=Window(Count("id")))[:AGENDA_CHANGES_SHOWN]


def history_events(events):
    """Events ready to be read as sentences: two queries for any number of them."""
    return events.select_related("actor", "goal__person", "action").prefetch_related(
        Prefetch("changes", queryset=PlanChange.objects.order_by("id"))
    )


def fixed_history_events(key, build, values) -> list[PlanEvent]:
    """history_events() of the events `build(values)`, both queries built once per process
    (bi18.lib.prepared.fixed_instances)."""
    events = fixed_instances(
        key, lambda v: build(v).select_related("actor", "goal__person", "action"), values
    )
    if events:
        changes = fixed_instances(
            "networkgroup.event_changes", _event_changes, {"events": [e.pk for e in events]}
        )
        store_prefetched(events, "changes", changes, by="event_id")
    return events


def _event_changes(v):
    return PlanChange.objects.filter(event_id__in=v["events"]).order_by("id")


def recent_events(plan, user, count: int = 8) -> list[PlanEvent]:
    """The plan's latest `count` history events that `user` may see (the plan page)."""
    if not access.PLAN.may_view(user):
        return []
    values = {"plan": plan.pk, **scope_for(user).within(plan.family_id).as_values()}
    return fixed_history_events(
        ("networkgroup.recent_events", count),
        lambda v: access.events_given(PlanEvent.objects.filter(plan_id=v["plan"]), Scope.given(v))[
            :count
        ],
        values,
    )


def plan_summary_counts(today) -> dict:
    """The family page's counts of a plan's actions (open, overdue, done), as aggregates
    over Action rows."""
    return {
        "open": Count("id", filter=Q(status__in=OPEN_STATUSES)),
        "overdue": Count("id", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
        "done": Count("id", filter=Q(status=ActionStatus.DONE)),
    }


AREA_LABELS = dict(PlanArea.choices)
STATUS_LABELS = dict(ActionStatus.choices)
FIELD_LABELS = {
    "person": gettext_lazy("for"),
    "area": gettext_lazy("area"),
    "text": gettext_lazy("goal"),
    "what": gettext_lazy("what"),
    "responsible": gettext_lazy("responsible"),
    "deadline": gettext_lazy("deadline"),
    "status": gettext_lazy("status"),
    "last_reviewed_on": gettext_lazy("last reviewed"),
    "review_date": gettext_lazy("next review"),
}
