"""The plan's history: one event per save (who created or changed which goal or action, or
reviewed the plan), with a row per changed field, before and after."""

import datetime

from django.db import router
from django.utils import timezone

from bi18.lib.bulk import insert_returning
from networkgroup.models import PlanChange, PlanEvent, PlanEventVerb


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


def record_history(
    *,
    plan_id,
    actor,
    object_type,
    changes,
    verb=PlanEventVerb.CHANGED,
    goal_id=None,
    action_id=None,
    at=None,
) -> PlanEvent:
    """One event for one save, with its changed fields. Call it in the save's transaction.

    Two INSERT statements (bi18.lib.bulk.insert_returning), not create() and bulk_create():
    every goal or action saved writes these, and the ORM's way cost more CPU than the
    rest of a save's queries together."""
    at = at or timezone.now()
    common = {
        "plan_id": plan_id,
        "goal_id": goal_id,
        "action_id": action_id,
        "actor_id": actor.pk,
        "at": at,
        "object_type": object_type,
    }
    event = PlanEvent(
        **common,
        verb=verb,
        names_former_person=verb == PlanEventVerb.CHANGED
        and any(field == "person" for field, _b, _a in changes),
    )
    (event.pk,) = insert_returning(
        PlanEvent,
        {**common, "verb": verb, "names_former_person": event.names_former_person},
        [{}],
    )
    event._state.adding = False
    event._state.db = router.db_for_write(PlanEvent)
    event.actor = actor
    if changes:
        insert_returning(
            PlanChange,
            {"event_id": event.pk, **common},
            [
                {
                    "field": field,
                    "before": history_value(field, before),
                    "after": history_value(field, after),
                }
                for field, before, after in changes
            ],
        )
    return event


def changed_fields(instance, data: dict) -> list[tuple[str, object, object]]:
    return [
        (name, getattr(instance, name), value)
        for name, value in data.items()
        if getattr(instance, name) != value
    ]
