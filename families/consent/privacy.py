"""Consent's part of a person's insight (their family's sharing) and of erasure."""

from django.utils.translation import gettext as _

from families.consent.models import SharingBasis
from families.registry import PersonalData


def insight(person) -> dict[str, list[dict]]:
    rows = [
        {
            _("Agency"): b.get_agency_display(),
            _("Basis"): b.get_kind_display(),
            _("Legal reference or consent form"): b.legal_reference,
            _("Valid from"): b.valid_from.isoformat(),
            _("Valid until"): b.valid_until.isoformat() if b.valid_until else "",
            _("Withdrawn"): b.withdrawn_at.isoformat(timespec="seconds") if b.withdrawn_at else "",
        }
        for b in SharingBasis.objects.filter(family_id=person.family_id)
    ]
    return {_("Consent and legal basis"): rows}


def erase(family) -> int:
    return SharingBasis.objects.filter(family=family).delete()[0]


SOURCE = PersonalData(key="consent", order=80, insight=insight, erase=erase)
