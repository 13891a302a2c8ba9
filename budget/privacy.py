"""Expenditures recorded for a family: in the insight, and their notes erased."""

from django.utils.translation import gettext as _

from budget.models import Expenditure
from families.privacy import model_rows
from families.registry import PersonalData


def insight(person) -> dict[str, list[dict]]:
    rows = model_rows(
        Expenditure.objects.filter(family_id=person.family_id), skip=("family", "reference")
    )
    return {_("Expenditures recorded for the family"): rows}


def erase(family) -> int:
    # The amounts stay: past budget figures must not change.
    return Expenditure.objects.filter(family=family).update(note="")


SOURCE = PersonalData(key="budget", order=60, insight=insight, erase=erase)
