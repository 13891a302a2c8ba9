"""The change history's part of a person's insight and of a family's erasure."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from families.history.models import ChangeRecord
from families.registry import PersonalData


def insight(person) -> dict[str, list[dict]]:
    rows = []
    for record in ChangeRecord.objects.filter(person=person).select_related("actor"):
        for label, before, after in record.labelled_changes():
            rows.append(
                {
                    _("Time"): record.at.isoformat(timespec="seconds"),
                    _("By"): str(record.actor or _("system")),
                    pgettext("noun", "Record"): record.model_label,
                    _("Field"): label,
                    _("Before"): before,
                    _("After"): after,
                }
            )
    return {_("Change history"): rows}


def erase(family) -> int:
    return ChangeRecord.objects.filter(family=family).delete()[0]


SOURCE = PersonalData(key="history", order=90, insight=insight, erase=erase)
