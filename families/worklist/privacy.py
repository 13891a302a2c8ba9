"""Snooze reasons are free text a caseworker wrote about a family's work: erased with the
family's other free text. (The art. 15 insight lists those about the person and the whole family's.)"""

from django.db.models import Q
from django.utils.translation import gettext as _

from families.privacy import model_rows
from families.registry import PersonalData
from families.worklist.models import Snooze


def insight(person) -> dict[str, list[dict]]:
    about = Q(person=person) | Q(person__isnull=True)
    snoozes = Snooze.objects.filter(about, family_id=person.family_id)
    return {
        _("Snoozed work items"): model_rows(snoozes, skip=("family", "person", "user", "item_key"))
    }


def erase(family) -> int:
    return Snooze.objects.filter(family=family).update(reason="")


SOURCE = PersonalData(key="worklist", order=90, insight=insight, erase=erase)
