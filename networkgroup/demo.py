"""Demo plans and meetings (the data itself is Danish, as a Copenhagen group writes it) for `manage.py seed_demo` (registered in apps.py).

Bulk and deterministic for the given rng: chunks of families, a handful of
bulk_create calls per chunk, no query per family.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from families.models import NetworkMember, Person, PersonRole
from networkgroup.models import (
    Action,
    ActionStatus,
    Decision,
    Goal,
    Meeting,
    Plan,
    PlanArea,
    PlanChange,
)

CHUNK = 2000

_PARENT_GOALS = [
    (PlanArea.EMPLOYMENT, "I virksomhedspraktik inden for 6 måneder", "Find en praktikplads"),
    (PlanArea.LANGUAGE, "Dansk på niveau 2 inden årets udgang", "Tilmelding til danskundervisning"),
    (PlanArea.HEALTH, "Rygsmerter behandlet, så arbejde er muligt", "Bestil tid hos egen læge"),
]
_CHILD_GOALS = [
    (PlanArea.EDUCATION, "Gennemfører 9. klasse", "Lektiecafé to gange om ugen"),
    (PlanArea.CHILDREN_LEISURE, "En fritidsaktivitet hver uge", "Tilmelding til fodboldklubben"),
    (PlanArea.EDUCATION, "Starter på en ungdomsuddannelse", "Besøg hos UU-vejledningen"),
]
_FAMILY_GOALS = [
    (PlanArea.ECONOMY, "Et budget, familien kan holde", "Møde i gældsrådgivningen"),
    (PlanArea.HOUSING, "En større bolig", "Ansøgning hos boligkontoret"),
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


# Who in the group owns an action in an area (first role present wins; else the coordinator).
_OWNER_ROLES = {
    PlanArea.EMPLOYMENT: ("company_consultant", "employment_consultant"),
    PlanArea.LANGUAGE: ("employment_consultant",),
    PlanArea.EDUCATION: ("youth_guidance_counsellor",),
    PlanArea.CHILDREN_LEISURE: ("youth_guidance_counsellor",),
}


def seed_plans(*, rng, family_ids, users, today, **_kwargs) -> None:
    """Plans, goals, actions, history, a past meeting (approved minutes, one decision)
    and the next meeting, for every family with a network group. Owners are the
    family's own group members, so the demo log-ins see their actions in Mit arbejde."""
    for start in range(0, len(family_ids), CHUNK):
        with transaction.atomic():
            _seed_chunk(rng, family_ids[start : start + CHUNK], today)


def _seed_chunk(rng, family_ids, today) -> None:
    groups: dict[int, dict] = {}
    for fid, uid, role, coordinator in (
        NetworkMember.objects.filter(family_id__in=family_ids)
        .order_by("family_id", "-is_coordinator", "id")
        .values_list("family_id", "user_id", "group_role", "is_coordinator")
    ):
        group = groups.setdefault(fid, {"coordinator": uid, "roles": {}, "members": []})
        if coordinator:
            group["coordinator"] = uid
        group["roles"].setdefault(role, uid)
        group["members"].append(uid)
    people: dict[int, list[tuple[int, str]]] = {}
    for pid, fid, role in (
        Person.objects.filter(family_id__in=family_ids)
        .order_by("family_id", "id")
        .values_list("id", "family_id", "role")
    ):
        people.setdefault(fid, []).append((pid, role))
    existing = set(
        Plan.objects.filter(family_id__in=family_ids).values_list("family_id", flat=True)
    )
    family_ids = [f for f in family_ids if f not in existing and f in groups]
    now = timezone.now()
    plans = Plan.objects.bulk_create(
        Plan(
            family_id=fid,
            last_reviewed_on=today - datetime.timedelta(days=rng.randint(20, 90)),
            review_date=today + datetime.timedelta(days=rng.randint(-10, 80)),
        )
        for fid in family_ids
    )
    goals: list[Goal] = []
    for plan in plans:
        for person_id, role in people.get(plan.family_id, []):
            options = _PARENT_GOALS if role == PersonRole.PARENT else _CHILD_GOALS
            area, text, _first = options[rng.randrange(len(options))]
            goals.append(_goal(plan, person_id, area, text, groups[plan.family_id], now))
        area, text, _first = _FAMILY_GOALS[rng.randrange(len(_FAMILY_GOALS))]
        goals.append(_goal(plan, None, area, text, groups[plan.family_id], now))
    family_of_plan = {p.pk: p.family_id for p in plans}
    goals = Goal.objects.bulk_create(goals)
    first_action = {
        text: first
        for options in (_PARENT_GOALS, _CHILD_GOALS, _FAMILY_GOALS)
        for _a, text, first in options
    }
    actions: list[Action] = []
    for goal in goals:
        group = groups[family_of_plan[goal.plan_id]]
        responsible = next(
            (group["roles"][r] for r in _OWNER_ROLES.get(goal.area, ()) if r in group["roles"]),
            group["coordinator"],
        )
        for n in range(rng.randint(1, 2)):
            offset = rng.randint(-20, 60)
            status = (
                ActionStatus.DONE
                if offset < -10
                else rng.choice([ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])
            )
            actions.append(
                Action(
                    goal=goal,
                    plan_id=goal.plan_id,
                    what=first_action[goal.text] if n == 0 else "Opfølgning på næste møde",
                    responsible_id=responsible,
                    deadline=today + datetime.timedelta(days=offset),
                    status=status,
                    created_by_id=group["coordinator"],
                    updated_by_id=group["coordinator"],
                    created_at=now,
                    updated_at=now,
                )
            )
    actions = Action.objects.bulk_create(actions)
    PlanChange.objects.bulk_create(
        PlanChange(
            plan_id=a.plan_id,
            goal_id=a.goal_id,
            action_id=a.pk,
            actor_id=a.created_by_id,
            at=now,
            object_type="action",
            field="what",
            before="",
            after=a.what,
        )
        for a in actions
    )
    meetings: list[Meeting] = []
    for plan in plans:
        coordinator = groups[plan.family_id]["coordinator"]
        past = today - datetime.timedelta(days=rng.randint(20, 60))
        upcoming = today + datetime.timedelta(days=rng.randint(5, 40))
        meetings.append(
            Meeting(
                family_id=plan.family_id,
                starts_at=_at(past, 10),
                place="Borgerservice, Nørrebro",
                agenda="1. Velkomst\n2. Planen\n3. Beslutninger og næste møde",
                minutes="Familien og netværksgruppen gennemgik planen. Handlinger aftalt.",
                next_meeting_date=upcoming,
                minutes_approved_at=_at(past, 14),
                minutes_approved_by_id=coordinator,
                created_by_id=coordinator,
                created_at=now,
                updated_at=now,
            )
        )
        meetings.append(
            Meeting(
                family_id=plan.family_id,
                starts_at=_at(upcoming, 10),
                place="Borgerservice, Nørrebro",
                agenda="1. Velkomst\n2. Overskredne handlinger\n3. Beslutninger og næste møde",
                created_by_id=coordinator,
                created_at=now,
                updated_at=now,
            )
        )
    meetings = Meeting.objects.bulk_create(meetings)
    through = Meeting.attending_members.through
    through.objects.bulk_create(
        through(meeting_id=m.pk, user_id=uid)
        for m in meetings
        for uid in groups[m.family_id]["members"]
    )
    # The past meeting's decision is the first action of the family's plan.
    first_by_plan: dict[int, Action] = {}
    for a in actions:
        first_by_plan.setdefault(a.plan_id, a)
    plan_by_family = {p.family_id: p.pk for p in plans}
    Decision.objects.bulk_create(
        Decision(
            meeting_id=m.pk,
            text=first_by_plan[plan_by_family[m.family_id]].what,
            action=first_by_plan[plan_by_family[m.family_id]],
            created_by_id=m.created_by_id,
            created_at=m.starts_at,
        )
        for m in meetings
        if m.minutes_approved_at is not None and plan_by_family[m.family_id] in first_by_plan
    )


def _goal(plan, person_id, area, text, group, now) -> Goal:
    return Goal(
        plan=plan,
        person_id=person_id,
        area=area,
        text=text,
        created_by_id=group["coordinator"],
        updated_by_id=group["coordinator"],
        created_at=now,
        updated_at=now,
    )
