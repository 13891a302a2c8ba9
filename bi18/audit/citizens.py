"""The citizen access report: whose data was looked up, when and why (SPEC §8).

This is the one place where bi18.audit reads the families layer, because the report
must turn a CPR number into a person. The imports are local so that bi18.audit
still loads (and migrates) on its own.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from bi18.audit.models import AuditEvent

# A CPR number anywhere inside free text (for refusing it in a purpose or a filter).
_CPR_IN_TEXT = re.compile(r"(?<!\d)\d{6}[\s-]?\d{4}(?!\d)")


def contains_cpr(text: str) -> bool:
    return bool(_CPR_IN_TEXT.search(text or ""))


def parse_cpr(value: str):
    """Validate a CPR number (real date, century rule). Raises ValidationError."""
    from families.cpr import parse_cpr as _parse

    return _parse(value)


@dataclass(frozen=True)
class Citizen:
    cpr_hash: str
    masked: str
    person_id: int | None = None
    family_id: int | None = None
    name: str = ""
    case_number: str = ""
    # The Person itself, for audit_log(person=...); not shown anywhere.
    person: Any = field(default=None, compare=False, repr=False)

    @property
    def registered(self) -> bool:
        return self.person_id is not None


def find_citizen(cpr) -> Citizen:
    """The person with this CPR number (a parsed Cpr), or an unregistered citizen."""
    from families.cpr import cpr_hash

    return citizen_by_hash(cpr_hash(cpr), masked=cpr.masked)


def citizen_by_hash(digest: str, *, masked: str) -> Citizen:
    from families.models import Person

    # Deliberately not Person.objects.visible_to(): answering a citizen's request for
    # access is the administrator's duty, and only the name and case number are used.
    person = Person.objects.select_related("family").filter(cpr_hash=digest).first()
    if person is None:
        return Citizen(cpr_hash=digest, masked=masked)
    return Citizen(
        cpr_hash=digest,
        masked=masked,
        person_id=person.pk,
        family_id=person.family_id,
        name=person.full_name,
        case_number=person.family.case_number,
        person=person,
    )


def events_about(citizen: Citizen):
    """Entries about this citizen, newest first. For a number that is not (or no
    longer) registered only the searches for it can be found."""
    events = AuditEvent.objects.select_related("actor")
    if citizen.registered:
        events = events.about_person(citizen.person_id, citizen.family_id, citizen.cpr_hash)
    else:
        events = events.filter(cpr_hash=citizen.cpr_hash)
    return events.order_by("-at", "-id")
