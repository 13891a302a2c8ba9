"""Everything that writes the family plan and the meetings.

Each service is atomic and writes its audit row — and, for the plan, its history
rows — in the same transaction as the change. Goals and actions are saved with a
conditional UPDATE on their version, so a stale save is refused by the database
write itself, not only by a form (SPEC §4: no edit silently overwrites another).
Memberships are written by families.services only.
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.audit.services import audit_log
from bi18.lib.errors import ConflictError, ServiceError
from bi18.rules import rule
from bi18.versioning import update_if_version
from families.models import Family, NetworkMember, Person, PersonRole
from networkgroup.models import (
    Action,
    ActionStatus,
    Decision,
    Goal,
    Meeting,
    MinutesAddendum,
    Plan,
    PlanChange,
)

__all__ = ["ConflictError", "PlanConflict", "ServiceError"]

ADULT_AGE = 18


class PlanConflict(ConflictError):
    """A stale save: `current` is the object as the other person saved it."""

    def __init__(self, current):
        super().__init__()
        self.current = current


# --- Rules -------------------------------------------------------------------------------


def next_review_date(last_review: datetime.date) -> datetime.date:
    return last_review + relativedelta(months=rule("plan_review_interval_months"))


def check_interpreter(person: Person | None, *, family: Family, on: datetime.date) -> None:
    """A child under 18 is never the interpreter (SPEC §4). A child whose age is
    unknown is treated as under 18."""
    if person is None:
        return
    if person.family_id != family.pk:
        raise ServiceError(_("The interpreter must be a member of this family."))
    if person.role == PersonRole.CHILD:
        age = person.age_on(on)
        if age is None or age < ADULT_AGE:
            raise ServiceError(_("A child under 18 may never interpret."))


def _check_responsible(family: Family, user) -> None:
    if user is not None and not NetworkMember.objects.filter(family=family, user=user).exists():
        raise ServiceError(_("The responsible person must be a member of the network group."))


def _check_person(family: Family, person: Person | None) -> None:
    if person is not None and person.family_id != family.pk:
        raise ServiceError(_("The goal must be for a member of this family."))


# --- History -----------------------------------------------------------------------------


def history_value(field: str, value) -> str:
    """How a value is kept in the history: raw codes for choices (translated when
    shown), names for people, ISO dates."""
    if value is None:
        return ""
    if field == "person":
        return value.full_name
    if field == "responsible":
        return value.get_full_name() or value.get_username()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _record(*, plan_id, actor, object_type, changes, goal_id=None, action_id=None, at=None):
    at = at or timezone.now()
    PlanChange.objects.bulk_create(
        PlanChange(
            plan_id=plan_id,
            goal_id=goal_id,
            action_id=action_id,
            actor=actor,
            at=at,
            object_type=object_type,
            field=field,
            before=history_value(field, before),
            after=history_value(field, after),
        )
        for field, before, after in changes
    )


def _diff(instance, data: dict) -> list[tuple[str, object, object]]:
    return [
        (name, getattr(instance, name), value)
        for name, value in data.items()
        if getattr(instance, name) != value
    ]


# --- Plan --------------------------------------------------------------------------------


@transaction.atomic
def plan_for_family(*, family: Family) -> Plan:
    """The family's plan, created empty (review due in 3 months) on first use."""
    plan, _created = Plan.objects.get_or_create(
        family=family, defaults={"review_date": next_review_date(timezone.localdate())}
    )
    return plan


@transaction.atomic
def plan_mark_reviewed(*, actor, plan: Plan, on: datetime.date | None = None) -> Plan:
    """The group reviewed the plan: the next review falls one interval later."""
    on = on or timezone.localdate()
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    changes = [
        ("last_reviewed_on", locked.last_reviewed_on, on),
        ("review_date", locked.review_date, next_review_date(on)),
    ]
    Plan.objects.filter(pk=plan.pk).update(
        last_reviewed_on=on,
        review_date=next_review_date(on),
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    _record(plan_id=plan.pk, actor=actor, object_type="plan", changes=changes)
    audit_log(actor=actor, action="change", event="networkgroup.plan.reviewed", family=plan.family)
    plan.refresh_from_db()
    return plan


@transaction.atomic
def goal_create(*, actor, plan: Plan, area: str, text: str, person: Person | None = None) -> Goal:
    _check_person(plan.family, person)
    now = timezone.now()
    goal = Goal.objects.create(
        plan=plan,
        person=person,
        area=area,
        text=text,
        created_by=actor,
        updated_by=actor,
        created_at=now,
        updated_at=now,
    )
    _record(
        plan_id=plan.pk,
        goal_id=goal.pk,
        actor=actor,
        object_type="goal",
        at=now,
        changes=[("person", None, person), ("area", None, area), ("text", None, text)],
    )
    audit_log(
        actor=actor,
        action="create",
        event="networkgroup.goal.created",
        family=plan.family,
        person=person,
        detail={"goal_id": goal.pk, "area": area},
    )
    return goal


def _versioned_change(
    model,
    current,
    *,
    actor,
    data: dict,
    version: int,
    reload,
    history: dict,
    event: str,
    detail: dict,
):
    """The one save path of goals and actions: refuse a stale version (PlanConflict),
    write with a conditional UPDATE, and keep history and audit in the same transaction."""
    if current.version != version:
        raise PlanConflict(current)
    changes = _diff(current, data)
    if not changes:
        return current
    now = timezone.now()
    if not update_if_version(
        model, pk=current.pk, version=version, **data, updated_by=actor, updated_at=now
    ):
        # Someone saved between our read and our write.
        raise PlanConflict(reload())
    _record(plan_id=current.plan_id, actor=actor, at=now, changes=changes, **history)
    audit_log(
        actor=actor,
        action="change",
        event=event,
        family=current.plan.family,
        detail={**detail, "fields": [c[0] for c in changes]},
    )
    return reload()


@transaction.atomic
def goal_update(*, actor, goal: Goal, data: dict, version: int) -> Goal:
    """Save a goal's fields if nobody saved it since `version`, else PlanConflict.

    `data` holds any of person, area, text. Retrying with the current version is
    the user's decision (they have seen the other version), never automatic.
    """
    current = Goal.objects.select_related("plan__family", "person", "updated_by").get(pk=goal.pk)
    _check_person(current.plan.family, data.get("person"))
    return _versioned_change(
        Goal,
        current,
        actor=actor,
        data=data,
        version=version,
        reload=lambda: Goal.objects.select_related("person", "updated_by").get(pk=goal.pk),
        history={"goal_id": goal.pk, "object_type": "goal"},
        event="networkgroup.goal.changed",
        detail={"goal_id": goal.pk},
    )


@transaction.atomic
def action_create(
    *,
    actor,
    goal: Goal,
    what: str,
    responsible=None,
    deadline: datetime.date | None = None,
    status: str = ActionStatus.PLANNED,
) -> Action:
    family = goal.plan.family
    _check_responsible(family, responsible)
    now = timezone.now()
    action = Action.objects.create(
        goal=goal,
        plan_id=goal.plan_id,
        what=what,
        responsible=responsible,
        deadline=deadline,
        status=status,
        created_by=actor,
        updated_by=actor,
        created_at=now,
        updated_at=now,
    )
    _record(
        plan_id=goal.plan_id,
        goal_id=goal.pk,
        action_id=action.pk,
        actor=actor,
        object_type="action",
        at=now,
        changes=[
            ("what", None, what),
            ("responsible", None, responsible),
            ("deadline", None, deadline),
            ("status", None, status),
        ],
    )
    audit_log(
        actor=actor,
        action="create",
        event="networkgroup.action.created",
        family=family,
        detail={"action_id": action.pk, "goal_id": goal.pk},
    )
    return action


@transaction.atomic
def action_update(*, actor, action: Action, data: dict, version: int) -> Action:
    """Save an action's fields (what, responsible, deadline, status) if nobody saved
    it since `version`, else PlanConflict carrying the saved version."""
    current = Action.objects.select_related("plan__family", "responsible", "updated_by").get(
        pk=action.pk
    )
    if "responsible" in data:
        _check_responsible(current.plan.family, data["responsible"])
    return _versioned_change(
        Action,
        current,
        actor=actor,
        data=data,
        version=version,
        reload=lambda: Action.objects.select_related("responsible", "updated_by").get(pk=action.pk),
        history={"goal_id": current.goal_id, "action_id": action.pk, "object_type": "action"},
        event="networkgroup.action.changed",
        detail={"action_id": action.pk},
    )


# --- Meetings ----------------------------------------------------------------------------


@dataclass
class MeetingData:
    starts_at: datetime.datetime
    place: str
    attending_members: list
    attending_people: list
    interpreter_booked: bool = False
    interpreter_language: str = ""
    interpreting_person: Person | None = None
    agenda: str = ""
    next_meeting_date: datetime.date | None = None


def _check_meeting(family: Family, data: MeetingData) -> None:
    check_interpreter(
        data.interpreting_person, family=family, on=timezone.localtime(data.starts_at).date()
    )
    if data.interpreter_booked and not data.interpreter_language.strip():
        raise ServiceError(_("Give the interpreter's language."))
    member_ids = set(NetworkMember.objects.filter(family=family).values_list("user_id", flat=True))
    if any(u.pk not in member_ids for u in data.attending_members):
        raise ServiceError(_("Only network-group members can attend as members."))
    if any(p.family_id != family.pk for p in data.attending_people):
        raise ServiceError(_("Only the family's own members can attend as family members."))
    if (
        data.next_meeting_date
        and data.next_meeting_date < timezone.localtime(data.starts_at).date()
    ):
        raise ServiceError(_("The next meeting must be after this one."))


_MEETING_FIELDS = (
    "starts_at",
    "place",
    "interpreter_booked",
    "interpreter_language",
    "interpreting_person",
    "agenda",
    "next_meeting_date",
)


@transaction.atomic
def meeting_create(*, actor, family: Family, data: MeetingData) -> Meeting:
    """Convene a meeting. An empty agenda is proposed from the plan."""
    _check_meeting(family, data)
    meeting = Meeting(family=family, created_by=actor)
    for name in _MEETING_FIELDS:
        setattr(meeting, name, getattr(data, name))
    if not meeting.agenda.strip():
        from networkgroup.selectors import agenda_proposal

        meeting.agenda = agenda_proposal(
            family=family, starts_at=data.starts_at, until=data.next_meeting_date
        ).as_text()
    meeting.save()
    meeting.attending_members.set(data.attending_members)
    meeting.attending_people.set(data.attending_people)
    audit_log(
        actor=actor,
        action="create",
        event="networkgroup.meeting.created",
        family=family,
        detail={"meeting_id": meeting.pk},
    )
    return meeting


def _refuse_if_locked(meeting_id: int, version: int) -> None:
    current = Meeting.objects.get(pk=meeting_id)
    if current.is_locked:
        raise ServiceError(_("The minutes are approved and locked. Add an addendum instead."))
    if current.version != version:
        raise PlanConflict(current)


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, data: MeetingData, version: int) -> Meeting:
    _check_meeting(meeting.family, data)
    _refuse_if_locked(meeting.pk, version)
    # The lock and the version are part of the write itself.
    updated = update_if_version(
        Meeting.objects.filter(minutes_approved_at__isnull=True),
        pk=meeting.pk,
        version=version,
        **{name: getattr(data, name) for name in _MEETING_FIELDS},
    )
    if not updated:
        _refuse_if_locked(meeting.pk, version)
        raise PlanConflict(Meeting.objects.get(pk=meeting.pk))
    meeting.refresh_from_db()
    meeting.attending_members.set(data.attending_members)
    meeting.attending_people.set(data.attending_people)
    audit_log(
        actor=actor,
        action="change",
        event="networkgroup.meeting.changed",
        family=meeting.family,
        detail={"meeting_id": meeting.pk},
    )
    return meeting


@transaction.atomic
def meeting_save_minutes(*, actor, meeting: Meeting, minutes: str, version: int) -> Meeting:
    """Save the minutes while they are open; refused once approved or when stale."""
    _refuse_if_locked(meeting.pk, version)
    updated = update_if_version(
        Meeting.objects.filter(minutes_approved_at__isnull=True),
        pk=meeting.pk,
        version=version,
        minutes=minutes,
    )
    if not updated:
        _refuse_if_locked(meeting.pk, version)
        raise PlanConflict(Meeting.objects.get(pk=meeting.pk))
    meeting.refresh_from_db()
    audit_log(
        actor=actor,
        action="change",
        event="networkgroup.meeting.minutes_changed",
        family=meeting.family,
        detail={"meeting_id": meeting.pk},
    )
    return meeting


@transaction.atomic
def meeting_approve_minutes(
    *, actor, meeting: Meeting, minutes: str | None = None, version: int | None = None
) -> Meeting:
    """The coordinator approves the minutes; from then on they are read-only.

    `minutes`/`version`: what the coordinator has on screen. If it differs from the
    saved minutes it is saved first (refused with PlanConflict if someone else saved
    since `version`), so that approving never drops text that was typed but not saved.
    """
    if not NetworkMember.objects.filter(
        family_id=meeting.family_id, user=actor, is_coordinator=True
    ).exists():
        raise ServiceError(_("Only the coordinator can approve the minutes."))
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.is_locked:
        raise ServiceError(_("The minutes are already approved."))
    if timezone.localtime(current.starts_at).date() > timezone.localdate():
        raise ServiceError(_("The minutes can be approved once the meeting has taken place."))
    if minutes is not None and minutes != current.minutes:
        if version != current.version:
            raise PlanConflict(current)
        current.minutes = minutes
    now = timezone.now()
    updated = Meeting.objects.filter(pk=meeting.pk, minutes_approved_at__isnull=True).update(
        minutes=current.minutes,
        minutes_approved_at=now,
        minutes_approved_by=actor,
        version=F("version") + 1,
        updated_at=now,
    )
    if not updated:
        raise ServiceError(_("The minutes are already approved."))
    meeting.refresh_from_db()
    audit_log(
        actor=actor,
        action="change",
        event="networkgroup.meeting.minutes_approved",
        family=meeting.family,
        detail={"meeting_id": meeting.pk},
    )
    return meeting


@transaction.atomic
def meeting_add_addendum(*, actor, meeting: Meeting, text: str) -> MinutesAddendum:
    """A change to approved minutes, kept beside them, never in them."""
    if not meeting.is_locked:
        raise ServiceError(_("The minutes are not approved yet: edit them directly."))
    if not text.strip():
        raise ServiceError(_("Write the addendum."))
    addendum = MinutesAddendum.objects.create(meeting=meeting, text=text, author=actor)
    audit_log(
        actor=actor,
        action="create",
        event="networkgroup.meeting.addendum_added",
        family=meeting.family,
        detail={"meeting_id": meeting.pk, "addendum_id": addendum.pk},
    )
    return addendum


@transaction.atomic
def decision_record(
    *,
    actor,
    meeting: Meeting,
    text: str,
    goal: Goal,
    responsible,
    deadline: datetime.date,
) -> Decision:
    """Record a decision and turn it into a plan action with owner and deadline, in
    one step. Refused once the minutes are approved."""
    if Meeting.objects.filter(pk=meeting.pk, minutes_approved_at__isnull=False).exists():
        raise ServiceError(_("The minutes are approved and locked. Add an addendum instead."))
    if goal.plan.family_id != meeting.family_id:
        raise ServiceError(_("The goal must belong to this family's plan."))
    action = action_create(
        actor=actor, goal=goal, what=text, responsible=responsible, deadline=deadline
    )
    decision = Decision.objects.create(meeting=meeting, text=text, action=action, created_by=actor)
    audit_log(
        actor=actor,
        action="create",
        event="networkgroup.decision.recorded",
        family=meeting.family,
        detail={"meeting_id": meeting.pk, "decision_id": decision.pk, "action_id": action.pk},
    )
    return decision
