"""Records every create and change of the registered models as a ChangeRecord.

Models register from their app's ready() (`register(Model, family=..., person=...)`
with lookup paths to the family and person ids). Saves are caught by pre/post_save;
the versioned conditional UPDATE (bi18.lib.versioning) tells its observers. bulk_create
(demo data, imports) is deliberately not recorded: it is not a caseworker's change.
"""

import datetime
import decimal
from dataclasses import dataclass

from django.db.models import Model
from django.db.models.signals import post_save, pre_save

from bi18.audit.context import current_request
from bi18.lib import versioning
from bi18.lib.registry import register_once
from families.cpr import MASK

# Bookkeeping columns, the link to the family (every record has it), and the CPR hash
# (the encrypted CPR number is shown as "cpr").
SKIPPED = {"id", "version", "created_at", "updated_at", "cpr_hash", "family"}


@dataclass(frozen=True)
class Tracked:
    model: type[Model]
    family: str  # lookup path to the family id, e.g. "person__family_id"
    person: str | None  # lookup path to the person id, or None (about the whole family)

    @property
    def fields(self) -> list:
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in SKIPPED and not f.primary_key
        ]


_tracked: dict[type[Model], Tracked] = {}


def register(model: type[Model], *, family: str, person: str | None) -> None:
    register_once(_tracked, model, Tracked(model, family, person), "Change-history model")


def tracked_models() -> list[Tracked]:
    return list(_tracked.values())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return str(value)


def _shown(name: str, value) -> tuple[str, str]:
    if name == "cpr_encrypted":
        return "cpr", MASK if value else ""
    return name, _text(value)


def _actor():
    request = current_request()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _owner_ids(tracked: Tracked, pk, instance=None) -> tuple[int | None, int | None]:
    paths = [tracked.family] + ([tracked.person] if tracked.person else [])
    if instance is not None and all("__" not in p for p in paths):
        values = [getattr(instance, "pk" if p == "id" else p) for p in paths]
    else:
        row = tracked.model._base_manager.filter(pk=pk).values_list(*paths).first()
        if row is None:
            return None, None
        values = list(row)
    return values[0], (values[1] if tracked.person else None)


def _write(tracked: Tracked, pk, action: str, changes: dict, instance=None) -> None:
    from families.history.models import ChangeRecord

    if not changes:
        return
    family_id, person_id = _owner_ids(tracked, pk, instance)
    if family_id is None:
        return
    ChangeRecord.objects.create(
        actor=_actor(),
        family_id=family_id,
        person_id=person_id,
        model=tracked.model._meta.label_lower,
        object_id=pk,
        action=action,
        changes=changes,
    )


def _diff(before: dict, after: dict) -> dict:
    changes = {}
    for name, new in after.items():
        if name not in before:
            continue
        old_name, old_text = _shown(name, before[name])
        _, new_text = _shown(name, new)
        if old_text != new_text:
            changes[old_name] = [old_text, new_text]
    return changes


def _pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    tracked = _tracked.get(sender)
    if tracked is None or raw or instance._state.adding or instance.pk is None:
        return
    names = [f.attname for f in tracked.fields]
    if update_fields is not None:
        wanted = set(update_fields)
        names = [n for n in names if n in wanted or n.removesuffix("_id") in wanted]
    instance._history_before = (
        sender._base_manager.filter(pk=instance.pk).values(*names).first() or {}
    )


def _post_save(sender, instance, created=False, raw=False, **kwargs):
    tracked = _tracked.get(sender)
    if tracked is None or raw:
        return
    if created:
        changes = {}
        for f in tracked.fields:
            name, text = _shown(f.attname, getattr(instance, f.attname))
            if text:
                changes[name] = ["", text]
        _write(tracked, instance.pk, "created", changes, instance)
        return
    before = instance.__dict__.pop("_history_before", None)
    if before is None:
        return
    after = {}
    for name in before:
        value = getattr(instance, name)
        if hasattr(value, "resolve_expression"):  # an F() not yet refreshed
            continue
        after[name] = value
    _write(tracked, instance.pk, "changed", _diff(before, after), instance)


class _VersionedUpdates:
    """Observer of bi18.lib.versioning.update_if_version (a queryset UPDATE sends no signal)."""

    def wants(self, model) -> bool:
        return model in _tracked

    def before(self, model, pk, fields: dict) -> dict:
        names = [model._meta.get_field(n).attname for n in fields if n not in SKIPPED]
        return model._base_manager.filter(pk=pk).values(*names).first() or {}

    def updated(self, model, pk, before: dict, fields: dict) -> None:
        after = {model._meta.get_field(n).attname: v for n, v in fields.items()}
        _write(_tracked[model], pk, "changed", _diff(before, after))


_connected = False


def connect() -> None:
    global _connected  # noqa: PLW0603 - once per process, from AppConfig.ready()
    if _connected:
        return
    pre_save.connect(_pre_save, dispatch_uid="history_pre_save")
    post_save.connect(_post_save, dispatch_uid="history_post_save")
    versioning.observe(_VersionedUpdates())
    _connected = True
