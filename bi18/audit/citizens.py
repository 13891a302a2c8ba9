"""The citizen access report: whose data was looked up, when and why (SPEC §8).

The report must turn a CPR number into a person, which the families layer knows and
this lower layer must not import: families registers a CitizenDirectory at start-up
(families.apps), the same registry pattern the family page and "Mit arbejde" use.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from bi18.audit.models import AuditEvent


@dataclass(frozen=True)
class CitizenDirectory:
    """How to validate a CPR number (`parse` raises ValidationError; the result has
    `.masked`), hash it (`digest`) and find the registered person (`person_by_hash`:
    a Person with `.family`, or None)."""

    parse: Callable[[str], Any]
    digest: Callable[[Any], str]
    person_by_hash: Callable[[str], Any]


_directory: CitizenDirectory | None = None


def register_citizen_directory(directory: CitizenDirectory) -> None:
    global _directory  # noqa: PLW0603 - set once at start-up, like Django's registries
    if _directory is not None and _directory is not directory and _directory != directory:
        raise ImproperlyConfigured("A citizen directory is already registered.")
    _directory = directory


def _registered() -> CitizenDirectory:
    if _directory is None:
        raise ImproperlyConfigured("No citizen directory registered (the families app does).")
    return _directory


def parse_cpr(value: str):
    """Validate a CPR number (real date, century rule). Raises ValidationError."""
    return _registered().parse(value)


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
    return citizen_by_hash(_registered().digest(cpr), masked=cpr.masked)


def citizen_by_hash(digest: str, *, masked: str) -> Citizen:
    person = _registered().person_by_hash(digest)
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
