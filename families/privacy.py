"""What the families app holds about a person, for the art. 15 insight, and a helper
every app uses to list its rows in the insight the same way."""

import datetime
import decimal

from django.db import models
from django.utils.translation import gettext as _

from families.registry import PersonalData

# Bookkeeping and the CPR columns (the insight shows the CPR number once, decrypted).
_SKIPPED = {"id", "version", "created_at", "updated_at", "cpr_hash", "cpr_encrypted"}


def _text(obj, field) -> str:
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    value = getattr(obj, field.name)
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return str(value)


def model_rows(queryset, *, skip: tuple[str, ...] = ()) -> list[dict]:
    """Each row as {field label: text}, every concrete field but bookkeeping and `skip`
    (e.g. the link back to the person, which the insight is about anyway)."""
    fields = [
        f
        for f in queryset.model._meta.concrete_fields
        if f.name not in _SKIPPED and f.name not in skip
    ]
    related = [f.name for f in fields if isinstance(f, models.ForeignKey)]
    if related:
        queryset = queryset.select_related(*related)
    return [{str(f.verbose_name).capitalize(): _text(obj, f) for f in fields} for obj in queryset]


def insight(person) -> dict[str, list[dict]]:
    from families.cpr import decrypt_cpr
    from families.models import Family, FamilyStatusChange, Person, PersonAssignment

    own = model_rows(Person.objects.filter(pk=person.pk), skip=("family",))
    if own and person.cpr_encrypted:
        own[0] = {_("CPR number"): decrypt_cpr(person.cpr_encrypted).formatted, **own[0]}
    family = model_rows(Family.objects.filter(pk=person.family_id), skip=("household_id",))
    return {
        _("Person"): own,
        _("Family"): family,
        _("Status history"): model_rows(
            FamilyStatusChange.objects.filter(family_id=person.family_id), skip=("family",)
        ),
        _("Assigned caseworkers"): model_rows(
            PersonAssignment.objects.filter(person=person), skip=("person",)
        ),
    }


def erase(family) -> int:
    return 0  # people and the family itself are anonymised by the retention service


SOURCE = PersonalData(key="families", order=0, insight=insight, erase=erase)
