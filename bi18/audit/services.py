"""Writing the audit log. Call audit_log() inside the transaction of the change it records."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import router, transaction
from django.utils import timezone

from bi18.audit.citizens import events_about
from bi18.audit.context import client_ip, current_request
from bi18.audit.models import AuditAction, AuditEvent
from bi18.lib.bulk import insert_returning


def audit_log(
    *,
    actor,
    action: str,
    event: str,
    family=None,
    person=None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
    cpr_hash: str = "",
    actor_username: str = "",
    request=None,
) -> AuditEvent:
    """Append one audit entry.

    `detail` must never hold a CPR number or other free-text personal data: pass
    field names, counts and ids. `family`/`person` may be model instances or None.
    """
    assert action in AuditAction.values, action
    request = request or current_request()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if family is None and person is not None:
        family = getattr(person, "family", None)
    values = {
        "at": timezone.now(),
        "actor_id": actor.pk if actor is not None else None,
        "actor_username": actor_username or (actor.get_username() if actor else ""),
        "action": action,
        "event": event,
        "family_id": family.pk if family is not None else None,
        "case_number": getattr(family, "case_number", "") if family is not None else "",
        "person_id": person.pk if person is not None else None,
        "purpose": purpose,
        "ip_address": client_ip(request),
        "detail": detail or {},
        "cpr_hash": cpr_hash,
    }
    (pk,) = _insert(values, [{}])
    entry = AuditEvent(pk=pk, **values)
    entry._state.adding = False  # a stored row: save() refuses to change it
    entry._state.db = router.db_for_write(AuditEvent)
    if actor is not None:
        entry.actor = actor
    return entry


def audit_log_families(
    *,
    actor,
    action: str,
    event: str,
    families,
    detail: dict[str, Any] | None = None,
    cpr_hash: str = "",
    batch_size: int = 500,
) -> int:
    """Append one entry per family shown on a list or search result page; returns how many.

    One row per family (not one row listing ids) so that a citizen's access report
    finds every list and search that showed their family. One INSERT per `batch_size` families.
    With no family shown, a single entry still records the search.
    """
    assert action in AuditAction.values, action
    request = current_request()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    common = {
        "at": timezone.now(),
        "actor_id": actor.pk if actor else None,
        "actor_username": actor.get_username() if actor else "",
        "action": action,
        "event": event,
        "person_id": None,
        "purpose": "",
        "ip_address": client_ip(request),
        "detail": detail or {},
        "cpr_hash": cpr_hash,
    }
    rows = [{"family_id": f.pk, "case_number": f.case_number} for f in families]
    return len(_insert(common, rows or [{"family_id": None, "case_number": ""}], batch_size))


def _insert(common: dict[str, Any], rows: list[dict[str, Any]], batch_size: int = 500) -> list[int]:
    """Entries that differ only in `rows`' fields, in one INSERT statement per batch (atomic
    on its own, or part of the caller's transaction); returns their ids.

    Not bulk_create() or create(): for a list page of 25 families bulk_create() prepared
    and compiled every value of every row (≈ 3 ms of CPU) and wrapped its one statement in
    BEGIN … COMMIT (two more round trips); create() cost twice this for one row, on every
    page that shows personal data (bi18.lib.bulk.insert_returning)."""
    return insert_returning(AuditEvent, common, rows, batch_size=batch_size)


@transaction.atomic
def citizen_report_produce(*, actor, citizen, purpose: str) -> AuditEvent:
    """Record that an administrator produced one citizen's access report.

    The entry carries the person (when registered) and the keyed hash, never the CPR
    number, so that the report itself shows up in the citizen's next report.
    """
    return audit_log(
        actor=actor,
        action=AuditAction.VIEW,
        event="audit.citizen_report.produced",
        person=citizen.person,
        cpr_hash=citizen.cpr_hash,
        purpose=purpose,
        detail={"registered": citizen.registered},
    )


@transaction.atomic
def citizen_report_export(*, actor, citizen, purpose: str) -> list[AuditEvent]:
    """Audit the download of a citizen's access report and return its entries.

    The export row is written first and is part of the returned list.
    """
    audit_log(
        actor=actor,
        action=AuditAction.EXPORT,
        event="audit.citizen_report.exported",
        person=citizen.person,
        cpr_hash=citizen.cpr_hash,
        purpose=purpose,
        detail={"registered": citizen.registered, "format": "csv"},
    )
    return list(events_about(citizen))


@dataclass(frozen=True)
class AuditEntry:
    """One entry for audit_log_many(): what happened, to which family and person."""

    action: str
    event: str
    family: Any = None
    person: Any = None
    detail: dict[str, Any] | None = None
    # For someone with no Person row (the evaluation's comparison cohort): the keyed CPR
    # hash, so that the citizen's access report still finds the entry.
    cpr_hash: str = ""


def audit_log_many(
    *, actor, entries: Iterable[AuditEntry], actor_username: str = "", batch_size: int = 500
) -> list[AuditEvent]:
    """Append many entries by one actor in a few INSERTs (an import writes one per family
    and person it creates or changes). The same rules as audit_log(); the family of an
    entry about a person is the person's."""
    request = current_request()
    username = actor_username or (actor.get_username() if actor is not None else "")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    ip = client_ip(request)
    rows = []
    for entry in entries:
        assert entry.action in AuditAction.values, entry.action
        family = entry.family
        if family is None and entry.person is not None:
            family = getattr(entry.person, "family", None)
        rows.append(
            AuditEvent(
                actor=actor,
                actor_username=username,
                action=entry.action,
                event=entry.event,
                family_id=family.pk if family is not None else None,
                case_number=getattr(family, "case_number", "") if family is not None else "",
                person_id=entry.person.pk if entry.person is not None else None,
                ip_address=ip,
                detail=entry.detail or {},
                cpr_hash=entry.cpr_hash,
            )
        )
    return AuditEvent.objects.bulk_create(rows, batch_size=batch_size)
