"""The comparison cohort's two imports (issue 15 §1), on the target-group import's rules.

1. The cohort: the target-group CSV contract (families.importer.COLUMNS), decoded,
   validated row by row and household by household by the target-group importer's own
   functions. Differences, on purpose: a parent in another special employment effort is
   kept (the rest of the target group mostly is in one – that is what the pilot is
   compared with); a person or household already in the pilot is rejected (a person is
   pilot or comparison, never both); names are validated but not stored.
2. The outcomes: `cpr, date, status` rows from the register, one status per person and
   day; the person must be in the comparison cohort.

Both are dry-run first, idempotent (households by household id, people by the keyed CPR
hash, statuses by person and day), one transaction, and audited with a summary entry.
Messages never quote a cell's value (a shifted column could put a CPR number anywhere).
"""

import datetime
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.audit.models import AuditAction
from bi18.audit.services import AuditEntry, audit_log, audit_log_many
from bi18.lib.csvfile import ImportFileError, read_rows
from bi18.lib.dates import parse_date
from bi18.lib.errors import ServiceError
from budget.evaluation.models import (
    ComparisonHousehold,
    ComparisonPerson,
    ComparisonStatus,
    ComparisonUpload,
    RegisterStatus,
    UploadKind,
)
from families.cpr import cpr_hash, decrypt_bytes, encrypt_bytes, parse_cpr
from families.importer import COLUMNS, MAX_FILE_BYTES, STALE_UPLOAD_AGE, ImportReport
from families.importer.households import reject_households
from families.importer.rows import validate_row
from families.importer.services import serialise_imports
from families.models import Family, Person

SOURCE = "Registerudtræk, sammenligningsgruppe (import)"
OUTCOME_COLUMNS = ("cpr", "date", "status")
_CHUNK = 900

_STATUSES = {
    "internship": RegisterStatus.INTERNSHIP,
    "praktik": RegisterStatus.INTERNSHIP,
    "virksomhedspraktik": RegisterStatus.INTERNSHIP,
    "ordinary_job": RegisterStatus.ORDINARY_JOB,
    "job": RegisterStatus.ORDINARY_JOB,
    "ordinært job": RegisterStatus.ORDINARY_JOB,
    "ordinaert job": RegisterStatus.ORDINARY_JOB,
    "wage_subsidy": RegisterStatus.WAGE_SUBSIDY,
    "løntilskud": RegisterStatus.WAGE_SUBSIDY,
    "loentilskud": RegisterStatus.WAGE_SUBSIDY,
    "education": RegisterStatus.EDUCATION,
    "uddannelse": RegisterStatus.EDUCATION,
    "benefit": RegisterStatus.BENEFIT,
    "kontanthjælp": RegisterStatus.BENEFIT,
    "kontanthjaelp": RegisterStatus.BENEFIT,
}


def _chunks(items: list):
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


# --- 1. The cohort ----------------------------------------------------------------------


@dataclass
class _CohortPlan:
    report: ImportReport
    new_households: list = field(default_factory=list)
    changed_households: list = field(default_factory=list)
    new_people: list = field(default_factory=list)  # (person, household)
    changed_people: list = field(default_factory=list)  # (person, household)


_PERSON_FIELDS = ("role", "benefit_category", "benefit_since", "in_other_effort")


def _plan_cohort(rows, today: datetime.date) -> _CohortPlan:
    report = ImportReport(rows_read=len(rows))
    households = reject_households(rows, report)

    hashes = [r.cpr_hash for members in households.values() for r in members]
    in_pilot: set[str] = set()
    for chunk in _chunks(hashes):
        in_pilot.update(
            Person.objects.filter(cpr_hash__in=chunk).values_list("cpr_hash", flat=True)
        )
    ids = list(households)
    pilot_households: set[str] = set()
    for chunk in _chunks(ids):
        pilot_households.update(
            Family.objects.filter(household_id__in=chunk).values_list("household_id", flat=True)
        )
    for hid in list(households):
        members = households[hid]
        if hid in pilot_households:
            for row in members:
                report.rejected.append(
                    {
                        "row": row.row,
                        "field": "household_id",
                        "message": _(
                            "The household is in the pilot, so it cannot be a comparison."
                        ),
                    }
                )
            del households[hid]
        elif any(r.cpr_hash in in_pilot for r in members):
            for row in members:
                report.rejected.append(
                    {
                        "row": row.row,
                        "field": "cpr" if row.cpr_hash in in_pilot else "household_id",
                        "message": _(
                            "The person is in the pilot, so the household cannot be a comparison."
                        )
                        if row.cpr_hash in in_pilot
                        else _(
                            "Another person of this household is in the pilot, so the household is not imported."
                        ),
                    }
                )
            del households[hid]
    report.rejected.sort(key=lambda r: r["row"])

    plan = _CohortPlan(report=report)
    existing_households: dict[str, ComparisonHousehold] = {}
    for chunk in _chunks(list(households)):
        existing_households.update(
            (h.household_id, h) for h in ComparisonHousehold.objects.filter(household_id__in=chunk)
        )
    hashes = [r.cpr_hash for members in households.values() for r in members]
    existing_people: dict[str, ComparisonPerson] = {}
    for chunk in _chunks(hashes):
        existing_people.update(
            (p.cpr_hash, p) for p in ComparisonPerson.objects.filter(cpr_hash__in=chunk)
        )
    for hid, members in households.items():
        household = existing_households.get(hid)
        district = members[0].district
        if household is None:
            household = ComparisonHousehold(
                household_id=hid, district=district, source=SOURCE, criterion_date=today
            )
            plan.new_households.append(household)
            report.families_created += 1
        elif household.district != district:
            household.district = district
            household.criterion_date = today
            plan.changed_households.append(household)
            report.families_updated += 1
        for row in members:
            data = {
                "role": row.role,
                "benefit_category": row.benefit_category,
                "benefit_since": row.benefit_since,
                "in_other_effort": row.in_other_effort,
            }
            person = existing_people.get(row.cpr_hash)
            if person is None:
                person = ComparisonPerson(
                    cpr_hash=row.cpr_hash, date_of_birth=row.cpr.birth_date, **data
                )
                plan.new_people.append((person, household))
                report.people_created += 1
                continue
            changed = [n for n, v in data.items() if getattr(person, n) != v]
            if household.pk is None or person.household_id != household.pk:
                changed.append("household")
            if changed:
                for name, value in data.items():
                    setattr(person, name, value)
                plan.changed_people.append((person, household))
                report.people_updated += 1
    return plan


def _write_cohort(plan: _CohortPlan) -> None:
    ComparisonHousehold.objects.bulk_create(plan.new_households, batch_size=1000)
    ComparisonHousehold.objects.bulk_update(
        plan.changed_households, ["district", "criterion_date"], batch_size=1000
    )
    for person, household in plan.new_people + plan.changed_people:
        person.household = household  # a new household's primary key exists only now
    ComparisonPerson.objects.bulk_create([p for p, _h in plan.new_people], batch_size=1000)
    ComparisonPerson.objects.bulk_update(
        [p for p, _h in plan.changed_people], ["household", *_PERSON_FIELDS], batch_size=1000
    )


def comparison_cohort_import(
    *,
    data: bytes,
    actor=None,
    actor_username: str = "",
    dry_run: bool = False,
    today: datetime.date | None = None,
    detail: dict | None = None,
) -> ImportReport:
    """Import the rest of the target group as the comparison cohort; return the report.

    Raises ImportFileError when the file as a whole cannot be read (nothing written).
    A dry run computes the same report and writes nothing; a repeated run changes nothing.
    """
    today = today or timezone.localdate()
    rows = [validate_row(raw, today) for raw in read_rows(data, COLUMNS)]
    if dry_run:
        return _plan_cohort(rows, today).report
    with transaction.atomic():
        serialise_imports()
        plan = _plan_cohort(rows, today)
        _write_cohort(plan)
        # One entry per person, by keyed CPR hash: the citizen's access report finds it.
        audit_log_many(
            actor=actor,
            actor_username=actor_username,
            entries=[
                *(
                    AuditEntry(
                        AuditAction.CREATE, "evaluation.cohort.person_created", cpr_hash=p.cpr_hash
                    )
                    for p, _h in plan.new_people
                ),
                *(
                    AuditEntry(
                        AuditAction.CHANGE, "evaluation.cohort.person_updated", cpr_hash=p.cpr_hash
                    )
                    for p, _h in plan.changed_people
                ),
            ],
        )
        _audit(
            "evaluation.cohort.imported",
            plan.report,
            actor=actor,
            actor_username=actor_username,
            detail={"sha256": hashlib.sha256(data).hexdigest(), **(detail or {})},
        )
    return plan.report


def _audit(event: str, report, *, actor, actor_username: str, detail: dict) -> None:
    audit_log(
        actor=actor,
        actor_username=actor_username,
        action=AuditAction.CREATE,
        event=event,
        detail={**detail, **{k: v for k, v in report.as_dict().items() if isinstance(v, int)}},
    )


# --- 2. The outcomes ------------------------------------------------------------------------


@dataclass
class OutcomeReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict] = field(default_factory=list)
    as_of: str = ""
    rows_read: int = field(default=0, compare=False)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [dict(r) for r in self.rejected],
            "as_of": self.as_of,
            "rows": self.rows_read,
        }

    @property
    def rejected_rows(self) -> int:
        return len({r["row"] for r in self.rejected})


@dataclass
class _OutcomeRow:
    row: int
    cpr_hash: str = ""
    date: datetime.date | None = None
    status: str = ""
    errors: list = field(default_factory=list)


def _validate_outcome(raw, today: datetime.date) -> _OutcomeRow:
    v = raw.values
    row = _OutcomeRow(row=raw.row, errors=list(raw.errors))
    text = v["cpr"]
    if not text:
        row.errors.append(("cpr", _("The CPR number is missing.")))
    elif re.fullmatch(r"\d{9}", text):
        row.errors.append(
            (
                "cpr",
                _(
                    "The CPR number has nine digits: Excel may have removed a leading zero. "
                    "Format the column as text and export again."
                ),
            )
        )
    else:
        try:
            row.cpr_hash = cpr_hash(parse_cpr(text))
        except ValidationError as exc:
            row.errors.append(("cpr", str(exc.messages[0])))
    if not v["date"]:
        row.errors.append(("date", _("The date is missing.")))
    elif (day := parse_date(v["date"])) is None:
        row.errors.append(("date", _("The date is not a real date; write it as YYYY-MM-DD.")))
    elif day > today:
        row.errors.append(("date", _("The date lies in the future.")))
    else:
        row.date = day
    status = _STATUSES.get(" ".join(v["status"].split()).casefold())
    if status is None:
        row.errors.append(
            (
                "status",
                _(
                    "Unknown status. Use one of: internship, ordinary_job, wage_subsidy, "
                    "education, benefit."
                ),
            )
        )
    else:
        row.status = status
    return row


def _plan_outcomes(rows: list[_OutcomeRow], today: datetime.date):
    report = OutcomeReport(rows_read=len(rows))
    same_day: dict[tuple, list[_OutcomeRow]] = defaultdict(list)
    for row in rows:
        if row.cpr_hash and row.date:
            same_day[(row.cpr_hash, row.date)].append(row)
    for twins in same_day.values():
        if len(twins) > 1:
            numbers = ", ".join(str(r.row) for r in twins)
            for row in twins:
                row.errors.append(
                    (
                        "date",
                        _("The person has more than one status on this date (rows %(rows)s).")
                        % {"rows": numbers},
                    )
                )
    hashes = sorted({r.cpr_hash for r in rows if r.cpr_hash})
    people: dict[str, int] = {}
    for chunk in _chunks(hashes):
        people.update(
            ComparisonPerson.objects.filter(cpr_hash__in=chunk).values_list("cpr_hash", "pk")
        )
    for row in rows:
        if row.cpr_hash and not row.errors and row.cpr_hash not in people:
            row.errors.append(
                ("cpr", _("The person is not in the comparison cohort. Import the cohort first."))
            )
    for row in rows:
        for name, message in row.errors:
            report.rejected.append({"row": row.row, "field": name, "message": message})
    good = [r for r in rows if not r.errors]
    existing: dict[tuple[int, datetime.date], ComparisonStatus] = {}
    ids = sorted({people[r.cpr_hash] for r in good})
    for chunk in _chunks(ids):
        existing.update(
            ((s.person_id, s.date), s) for s in ComparisonStatus.objects.filter(person_id__in=chunk)
        )
    new, changed = [], []
    for row in good:
        key = (people[row.cpr_hash], row.date)
        status = existing.get(key)
        if status is None:
            new.append(ComparisonStatus(person_id=key[0], date=row.date, status=row.status))
            report.created += 1
        elif status.status != row.status:
            status.status = row.status
            changed.append(status)
            report.updated += 1
        else:
            report.unchanged += 1
    report.as_of = max((r.date for r in good), default=today).isoformat()
    hashes_by_id = {pk: digest for digest, pk in people.items()}
    touched: dict[str, int] = defaultdict(int)
    for status in new + changed:
        touched[hashes_by_id[status.person_id]] += 1
    return report, new, changed, touched


def comparison_outcomes_import(
    *,
    data: bytes,
    actor=None,
    actor_username: str = "",
    dry_run: bool = False,
    today: datetime.date | None = None,
    detail: dict | None = None,
) -> OutcomeReport:
    """Import a `cpr, date, status` register extract for the comparison cohort."""
    today = today or timezone.localdate()
    raw_rows = read_rows(data, columns=OUTCOME_COLUMNS)
    rows = [_validate_outcome(raw, today) for raw in raw_rows]
    if dry_run:
        return _plan_outcomes(rows, today)[0]
    with transaction.atomic():
        serialise_imports()
        report, new, changed, touched = _plan_outcomes(rows, today)
        ComparisonStatus.objects.bulk_create(new, batch_size=2000)
        ComparisonStatus.objects.bulk_update(changed, ["status"], batch_size=2000)
        audit_log_many(
            actor=actor,
            actor_username=actor_username,
            entries=[
                AuditEntry(
                    AuditAction.CHANGE,
                    "evaluation.outcomes.person_updated",
                    cpr_hash=digest,
                    detail={"statuses": n},
                )
                for digest, n in sorted(touched.items())
            ],
        )
        _audit(
            "evaluation.outcomes.imported",
            report,
            actor=actor,
            actor_username=actor_username,
            detail={"sha256": hashlib.sha256(data).hexdigest(), **(detail or {})},
        )
    return report


# --- Uploads: preview, then commit -------------------------------------------------------

IMPORTERS = {
    UploadKind.COHORT: comparison_cohort_import,
    UploadKind.OUTCOMES: comparison_outcomes_import,
}


class AlreadyCommitted(ServiceError):
    """The upload was committed before; it is never imported twice."""


@transaction.atomic
def comparison_upload_create(*, actor, kind: str, data: bytes, file_name: str) -> ComparisonUpload:
    """Dry-run an uploaded file and keep it (encrypted) for the commit.

    Raises ImportFileError for an unreadable or too large file; nothing is stored then.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 20 MB."))
    report = IMPORTERS[kind](data=data, dry_run=True)
    # Uncommitted uploads hold CPR numbers: kept only as long as the target-group import's.
    ComparisonUpload.objects.filter(
        committed_at__isnull=True, created_at__lt=timezone.now() - STALE_UPLOAD_AGE
    ).delete()
    upload = ComparisonUpload.objects.create(
        kind=kind,
        file_name=file_name[:255],
        data_encrypted=encrypt_bytes(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
        dry_run_report=report.as_dict(),
    )
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        event="evaluation.upload.created",
        detail={"upload_id": upload.pk, "kind": kind, "sha256": upload.sha256},
    )
    return upload


@transaction.atomic
def comparison_upload_commit(*, actor, upload: ComparisonUpload) -> ComparisonUpload:
    """Import a previewed upload once (a second commit raises AlreadyCommitted)."""
    claimed = ComparisonUpload.objects.filter(pk=upload.pk, committed_at__isnull=True).update(
        committed_at=timezone.now(), committed_by=actor
    )
    if not claimed:
        raise AlreadyCommitted(_("This file has already been imported."))
    upload = ComparisonUpload.objects.get(pk=upload.pk)
    try:
        data = decrypt_bytes(upload.data_encrypted)
    except InvalidToken:
        data = b""
    if not data or hashlib.sha256(data).hexdigest() != upload.sha256:
        # Rolls the claim back with the rest of the transaction.
        raise ServiceError(_("The stored file is damaged; upload it again."))
    report = IMPORTERS[upload.kind](data=data, actor=actor, detail={"upload_id": upload.pk})
    upload.result = report.as_dict()
    if upload.kind == UploadKind.OUTCOMES:
        upload.as_of = datetime.date.fromisoformat(report.as_of)
    # Data minimisation: the file (with CPR numbers) is not kept once imported.
    upload.data_encrypted = b""
    upload.save(update_fields=["result", "data_encrypted", "as_of"])
    return upload


@transaction.atomic
def comparison_upload_discard(*, actor, upload: ComparisonUpload) -> None:
    if upload.is_committed:
        raise AlreadyCommitted(_("This file has already been imported."))
    audit_log(
        actor=actor,
        action=AuditAction.DELETE,
        event="evaluation.upload.discarded",
        detail={"upload_id": upload.pk, "kind": upload.kind},
    )
    upload.delete()
