"""One PlanEvent per save for the history written before events existed (issue 16 §2).

The old rows of one save share plan, goal, action, actor, time and object type (they were
written together by one bulk insert). Each such group becomes one event: "created" when the
goal's text or the action's "what" went from empty to a value (those are required, so only
a creation does that), "reviewed" for the plan's review dates, "changed" otherwise. No row
is changed but for its new link to the event; reversing unlinks and removes the events.
"""

from django.db import migrations

BATCH = 2000


def _verb(object_type, fields):
    if object_type == "plan":
        return "reviewed" if set(fields) <= {"last_reviewed_on", "review_date"} else "changed"
    primary = "text" if object_type == "goal" else "what"
    return "created" if fields.get(primary, None) == "" else "changed"


def forward(apps, schema_editor):
    PlanChange = apps.get_model("networkgroup", "PlanChange")
    PlanEvent = apps.get_model("networkgroup", "PlanEvent")
    rows = (
        PlanChange.objects.filter(event__isnull=True)
        .order_by("plan_id", "at", "goal_id", "action_id", "actor_id", "object_type", "id")
        .values_list(
            "id", "plan_id", "goal_id", "action_id", "actor_id", "at", "object_type", "field",
            "before",
        )
        .iterator(chunk_size=BATCH)
    )  # fmt: skip

    def flush(groups):
        events = [
            PlanEvent(
                plan_id=key[0],
                goal_id=key[2],
                action_id=key[3],
                actor_id=key[4],
                at=key[1],
                object_type=key[5],
                verb=_verb(key[5], fields),
                names_former_person=key[5] == "goal"
                and "person" in fields
                and _verb(key[5], fields) != "created",
            )
            for key, (_ids, fields) in groups
        ]
        PlanEvent.objects.bulk_create(events, batch_size=BATCH)
        for event, (_key, (ids, _fields)) in zip(events, groups, strict=True):
            PlanChange.objects.filter(pk__in=ids).update(event_id=event.pk)

    groups: list = []
    current_key, ids, fields = None, [], {}
    for pk, plan_id, goal_id, action_id, actor_id, at, object_type, field, before in rows:
        key = (plan_id, at, goal_id, action_id, actor_id, object_type)
        if key != current_key:
            if current_key is not None:
                groups.append((current_key, (ids, fields)))
                if len(groups) >= BATCH:
                    flush(groups)
                    groups = []
            current_key, ids, fields = key, [], {}
        ids.append(pk)
        fields[field] = before
    if current_key is not None:
        groups.append((current_key, (ids, fields)))
    if groups:
        flush(groups)
    # A goal that moved between people: its earlier events name the former person too.
    moved = PlanEvent.objects.filter(names_former_person=True).values("goal_id")
    PlanEvent.objects.filter(goal_id__in=moved, changes__field="person").update(
        names_former_person=True
    )


def backward(apps, schema_editor):
    PlanChange = apps.get_model("networkgroup", "PlanChange")
    PlanEvent = apps.get_model("networkgroup", "PlanEvent")
    # Unlink first: deleting an event would otherwise cascade to its change rows.
    PlanChange.objects.update(event=None)
    PlanEvent.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("networkgroup", "0005_plan_events")]

    operations = [migrations.RunPython(forward, backward)]
