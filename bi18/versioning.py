"""Optimistic locking for edits that must never silently overwrite another save.

The database write is the lock: the version check and the write are one
``UPDATE … WHERE pk = %s AND version = %s``, so of two saves started from the same
version exactly one succeeds, without a row lock held while someone edits a form and
without a race between reading the version and writing. What a refusal means
(ConflictError, a PlanConflict carrying the saved version) and which audit and history
rows a save writes stay with each service.
"""

from django.db.models import F, Model, QuerySet
from django.utils import timezone

# Observers of versioned updates (e.g. the change history): a queryset UPDATE sends no
# save signal. Each has wants(model), before(model, pk, fields) and
# updated(model, pk, before, fields); registered once at start-up.
_observers: list = []


def observe(observer) -> None:
    _observers.append(observer)


def update_if_version(
    model_or_queryset: type[Model] | QuerySet, *, pk: int, version: int, **fields
) -> bool:
    """Write `fields` to row `pk` if its version is still `version`, bumping the version
    (and ``updated_at``, to now unless `fields` sets it, when the model has one).

    Pass a queryset to add conditions to the write (e.g. only while not approved).
    Returns False, writing nothing, if someone saved in between or the row is not in
    the queryset. Instances in memory are not refreshed. Call it inside the caller's
    transaction; repeating it with the same version is safe (it is refused).
    """
    if isinstance(model_or_queryset, QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    if "updated_at" not in fields and _has_field(queryset.model, "updated_at"):
        fields["updated_at"] = timezone.now()
    watching = [o for o in _observers if o.wants(queryset.model)]
    before = [o.before(queryset.model, pk, fields) for o in watching]
    updated = queryset.filter(pk=pk, version=version).update(**fields, version=F("version") + 1)
    if updated:
        for observer, state in zip(watching, before, strict=True):
            observer.updated(queryset.model, pk, state, fields)
    return updated > 0


def _has_field(model: type[Model], name: str) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)
