"""Everything that writes the family plan: the plan itself, its goals and actions.

Goals and actions are saved with a conditional UPDATE on their version, so a stale save
is refused by the database write itself, not only by a form (SPEC §4: no edit silently
overwrites another). History and audit rows are written in the same transaction.
"""

import copy
import datetime
import enum
from typing import Any, Literal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.audit.services import audit_log
from bi18.lib.errors import ServiceError
from bi18.lib.prepared import fixed_instances
from bi18.lib.versioning import update_if_version
from families.models import Family, NetworkMember, Person
from networkgroup import access
from networkgroup.live.notify import ACTION, GOAL, live_changed
from networkgroup.models import Action, ActionStatus, Goal, Plan, PlanEvent, PlanEventVerb
from networkgroup.rules import next_review_date
from networkgroup.services.common import PlanConflict
from networkgroup.services.history import changed_fields, record_history


class _Keep(enum.Enum):
    KEEP = "keep"


# The default of an update's field: leave it as it is (an update names what it changes).
KEEP = _Keep.KEEP
Keep = Literal[_Keep.KEEP]


def _given(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not KEEP}


def _check_responsible(family: Family, user, person: Person | None = None) -> None:
    if user is None:
        return
    if not access.may_be_responsible(family, person).filter(user=user).exists():
        if NetworkMember.objects.filter(family=family, user=user).exists():
            raise ServiceError(
                _("The responsible person may not see whom this goal is about. Choose another.")
            )
        raise ServiceError(_("The responsible person must be a member of the network group."))


def _check_may_write(actor, family: Family, person: Person | None) -> None:
    """Writing follows seeing (SPEC §10): a goal or action about a person only by those who
    may see that person; one about the whole family by the group's members."""
    if not access.PLAN.may_edit_about(actor, person, family.pk):
        raise ServiceError(_("You may not write plan items about this person."))


def _check_person(family: Family, person: Person | None) -> None:
    if person is not None and person.family_id != family.pk:
        raise ServiceError(_("The goal must be for a member of this family."))


PLANS_BATCH = 5000


def plans_create(family_ids: list[int]) -> None:
    """Every new family's empty plan, its first review one interval from today: created
    with the family (families.registry.families_created), never by opening a page, so a
    GET writes nothing. A family that has its plan already keeps it; one query a batch."""
    review_date = next_review_date(timezone.localdate())
    for start in range(0, len(family_ids), PLANS_BATCH):
        Plan.objects.bulk_create(
            [
                Plan(family_id=family_id, review_date=review_date)
                for family_id in family_ids[start : start + PLANS_BATCH]
            ],
            ignore_conflicts=True,  # the plan of a family that has one (unique family)
        )


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
    record_history(
        plan_id=plan.pk,
        actor=actor,
        object_type="plan",
        verb=PlanEventVerb.REVIEWED,
        changes=changes,
    )
    audit_log(actor=actor, action="change", event="networkgroup.plan.reviewed", family=plan.family)
    plan.refresh_from_db()
    return plan


@transaction.atomic
def goal_create(*, actor, plan: Plan, area: str, text: str, person: Person | None = None) -> Goal:
    _check_person(plan.family, person)
    _check_may_write(actor, plan.family, person)
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
    record_history(
        plan_id=plan.pk,
        goal_id=goal.pk,
        actor=actor,
        object_type="goal",
        verb=PlanEventVerb.CREATED,
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
    live_changed(
        family_id=plan.family_id, kind=GOAL, pk=goal.pk, actor=actor, person=person, created=True
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
    announce,
):
    """The one save path of goals and actions: refuse a stale version (PlanConflict),
    write with a conditional UPDATE, and keep history and audit in the same transaction.

    `reload()` reads the item as saved, with its `updated_by` (what a conflict shows).
    The saved item returned is `current` with the written fields, not read again: the
    conditional UPDATE wrote them to the very row version `current` was read at (every
    save of a goal or an action bumps its version), and its row lock keeps that row as
    written until the commit."""
    if current.version != version:
        raise PlanConflict(reload())
    changes = changed_fields(current, data)
    if not changes:
        return current
    now = timezone.now()
    if not update_if_version(
        model, pk=current.pk, version=version, **data, updated_by=actor, updated_at=now
    ):
        # Someone saved between our read and our write.
        raise PlanConflict(reload())
    record_history(plan_id=current.plan_id, actor=actor, at=now, changes=changes, **history)
    audit_log(
        actor=actor,
        action="change",
        event=event,
        family=current.plan.family,
        detail={**detail, "fields": [c[0] for c in changes]},
    )
    saved = copy.copy(current)
    for name, value in data.items():
        setattr(saved, name, value)
    saved.updated_by, saved.updated_at, saved.version = actor, now, version + 1
    announce(saved)
    return saved


# What a goal's save reads besides the goal: its family's id and case number (the audit
# row) and of its person what the access check, the history and the goal's header show.
_GOAL_READ = (
    *(f.name for f in Goal._meta.concrete_fields),
    "plan__family__case_number",
    *(f"person__{name}" for name in ("family_id", "role", "first_name", "last_name")),
)


def _goal_for_update_query(values):
    return (
        Goal.objects.select_related("plan__family", "person")
        .only(*_GOAL_READ)
        .filter(pk=values["pk"])
    )


def goal_for_update(pk: int) -> Goal:
    """The goal with its plan's family and its person, as a save reads them (Goal.DoesNotExist
    if it is gone): built by the ORM once per process and run prepared (fixed_instances)
    instead of built on every save; tests/networkgroup/test_plan.py compares the two."""
    found = fixed_instances("networkgroup.goal_for_update", _goal_for_update_query, {"pk": pk})
    if not found:
        raise Goal.DoesNotExist(f"Goal {pk} does not exist.")
    return found[0]


@transaction.atomic
def goal_update(
    *,
    actor,
    goal: Goal,
    version: int,
    person: Person | None | Keep = KEEP,
    area: str | Keep = KEEP,
    text: str | Keep = KEEP,
) -> Goal:
    """Save the given fields of a goal (the others are kept) if nobody saved it since
    `version`, else PlanConflict. Retrying with the current version is the user's
    decision (they have seen the other version), never automatic.
    """
    data = _given(person=person, area=area, text=text)
    current = goal_for_update(goal.pk)
    _check_person(current.plan.family, data.get("person"))
    _check_may_write(actor, current.plan.family, current.person)
    moved = "person" in data and data["person"] != current.person
    if "person" in data:
        _check_may_write(actor, current.plan.family, data["person"])
    saved = _versioned_change(
        Goal,
        current,
        actor=actor,
        data=data,
        version=version,
        reload=lambda: Goal.objects.select_related("person", "updated_by").get(pk=goal.pk),
        history={"goal_id": goal.pk, "object_type": "goal"},
        event="networkgroup.goal.changed",
        detail={"goal_id": goal.pk},
        announce=lambda saved: _announce_goal(actor, current, saved),
    )
    if moved:
        # The goal's earlier events name whom it was for: now for full members only.
        PlanEvent.objects.filter(goal=goal, changes__field="person").update(
            names_former_person=True
        )
    return saved


def _announce_goal(actor, before: Goal, saved: Goal) -> None:
    people = [saved.person]
    if before.person_id != saved.person_id:
        # Those who saw the goal under its old person learn that it changed (their page
        # then finds it gone); ids only, nothing about the new person.
        people.append(before.person)
    for person in people:
        live_changed(
            family_id=before.plan.family_id, kind=GOAL, pk=saved.pk, actor=actor, person=person
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
    _check_may_write(actor, family, goal.person)
    _check_responsible(family, responsible, goal.person)
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
    record_history(
        plan_id=goal.plan_id,
        goal_id=goal.pk,
        action_id=action.pk,
        actor=actor,
        object_type="action",
        verb=PlanEventVerb.CREATED,
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
    live_changed(
        family_id=family.pk,
        kind=ACTION,
        pk=action.pk,
        actor=actor,
        person=goal.person,
        goal_id=goal.pk,
        created=True,
    )
    return action


@transaction.atomic
def action_update(
    *,
    actor,
    action: Action,
    version: int,
    what: str | Keep = KEEP,
    responsible: Any = KEEP,  # a user, None (nobody) or KEEP
    deadline: datetime.date | None | Keep = KEEP,
    status: str | Keep = KEEP,
) -> Action:
    """Save the given fields of an action (the others are kept) if nobody saved it since
    `version`, else PlanConflict carrying the saved version."""
    data = _given(what=what, responsible=responsible, deadline=deadline, status=status)
    current = Action.objects.select_related("plan__family", "goal__person", "responsible").get(
        pk=action.pk
    )
    _check_may_write(actor, current.plan.family, current.goal.person)
    if "responsible" in data:
        _check_responsible(current.plan.family, data["responsible"], current.goal.person)
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
        announce=lambda saved: live_changed(
            family_id=current.plan.family_id,
            kind=ACTION,
            pk=saved.pk,
            actor=actor,
            person=current.goal.person,
            goal_id=current.goal_id,
        ),
    )
