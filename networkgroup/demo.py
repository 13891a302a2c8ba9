"""Demo plans and meetings for `manage.py seed_demo` (registered in apps.py); the data
itself is Danish, as a Copenhagen network group writes it.

Bulk and deterministic for the given rng: chunks of families, plain tuples inserted with
bi18.lib.bulk (COPY on PostgreSQL), no query per family; Django's per-object cost in
bulk_create dominated the seeding at 50,000 families, not the database.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from bi18.lib import bulk
from bi18.lib.bulk import insert_rows
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
    PlanEvent,
    PlanEventVerb,
)

CHUNK = 2000
INSERT_BATCH = 5000

_PARENT_GOALS = [
    (PlanArea.EMPLOYMENT, "I virksomhedspraktik inden for 6 måneder", "Find en praktikplads"),
    (PlanArea.LANGUAGE, "Dansk på niveau 2 inden årets udgang", "Tilmelding til danskundervisning"),
    (PlanArea.HEALTH, "Rygsmerter behandlet, så arbejde er muligt", "Bestil tid hos egen læge"),
]
# Children's goals by age: (lowest age, highest age, goals).
_CHILD_GOALS_BY_AGE = [
    (
        0,
        5,
        [
            (PlanArea.CHILDREN_LEISURE, "Plads i dagtilbud", "Ansøgning om plads i dagtilbud"),
            (
                PlanArea.LANGUAGE,
                "Sprogstimulering i dagtilbuddet",
                "Sprogvurdering hos sundhedsplejen",
            ),
        ],
    ),
    (
        6,
        12,
        [
            (
                PlanArea.CHILDREN_LEISURE,
                "En fritidsaktivitet hver uge",
                "Tilmelding til fodboldklubben",
            ),
            (
                PlanArea.EDUCATION,
                "Trives og lærer i skolen",
                "Skole-hjem-samtale med klasselæreren",
            ),
        ],
    ),
    (
        13,
        16,
        [
            (PlanArea.EDUCATION, "Gennemfører 9. klasse", "Lektiecafé to gange om ugen"),
            (
                PlanArea.CHILDREN_LEISURE,
                "En fritidsaktivitet hver uge",
                "Tilmelding til fodboldklubben",
            ),
        ],
    ),
    (
        17,
        200,
        [
            (PlanArea.EDUCATION, "Starter på en ungdomsuddannelse", "Besøg hos UU-vejledningen"),
            (
                PlanArea.EMPLOYMENT,
                "Et fritidsjob ved siden af skolen",
                "Jobsøgning med fritidsjobvejleder",
            ),
        ],
    ),
]
_CHILD_GOALS = [g for _low, _high, goals in _CHILD_GOALS_BY_AGE for g in goals]


def _child_goals(date_of_birth, today):
    age = (today - date_of_birth).days // 365 if date_of_birth else 10
    return next(goals for low, high, goals in _CHILD_GOALS_BY_AGE if low <= age <= high)


_FAMILY_GOALS = [
    (PlanArea.ECONOMY, "Et budget, familien kan holde", "Møde i gældsrådgivningen"),
    (PlanArea.HOUSING, "En større bolig", "Ansøgning hos boligkontoret"),
]


_PLACE = "Borgerservice, Nørrebro"
_PAST_AGENDA = "1. Velkomst\n2. Planen\n3. Beslutninger og næste møde"
_NEXT_AGENDA = "1. Velkomst\n2. Overskredne handlinger\n3. Beslutninger og næste møde"
_MINUTES = "Familien og netværksgruppen gennemgik planen. Handlinger aftalt."


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
    people: dict[int, list[tuple[int, str, datetime.date | None]]] = {}
    for pid, fid, role, born in (
        Person.objects.filter(family_id__in=family_ids)
        .order_by("family_id", "id")
        .values_list("id", "family_id", "role", "date_of_birth")
    ):
        people.setdefault(fid, []).append((pid, role, born))
    existing = set(
        Plan.objects.filter(family_id__in=family_ids).values_list("family_id", flat=True)
    )
    family_ids = [f for f in family_ids if f not in existing and f in groups]
    if not family_ids:
        return
    at = timezone.now()
    plans = bulk.create(
        [
            Plan(
                family_id=fid,
                last_reviewed_on=today - datetime.timedelta(days=rng.randint(20, 90)),
                review_date=today + datetime.timedelta(days=rng.randint(-10, 80)),
            )
            for fid in family_ids
        ]
    )
    family_of_plan = {p.pk: p.family_id for p in plans}

    # Goals: (plan_id, person_id, area, text, coordinator), one per person and one for all.
    goals: list[tuple] = []
    for plan in plans:
        coordinator = groups[plan.family_id]["coordinator"]
        for person_id, role, born in people.get(plan.family_id, []):
            options = _PARENT_GOALS if role == PersonRole.PARENT else _child_goals(born, today)
            area, text, _first = options[rng.randrange(len(options))]
            goals.append((plan.pk, person_id, area, text, coordinator))
        area, text, _first = _FAMILY_GOALS[rng.randrange(len(_FAMILY_GOALS))]
        goals.append((plan.pk, None, area, text, coordinator))
    goal_ids = insert_rows(
        Goal,
        ["plan", "person", "area", "text", "version"]
        + ["created_by", "updated_by", "created_at", "updated_at"],
        [(p, person, a, t, 1, c, c, at, at) for p, person, a, t, c in goals],
        ids=True,
    )
    first_action = {
        text: first
        for options in (_PARENT_GOALS, _CHILD_GOALS, _FAMILY_GOALS)
        for _a, text, first in options
    }

    # Actions: (goal_id, plan_id, what, responsible_id, deadline, status, coordinator)
    actions: list[tuple] = []
    for goal_id, (plan_id, _person, area, text, coordinator) in zip(goal_ids, goals, strict=True):
        group = groups[family_of_plan[plan_id]]
        responsible = next(
            (group["roles"][r] for r in _OWNER_ROLES.get(area, ()) if r in group["roles"]),
            coordinator,
        )
        for n in range(rng.randint(1, 2)):
            offset = rng.randint(-20, 60)
            status = (
                ActionStatus.DONE
                if offset < -10
                else rng.choice([ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])
            )
            what = first_action[text] if n == 0 else "Opfølgning på næste møde"
            deadline = today + datetime.timedelta(days=offset)
            actions.append((goal_id, plan_id, what, responsible, deadline, status, coordinator))
    action_ids = insert_rows(
        Action,
        ["goal", "plan", "what", "responsible", "deadline", "status", "version"]
        + ["created_by", "updated_by", "created_at", "updated_at"],
        [(g, p, w, r, d, st, 1, c, c, at, at) for g, p, w, r, d, st, c in actions],
        ids=True,
    )
    # History: each action's creation, one event with its "what" and deadline.
    event_ids = insert_rows(
        PlanEvent,
        ["plan", "goal", "action", "actor", "at", "object_type", "verb", "names_former_person"],
        [
            (p, g, action_id, c, at, "action", PlanEventVerb.CREATED, False)
            for action_id, (g, p, _w, _r, _d, _st, c) in zip(action_ids, actions, strict=True)
        ],
        ids=True,
    )
    fields = ["event", "plan", "goal", "action", "actor", "at", "object_type", "field"]
    insert_rows(
        PlanChange,
        [*fields, "before", "after"],
        [
            (e, p, g, action_id, c, at, "action", field, "", value)
            for e, action_id, (g, p, w, _r, d, _st, c) in zip(
                event_ids, action_ids, actions, strict=True
            )
            for field, value in (("what", w), ("deadline", d.isoformat()))
        ],
    )

    # Meetings: (family_id, starts_at, agenda, minutes, next date, approved at, by, coordinator)
    meetings: list[tuple] = []
    for plan in plans:
        coordinator = groups[plan.family_id]["coordinator"]
        past = today - datetime.timedelta(days=rng.randint(20, 60))
        upcoming = today + datetime.timedelta(days=rng.randint(5, 40))
        meetings.append(
            (plan.family_id, _at(past, 10), _PAST_AGENDA, _MINUTES, upcoming)
            + (_at(past, 14), coordinator, coordinator)
        )
        meetings.append(
            (plan.family_id, _at(upcoming, 10), _NEXT_AGENDA, "", None, None, None, coordinator)
        )
    meeting_ids = insert_rows(
        Meeting,
        ["family", "starts_at", "place", "interpreter_booked", "interpreter_language", "agenda"]
        + ["minutes", "next_meeting_date", "minutes_approved_at", "minutes_approved_by"]
        + ["version", "created_by", "created_at", "updated_at"],
        [
            (f, st, _PLACE, False, "", ag, mi, nx, ap, by) + (1, c, at, at)
            for f, st, ag, mi, nx, ap, by, c in meetings
        ],
        ids=True,
    )
    insert_rows(
        Meeting.attending_members.through,
        ["meeting", "user"],
        [
            (meeting_id, uid)
            for meeting_id, m in zip(meeting_ids, meetings, strict=True)
            for uid in groups[m[0]]["members"]
        ],
    )
    # The past meeting's decision is the first action of the family's plan.
    first_by_plan: dict[int, tuple[int, str]] = {}
    for action_id, (_g, plan_id, what, *_rest) in zip(action_ids, actions, strict=True):
        first_by_plan.setdefault(plan_id, (action_id, what))
    plan_by_family = {p.family_id: p.pk for p in plans}
    decisions = []
    for meeting_id, (fid, starts_at, *_middle, approved_at, _by, c) in zip(
        meeting_ids, meetings, strict=True
    ):
        first = first_by_plan.get(plan_by_family[fid])
        if approved_at is not None and first is not None:
            decisions.append((meeting_id, first[1], first[0], c, starts_at))
    insert_rows(Decision, ["meeting", "text", "action", "created_by", "created_at"], decisions)
