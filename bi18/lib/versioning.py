"""Optimistic locking for edits that must never silently overwrite another save (SPEC §4).

* `Versioned`: the base model of everything edited through a form (version, timestamps).
* `update_if_version()`: the one conditional write services use.
* `save_or_conflict()`: what a view does when a service refuses a stale save.

The database write is the lock: the version check and the write are one
``UPDATE … WHERE pk = %s AND version = %s``, so of two saves started from the same
version exactly one succeeds, without a row lock held while someone edits a form and
without a race between reading the version and writing. What a refusal means
(ConflictError, a PlanConflict carrying the saved version) and which audit and history
rows a save writes stay with each service.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import F, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bi18.lib.errors import ConflictError, ServiceError

CONFLICT_MESSAGE = gettext_lazy(
    "Someone else saved this while you were editing. Your changes are kept below; "
    "compare them with the current version and save again."
)


# Observers of versioned updates (e.g. the change history): a queryset UPDATE sends no
# save signal. Each has wants(model), before(model, pk, fields) and
# updated(model, pk, before, fields); registered once at start-up.
_observers: list = []


def observe(observer) -> None:
    _observers.append(observer)


class Versioned(models.Model):
    """Concurrent edits never silently overwrite: every save is a conditional update."""

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


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


@dataclass(frozen=True)
class SaveResult:
    """What save_or_conflict() did: `saved` with the service's `value`, or refused, with
    `theirs` (the version someone else saved) when the refusal was a conflict."""

    saved: bool
    conflict: bool = False
    value: Any = None
    theirs: Any = None


def save_or_conflict(
    form,
    save: Callable[[], Any],
    *,
    reload: Callable[[], Model] | None = None,
    message: Any = CONFLICT_MESSAGE,
    error_field: str | None = None,
) -> SaveResult:
    """Call `save()` (a service) for a valid bound `form` and handle its refusals.

    A stale save (ConflictError) keeps everything the user typed, moves the form's hidden
    `version` to the saved one (so that saving again is a deliberate choice, after
    comparing) and adds `message` to the form unless it is None; `theirs` is the
    conflict's `current` object or, without one, `reload()`. A broken rule
    (ServiceError) puts its message on `error_field` (None: the whole form).
    """
    try:
        value = save()
    except ConflictError as exc:
        theirs = getattr(exc, "current", None)
        if theirs is None and reload is not None:
            theirs = reload()
        form.data = form.data.copy()
        if theirs is not None:
            form.data[form.add_prefix("version")] = theirs.version
        if message is not None:
            form.add_error(None, message)
        return SaveResult(saved=False, conflict=True, theirs=theirs)
    except ServiceError as exc:
        form.add_error(error_field, str(exc))
        return SaveResult(saved=False)
    return SaveResult(saved=True, value=value)
