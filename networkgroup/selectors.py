"""Reads for the plan and the meetings, each in a fixed number of queries.

Callers pass a family they already got through families.access (the one access rule).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, Window
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    return Plan.objects.get(family=family)


def plan_goals(plan, user) -> list[Goal]:
    """The goals `user` may see, with their actions: two queries whatever the size of the
    plan. (A goal's actions are about the goal's person, so they share its visibility.)"""
    actions = Action.objects.select_related("responsible").order_by("deadline", "id")
    return list(
        access.goals(user, Goal.objects.filter(plan=plan), family_id=plan.family_id)
        .select_related("person")
        .prefetch_related(Prefetch("actions", queryset=actions))
        .order_by("person__role", "person_id", "area", "id")
    )


def next_meeting(family, now: datetime.datetime | None = None) -> Meeting | None:
    now = now or timezone.now()
    return Meeting.objects.filter(family=family, starts_at__gte=now).order_by("starts_at").first()


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
    previous = (
        Meeting.objects.filter(family=family, starts_at__lt=starts_at)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    proposal.since = previous
    changes = access.events(user, PlanEvent.objects.filter(plan=plan), family_id=plan.family_id)
    if day < timezone.localdate():
        # An earlier meeting shows what it had before it; today's and later ones
        # include what is being changed in the meeting itself.
        changes = changes.filter(at__lte=starts_at)
    if previous is not None:
        changes = changes.filter(at__gt=previous)
    # The rows shown and how many there are in one query: the count is a window over the
    # whole filtered set, computed before the LIMIT.
    shown = list(history_events(changes.annotate(total=Window(Count("id"))))[:AGENDA_CHANGES_SHOWN])
    proposal.changes_total = shown[0].total if shown else 0
    proposal.changes = shown
    if plan.review_date <= until:
        proposal.review_due = plan.review_date
    return proposal


def history_events(events):
    """Events ready to be read as sentences: two queries for any number of them."""
    return events.select_related("actor", "goal__person", "action").prefetch_related(
        Prefetch("changes", queryset=PlanChange.objects.order_by("id"))
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
