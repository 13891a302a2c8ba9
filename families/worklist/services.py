"""Writes of "Mit arbejde": snoozing an item and remembering the filter."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from bi18.audit.services import audit_log
from families.models import Family
from families.registry import Deadline
from families.worklist.events import SNOOZE_REMOVED, SNOOZED
from families.worklist.models import Period, Snooze, WorklistFilter


@transaction.atomic
def snooze_item(*, actor, item: Deadline, family: Family, until: datetime.date, reason: str):
    """Hide `item` from the actor's list until `until`, with the reason; audited. Snoozing
    it again replaces the date and reason. The caller has checked that the item is on the
    actor's own list (selectors.find_item)."""
    snooze, _created = Snooze.objects.update_or_create(
        user=actor,
        item_key=item.key,
        defaults={
            "family": family,
            "person_id": item.extra.get("person_id"),
            "kind": item.kind,
            "until": until,
            "reason": reason,
            "created_at": timezone.now(),
        },
    )
    audit_log(
        actor=actor,
        action="change",
        event=SNOOZED,
        family=family,
        detail={"snooze_id": snooze.pk, "kind": item.kind, "until": until.isoformat()},
    )
    return snooze


@transaction.atomic
def snooze_remove(*, actor, snooze: Snooze) -> None:
    """Put a snoozed item back on the list now; audited."""
    audit_log(
        actor=actor,
        action="delete",
        event=SNOOZE_REMOVED,
        family=snooze.family,
        detail={"snooze_id": snooze.pk, "kind": snooze.kind},
    )
    snooze.delete()


def filter_remember(*, user, kind: str, family_id: int | None, period: str) -> None:
    """Keep the user's chosen filter for next time: one UPDATE, or an INSERT the first time."""
    values = {
        "kind": kind,
        "family_id": family_id,
        "period": period if period in Period.values else Period.HORIZON,
        "updated_at": timezone.now(),
    }
    if not WorklistFilter.objects.filter(user=user).update(**values):
        try:
            with transaction.atomic():
                WorklistFilter.objects.create(user=user, **values)
        except IntegrityError:  # the same user's other tab saved first
            WorklistFilter.objects.filter(user=user).update(**values)


def filter_forget(*, user) -> None:
    WorklistFilter.objects.filter(user=user).delete()
