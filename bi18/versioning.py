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
    updated = queryset.filter(pk=pk, version=version).update(**fields, version=F("version") + 1)
    return updated > 0


def _has_field(model: type[Model], name: str) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)
