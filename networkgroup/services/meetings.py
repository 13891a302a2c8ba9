"""Everything that writes the meetings: convening, minutes (locked once approved),
addenda, and decisions that become plan actions."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.audit.services import audit_log
from bi18.lib import textlimits
from bi18.lib.errors import ServiceError
from bi18.lib.versioning import update_if_version
from families.models import Family, NetworkMember, Person, PersonRole
from networkgroup import access
from networkgroup.live.notify import AGENDA, DECISION, MEETING, MINUTES, live_changed
from networkgroup.models import Decision, Goal, Meeting, MinutesAddendum
from networkgroup.selectors import agenda_proposal, plan_for_family
from networkgroup.services.common import PlanConflict
from networkgroup.services.plan import action_create, goal_create

ADULT_AGE = 18


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
        meeting.agenda = agenda_proposal(
            family=family, user=actor, starts_at=data.starts_at, until=data.next_meeting_date
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
    live_changed(
        family_id=meeting.family_id, kind=MEETING, pk=meeting.pk, actor=actor, meeting_id=meeting.pk
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
    live_changed(
        family_id=meeting.family_id, kind=MINUTES, pk=meeting.pk, actor=actor, meeting_id=meeting.pk
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
    if not current.has_taken_place:
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
    live_changed(
        family_id=meeting.family_id, kind=MINUTES, pk=meeting.pk, actor=actor, meeting_id=meeting.pk
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
    live_changed(
        family_id=meeting.family_id, kind=MINUTES, pk=meeting.pk, actor=actor, meeting_id=meeting.pk
    )
    return addendum


class DecisionKind:
    """What a decision does to the plan."""

    ACTION = "action"  # an action under an existing goal
    NEW_GOAL = "new_goal"  # a new goal of the plan (and an action if someone is responsible)
    ALONE = "alone"  # recorded with the meeting only


@transaction.atomic
def decision_record(
    *,
    actor,
    meeting: Meeting,
    text: str,
    kind: str = DecisionKind.ACTION,
    goal: Goal | None = None,
    person: Person | None = None,
    area: str = "",
    responsible=None,
    deadline: datetime.date | None = None,
) -> Decision:
    """Record a decision of `meeting`, in one step with what it does to the plan:
    * ACTION: an action under `goal` (responsible and deadline optional);
    * NEW_GOAL: a new goal (`area`, for `person` or the whole family) with the decision as
      its text, plus an action when a responsible person or a deadline is given;
    * ALONE: nothing in the plan; about `person` or the whole family.
    Refused once the minutes are approved. Writing follows seeing, as in the plan."""
    if Meeting.objects.filter(pk=meeting.pk, minutes_approved_at__isnull=False).exists():
        raise ServiceError(_("The minutes are approved and locked. Add an addendum instead."))
    family = meeting.family
    action = None
    if kind == DecisionKind.ACTION:
        if goal is None or goal.plan.family_id != meeting.family_id:
            raise ServiceError(_("The goal must belong to this family's plan."))
        person = goal.person
        action = action_create(
            actor=actor, goal=goal, what=text, responsible=responsible, deadline=deadline
        )
    elif kind == DecisionKind.NEW_GOAL:
        if person is not None and person.family_id != meeting.family_id:
            raise ServiceError(_("The goal must be for a member of this family."))
        goal = goal_create(
            actor=actor,
            plan=plan_for_family(family=family),
            area=area,
            text=text[: textlimits.PLAN_ITEM],
            person=person,
        )
        if responsible is not None or deadline is not None:
            action = action_create(
                actor=actor, goal=goal, what=text, responsible=responsible, deadline=deadline
            )
    elif kind == DecisionKind.ALONE:
        if person is not None and person.family_id != meeting.family_id:
            raise ServiceError(_("The decision must be about a member of this family."))
        if not access.MEETING.may_edit_about(actor, person, family.pk):
            raise ServiceError(_("You may not record decisions about this person."))
        goal = None
    else:
        raise ServiceError(_("Choose what the decision does."))
    decision = Decision.objects.create(
        meeting=meeting, text=text, action=action, person=person, created_by=actor
    )
    # For the page that shows the plan next to the meeting (not stored: the goal's own
    # history says where it came from).
    decision.new_goal = goal if kind == DecisionKind.NEW_GOAL else None  # type: ignore[attr-defined]
    audit_log(
        actor=actor,
        action="create",
        event="networkgroup.decision.recorded",
        family=family,
        person=person,
        detail={
            "meeting_id": meeting.pk,
            "decision_id": decision.pk,
            "kind": kind,
            "action_id": action.pk if action else None,
            "goal_id": goal.pk if goal else None,
        },
    )
    live_changed(
        family_id=meeting.family_id,
        kind=DECISION,
        pk=decision.pk,
        actor=actor,
        person=person,
        goal_id=goal.pk if goal else None,
        meeting_id=meeting.pk,
        created=True,
    )
    return decision


@transaction.atomic
def meeting_move_agenda(*, actor, meeting: Meeting, item: int | None) -> Meeting:
    """The coordinator moves the meeting to agenda item `item` (0-based; None: no item);
    every open meeting page follows. Not personal data (a position), so not audited."""
    if not NetworkMember.objects.filter(
        family_id=meeting.family_id, user=actor, is_coordinator=True
    ).exists():
        raise ServiceError(_("Only the coordinator moves the meeting through the agenda."))
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.is_locked:
        raise ServiceError(_("The minutes are approved and locked. Add an addendum instead."))
    if item is not None and not 0 <= item < len(current.agenda_items):
        raise ServiceError(_("The agenda has no such item."))
    Meeting.objects.filter(pk=meeting.pk).update(current_agenda_item=item)
    meeting.current_agenda_item = item
    live_changed(
        family_id=meeting.family_id,
        kind=AGENDA,
        pk=meeting.pk,
        actor=actor,
        meeting_id=meeting.pk,
        data={"current": item},
    )
    return meeting
