"""Target-group import (SPEC §8; issue 2, item 8).

The target group arrives as a CSV extract (DREAM register + civil register), one row
per person. The import is validated row by row, can be dry-run, and is idempotent:
a family is keyed by the extract's household id, a person by the keyed hash of the
CPR number, so importing the same file again changes nothing.

Rules, in the order they are applied:

* A row is rejected field by field (row number as Excel shows it: the header is row 1).
* A CPR number that occurs more than once in the file rejects every such row.
* If any row of a household is rejected, the whole household is left out and its
  other rows are reported as rejected too.
* A parent already in another special employment effort is reported as excluded and
  not stored at all (data minimisation); if that leaves a household without a parent,
  its children are excluded as well.

Messages never quote a cell's value: a shifted column could put a CPR number in any
field, and reports are shown on screen and printed by the command.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bi18.audit.context import client_ip, current_request
from bi18.audit.labels import register_event
from bi18.audit.models import AuditAction, AuditEvent
from bi18.audit.services import audit_log
from families.cpr import Cpr, _fernet, cpr_hash, encrypt_cpr, looks_like_cpr, parse_cpr
from families.models import (
    BenefitCategory,
    District,
    Family,
    Person,
    PersonRole,
    TargetGroupImport,
)
from families.services import CASE_NUMBER_PREFIX, ServiceError, next_case_number

TARGET_GROUP_SOURCE = "Registerudtræk (import)"
MAX_FILE_BYTES = 20 * 1024 * 1024
# Uncommitted uploads hold CPR numbers; they are kept only long enough to be committed.
STALE_UPLOAD_AGE = datetime.timedelta(days=1)

COLUMNS = (
    "household_id",
    "cpr",
    "first_name",
    "last_name",
    "role",
    "district",
    "benefit_category",
    "benefit_since",
    "in_other_effort",
    "language",
    "interpreter_needed",
)

_ROLES = {
    "parent": PersonRole.PARENT,
    "forælder": PersonRole.PARENT,
    "foraelder": PersonRole.PARENT,
    "child": PersonRole.CHILD,
    "barn": PersonRole.CHILD,
    "ung": PersonRole.CHILD,
}
_BENEFITS = {
    "job_ready": BenefitCategory.JOB_READY,
    "jobparat": BenefitCategory.JOB_READY,
    "activity_ready": BenefitCategory.ACTIVITY_READY,
    "aktivitetsparat": BenefitCategory.ACTIVITY_READY,
}
_YES_NO = {
    "yes": True,
    "ja": True,
    "true": True,
    "1": True,
    "no": False,
    "nej": False,
    "false": False,
    "0": False,
}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# Danish Excel re-saves dates day first; accept that too.
_DANISH_DATE = re.compile(r"^(\d{1,2})[-.](\d{1,2})[-.](\d{4})$")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bulk lookups are chunked: SQLite allows at most 999 parameters per query.
_CHUNK = 900
# Serialises imports on PostgreSQL (case numbers are handed out in a block).
_ADVISORY_LOCK_ID = 180_018


# Loaded with the URLconf (families.urls → import_views), so before any audit page renders.
for _event, _label in (
    ("families.import.uploaded", gettext_lazy("Target-group file uploaded for preview")),
    ("families.import.discarded", gettext_lazy("Target-group file discarded")),
    ("families.import.committed", gettext_lazy("Target group imported")),
    ("families.import.family_created", gettext_lazy("Family registered by import")),
    ("families.import.family_updated", gettext_lazy("Family changed by import")),
    ("families.import.person_created", gettext_lazy("Person registered by import")),
    ("families.import.person_updated", gettext_lazy("Person changed by import")),
):
    register_event(_event, _label)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


_DISTRICTS = {}
for _code, _label in District.choices:
    _DISTRICTS[_key(_code)] = _code
    _DISTRICTS[_key(str(_label))] = _code


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is translated and fit for the user."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass
class ImportReport:
    families_created: int = 0
    families_updated: int = 0
    people_created: int = 0
    people_updated: int = 0
    excluded: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    # Not part of the serialised report.
    rows_read: int = field(default=0, compare=False)

    def as_dict(self) -> dict:
        return {
            "families_created": self.families_created,
            "families_updated": self.families_updated,
            "people_created": self.people_created,
            "people_updated": self.people_updated,
            "excluded": [dict(e) for e in self.excluded],
            "rejected": [dict(r) for r in self.rejected],
        }

    @property
    def rejected_rows(self) -> int:
        return len({r["row"] for r in self.rejected})


# --- Reading the file ---------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252. Raises ImportFileError."""
    if not data or not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _(
                "The file is an Excel workbook, not a CSV file. In Excel choose “Save as” and the CSV format."
            )
        )
    if b"\x00" in data:
        raise ImportFileError(
            _(
                "The file is not a CSV text file. Save it as CSV (UTF-8 or semicolon separated) and try again."
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFileError(
                _("The file's characters cannot be read. Save it as CSV UTF-8 and try again.")
            ) from None
    if _CONTROL_CHARS.search(text):
        raise ImportFileError(
            _(
                "The file is not a CSV text file. Save it as CSV (UTF-8 or semicolon separated) and try again."
            )
        )
    return text


_SEP_LINE = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)


def _delimiter(text: str) -> tuple[str, str]:
    """The delimiter, and the text without Excel's "sep=;" line (not a row in Excel)."""
    if m := _SEP_LINE.match(text):
        return m.group(1), text[m.end() :]
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    return max((";", ",", "\t"), key=first_line.count), text


def _column_name(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


@dataclass
class _RawRow:
    row: int
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)


def read_rows(
    data: bytes, columns: Sequence[str] = COLUMNS, optional: Sequence[str] = ()
) -> list[_RawRow]:
    """Decode and split the file into rows of raw (stripped, NFC) values by column.

    `columns` must all be in the header; `optional` ones may be (a missing one reads as
    ""). Shared with the budget app's expenditure import (same file rules).
    Raises ImportFileError for a file that cannot be read as a whole.
    """
    delimiter, text = _delimiter(decode(data))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[_RawRow] = []
    try:
        for number, record in enumerate(reader, start=1):
            cells = [unicodedata.normalize("NFC", cell).strip() for cell in record]
            if not any(cells):
                continue  # a blank line, or Excel's ";;;;;;" for an empty row
            if header is None:
                header = [_column_name(c) for c in cells]
                _check_header(header, columns, optional)
                index = {n: header.index(n) for n in (*columns, *optional) if n in header}
                continue
            values = {name: cells[i] if i < len(cells) else "" for name, i in index.items()}
            for name in optional:
                values.setdefault(name, "")
            raw = _RawRow(row=number, values=values)
            if any(cells[len(header) :]):
                raw.errors.append(
                    ("row", _("The row has more values than the header has columns."))
                )
            rows.append(raw)
    except csv.Error:
        raise ImportFileError(
            _(
                "The file is not valid CSV (check quotation marks). Save it from Excel as CSV and try again."
            )
        ) from None
    if header is None or not rows:
        raise ImportFileError(_("The file has no rows below the header."))
    return rows


def _check_header(
    header: list[str], columns: Sequence[str] = COLUMNS, optional: Sequence[str] = ()
) -> None:
    missing = [name for name in columns if name not in header]
    if len(missing) == len(columns):
        raise ImportFileError(
            _("The first row does not name the columns. It must name: %(columns)s.")
            % {"columns": ", ".join(columns)}
        )
    if missing:
        raise ImportFileError(
            _("The file lacks the column(s) %(missing)s.") % {"missing": ", ".join(missing)}
        )
    doubled = sorted({name for name in (*columns, *optional) if header.count(name) > 1})
    if doubled:
        raise ImportFileError(
            _("The column(s) %(columns)s appear more than once in the header.")
            % {"columns": ", ".join(doubled)}
        )


# --- Validating rows ----------------------------------------------------------------


@dataclass
class _Row:
    row: int
    household_id: str = ""
    cpr: Cpr | None = None
    cpr_hash: str = ""
    first_name: str = ""
    last_name: str = ""
    role: str = ""
    district: str = ""
    benefit_category: str = ""
    benefit_since: datetime.date | None = None
    in_other_effort: bool = False
    language: str = ""
    interpreter_needed: bool = False
    errors: list[tuple[str, str]] = field(default_factory=list)


def _parse_date(text: str) -> datetime.date | None:
    if m := _ISO_DATE.match(text):
        y, mo, d = m.groups()
    elif m := _DANISH_DATE.match(text):
        d, mo, y = m.groups()
    else:
        return None
    try:
        return datetime.date(int(y), int(mo), int(d))
    except ValueError:
        return None


def _validate(raw: _RawRow, today: datetime.date) -> _Row:
    v = raw.values
    row = _Row(row=raw.row, errors=list(raw.errors))

    def err(name: str, message: str) -> None:
        row.errors.append((name, message))

    hid = v["household_id"]
    if not hid:
        err("household_id", _("The household id is missing."))
    elif len(hid) > 40:
        err("household_id", _("The household id is longer than 40 characters."))
    elif looks_like_cpr(hid):
        msg = _("The household id looks like a CPR number; a CPR number is never a key.")
        err("household_id", msg)
    else:
        row.household_id = hid

    if not v["cpr"]:
        err("cpr", _("The CPR number is missing."))
    elif re.fullmatch(r"\d{9}", v["cpr"]):
        msg = _(
            "The CPR number has nine digits: Excel may have removed a leading zero. "
            "Format the column as text and export again."
        )
        err("cpr", msg)
    else:
        try:
            cpr = parse_cpr(v["cpr"])
        except ValidationError as exc:
            err("cpr", str(exc.messages[0]))
        else:
            if cpr.birth_date > today:
                err("cpr", _("The date of birth in the CPR number lies in the future."))
            else:
                row.cpr, row.cpr_hash = cpr, cpr_hash(cpr)

    # Messages are translated only when needed: gettext per row costs seconds at 50,000 rows.
    for name in ("first_name", "last_name"):
        if not v[name]:
            first = name == "first_name"
            err(name, _("The first name is missing.") if first else _("The last name is missing."))
        elif len(v[name]) > 100:
            first = name == "first_name"
            err(
                name, _("The first name is too long.") if first else _("The last name is too long.")
            )
        else:
            setattr(row, name, v[name])

    role = _ROLES.get(v["role"].casefold())
    if role is None:
        err("role", _("The role must be “parent” or “child”."))
    else:
        row.role = role

    district = _DISTRICTS.get(_key(v["district"]))
    if district is None:
        labels = ", ".join(str(label) for label in District.labels)
        err("district", _("Unknown district. Use one of: %(districts)s.") % {"districts": labels})
    else:
        row.district = district

    benefit = v["benefit_category"]
    if role == PersonRole.PARENT:
        if not benefit:
            msg = _("A parent's benefit category is missing: job_ready or activity_ready.")
            err("benefit_category", msg)
        elif (category := _BENEFITS.get(benefit.casefold())) is None:
            msg = _("The benefit category must be “job_ready” or “activity_ready”.")
            err("benefit_category", msg)
        else:
            row.benefit_category = category
    elif benefit and role == PersonRole.CHILD:
        msg = _("Only parents have a benefit category; leave it empty for a child.")
        err("benefit_category", msg)

    since = v["benefit_since"]
    if since:
        if role == PersonRole.CHILD:
            msg = _("Only parents have a benefit start date; leave it empty for a child.")
            err("benefit_since", msg)
        elif (day := _parse_date(since)) is None:
            msg = _("The benefit start date is not a real date; write it as YYYY-MM-DD.")
            err("benefit_since", msg)
        elif day > today:
            err("benefit_since", _("The benefit start date lies in the future."))
        elif row.cpr is not None and day < row.cpr.birth_date:
            err("benefit_since", _("The benefit start date is before the date of birth."))
        else:
            row.benefit_since = day

    other = v["in_other_effort"]
    if other:
        if (flag := _YES_NO.get(other.casefold())) is None:
            err("in_other_effort", _("Write “yes” or “no”."))
        else:
            row.in_other_effort = flag
    elif role == PersonRole.PARENT:
        msg = _("Say whether the parent is in another special employment effort: yes or no.")
        err("in_other_effort", msg)

    if len(v["language"]) > 60:
        err("language", _("The language is longer than 60 characters."))
    else:
        row.language = v["language"]

    interpreter = v["interpreter_needed"]
    if interpreter:
        if (flag := _YES_NO.get(interpreter.casefold())) is None:
            err("interpreter_needed", _("Write “yes” or “no”."))
        else:
            row.interpreter_needed = flag
    return row


# --- Planning -----------------------------------------------------------------------

_PERSON_FIELDS = (
    "role",
    "first_name",
    "last_name",
    "benefit_category",
    "benefit_since",
    "in_other_effort",
    "language",
    "interpreter_needed",
)
_FAMILY_FIELDS = ("district", "cohort", "preferred_language", "interpreter_needed")


@dataclass
class _Plan:
    report: ImportReport
    new_families: list[Family] = field(default_factory=list)
    changed_families: list[tuple[Family, list[str]]] = field(default_factory=list)
    # A new person's family may be new too: the family is attached when writing.
    new_people: list[tuple[Person, Family, Cpr]] = field(default_factory=list)
    changed_people: list[tuple[Person, Family, list[str]]] = field(default_factory=list)


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _reject_households(rows: list[_Row], report: ImportReport) -> dict[str, list[_Row]]:
    """Reject rows, duplicate CPR numbers and whole households; return the clean households."""
    by_hash: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.cpr_hash:
            by_hash[row.cpr_hash].append(row)
    for same in by_hash.values():
        if len(same) > 1:
            numbers = ", ".join(str(r.row) for r in same)
            for row in same:
                row.errors.append(
                    (
                        "cpr",
                        _("The same CPR number appears in more than one row (rows %(rows)s).")
                        % {"rows": numbers},
                    )
                )

    households: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.household_id:
            households[row.household_id].append(row)

    for members in households.values():
        districts = {r.district for r in members if r.district}
        if len(districts) > 1:
            first = next(r.district for r in members if r.district)
            for row in members:
                if row.district and row.district != first:
                    row.errors.append(
                        ("district", _("The rows of this household name different districts."))
                    )
        if not any(r.role == PersonRole.PARENT for r in members) and all(r.role for r in members):
            members[0].errors.append(("role", _("The household has no parent row.")))

    clean: dict[str, list[_Row]] = {}
    for row in rows:
        for field_name, message in row.errors:
            report.rejected.append({"row": row.row, "field": field_name, "message": message})
    for hid, members in households.items():
        bad = [r for r in members if r.errors]
        if not bad:
            clean[hid] = members
            continue
        sibling = _(
            "Another row of this household was rejected (row %(row)s), "
            "so the household is not imported."
        ) % {"row": bad[0].row}
        for row in members:
            if not row.errors:
                report.rejected.append(
                    {"row": row.row, "field": "household_id", "message": sibling}
                )
    report.rejected.sort(key=lambda r: r["row"])
    return clean


def _plan(rows: list[_Row], *, cohort: str, today: datetime.date) -> _Plan:
    report = ImportReport(rows_read=len(rows))
    plan = _Plan(report=report)
    households = _reject_households(rows, report)

    enrolled: dict[str, list[_Row]] = {}
    for hid, members in households.items():
        parents = [r for r in members if r.role == PersonRole.PARENT]
        for row in parents:
            if row.in_other_effort:
                reason = _(
                    "The parent is already in another special employment effort "
                    "and is not enrolled."
                )
                report.excluded.append({"row": row.row, "reason": reason})
        if all(r.in_other_effort for r in parents):
            reason = _(
                "No parent of this household can be enrolled, so the household is not imported."
            )
            for row in members:
                if row.role == PersonRole.CHILD:
                    report.excluded.append({"row": row.row, "reason": reason})
            continue
        enrolled[hid] = [
            r for r in members if not (r.role == PersonRole.PARENT and r.in_other_effort)
        ]
    report.excluded.sort(key=lambda e: e["row"])

    ids = list(enrolled)
    families: dict[str, Family] = {}
    for chunk in _chunks(ids):
        families.update((f.household_id, f) for f in Family.objects.filter(household_id__in=chunk))
    hashes = [r.cpr_hash for members in enrolled.values() for r in members]
    people: dict[str, Person] = {}
    for chunk in _chunks(hashes):
        people.update((p.cpr_hash, p) for p in Person.objects.filter(cpr_hash__in=chunk))

    for hid, members in enrolled.items():
        parents = [r for r in members if r.role == PersonRole.PARENT]
        wanted = {
            "district": members[0].district,
            "preferred_language": next((r.language for r in parents if r.language), ""),
            "interpreter_needed": any(r.interpreter_needed for r in parents),
        }
        family = families.get(hid)
        if family is None:
            family = Family(
                household_id=hid,
                cohort=cohort,
                target_group_source=TARGET_GROUP_SOURCE,
                target_group_date=today,
                **wanted,
            )
            families[hid] = family
            plan.new_families.append(family)
            report.families_created += 1
        else:
            if cohort:
                wanted["cohort"] = cohort
            changed = [name for name, value in wanted.items() if getattr(family, name) != value]
            if changed:
                for name in changed:
                    setattr(family, name, wanted[name])
                family.target_group_source = TARGET_GROUP_SOURCE
                family.target_group_date = today
                plan.changed_families.append((family, changed))
                report.families_updated += 1

        for row in members:
            data = {name: getattr(row, name) for name in _PERSON_FIELDS}
            person = people.get(row.cpr_hash)
            if person is None:
                # Encrypted only when written: a dry run need not pay for it.
                person = Person(cpr_hash=row.cpr_hash, date_of_birth=row.cpr.birth_date, **data)
                plan.new_people.append((person, family, row.cpr))
                report.people_created += 1
                continue
            changed = [name for name, value in data.items() if getattr(person, name) != value]
            if person.family_id is None or family.pk != person.family_id:
                changed.append("family")
            if person.date_of_birth != row.cpr.birth_date:
                data["date_of_birth"] = row.cpr.birth_date
                changed.append("date_of_birth")
            if changed:
                for name, value in data.items():
                    setattr(person, name, value)
                plan.changed_people.append((person, family, changed))
                report.people_updated += 1
    return plan


# --- Writing ------------------------------------------------------------------------


def _first_case_number() -> int:
    return int(next_case_number().removeprefix(CASE_NUMBER_PREFIX))


def _update_rows(model, objects: list, field_names: list[str], now: datetime.datetime) -> None:
    """UPDATE each row's fields, bumping its version (the forms' optimistic lock).

    One executemany() call for all rows: Django's bulk_update() builds a CASE per field
    and row and took minutes for 50,000 people; this takes seconds on both databases.
    """
    if not objects:
        return
    qn = connection.ops.quote_name
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    updated_at = meta.get_field("updated_at")
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    sql = (
        f"UPDATE {qn(meta.db_table)} SET {assignments}, "  # noqa: S608 – names from model meta
        f"{qn('version')} = {qn('version')} + 1, {qn(updated_at.column)} = %s "
        f"WHERE {qn(meta.pk.column)} = %s"
    )
    stamp = updated_at.get_db_prep_save(now, connection)
    params = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [stamp, obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    for obj in objects:
        obj.updated_at = now


def _write(plan: _Plan, *, actor, actor_username: str, detail: dict) -> None:
    now = timezone.now()
    if plan.new_families:
        number = _first_case_number()
        for family in plan.new_families:
            family.case_number = f"{CASE_NUMBER_PREFIX}{number:04d}"
            number += 1
        Family.objects.bulk_create(plan.new_families)
    if plan.changed_families:
        _update_rows(
            Family,
            [f for f, _c in plan.changed_families],
            [*_FAMILY_FIELDS, "target_group_source", "target_group_date"],
            now,
        )
    for person, family, cpr in plan.new_people:
        person.cpr_encrypted = encrypt_cpr(cpr)
        person.family = family  # the family's primary key exists only now
    Person.objects.bulk_create([p for p, _f, _c in plan.new_people])
    for person, family, _changed in plan.changed_people:
        person.family = family
    _update_rows(
        Person,
        [p for p, _f, _c in plan.changed_people],
        ["family", *_PERSON_FIELDS, "date_of_birth"],
        now,
    )

    ip = client_ip(current_request())
    username = actor_username or (actor.get_username() if actor is not None else "")
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None

    def event(
        action: str, name: str, family: Family, person: Person | None, extra: dict
    ) -> AuditEvent:
        return AuditEvent(
            actor=actor_obj,
            actor_username=username,
            action=action,
            event=name,
            family_id=family.pk,
            case_number=family.case_number,
            person_id=person.pk if person is not None else None,
            ip_address=ip,
            detail=extra,
        )

    events = [
        event(AuditAction.CREATE, "families.import.family_created", f, None, {})
        for f in plan.new_families
    ]
    events += [
        event(AuditAction.CHANGE, "families.import.family_updated", f, None, {"fields": changed})
        for f, changed in plan.changed_families
    ]
    events += [
        event(AuditAction.CREATE, "families.import.person_created", p.family, p, {})
        for p, _f, _c in plan.new_people
    ]
    events += [
        event(
            AuditAction.CHANGE, "families.import.person_updated", p.family, p, {"fields": changed}
        )
        for p, _f, changed in plan.changed_people
    ]
    AuditEvent.objects.bulk_create(events, batch_size=500)
    report = plan.report
    audit_log(
        actor=actor_obj,
        actor_username=username,
        action=AuditAction.CREATE,
        event="families.import.committed",
        detail={
            **detail,
            "rows": report.rows_read,
            "families_created": report.families_created,
            "families_updated": report.families_updated,
            "people_created": report.people_created,
            "people_updated": report.people_updated,
            "excluded": len(report.excluded),
            "rejected_rows": report.rejected_rows,
        },
    )


def _serialise_imports() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])


def target_group_import(
    *,
    data: bytes,
    actor=None,
    actor_username: str = "",
    cohort: str = "",
    dry_run: bool = False,
    today: datetime.date | None = None,
    detail: dict | None = None,
) -> ImportReport:
    """Import a target-group CSV extract; return the report.

    Raises ImportFileError when the file as a whole cannot be read (nothing is written).
    A dry run computes the same plan, and so the same report, and writes nothing.
    The real run is one transaction, serialised against other imports, and safe to
    repeat: a second run of the same file creates and updates nothing.
    """
    today = today or timezone.localdate()
    cohort = cohort.strip()
    rows = [_validate(raw, today) for raw in read_rows(data)]
    if dry_run:
        return _plan(rows, cohort=cohort, today=today).report
    with transaction.atomic():
        _serialise_imports()
        plan = _plan(rows, cohort=cohort, today=today)
        _write(
            plan,
            actor=actor,
            actor_username=actor_username,
            detail={"sha256": hashlib.sha256(data).hexdigest(), "cohort": cohort, **(detail or {})},
        )
    return plan.report


# --- Uploads: preview, then commit (the administrators' page) -------------------------


def _encrypt(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def _decrypt(token: bytes) -> bytes:
    return _fernet().decrypt(bytes(token))


@transaction.atomic
def target_group_upload_create(
    *, actor, data: bytes, file_name: str, cohort: str = ""
) -> TargetGroupImport:
    """Dry-run an uploaded file and keep it (encrypted) for the commit.

    Raises ImportFileError for an unreadable file; nothing is stored then.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 20 MB."))
    report = target_group_import(data=data, cohort=cohort, dry_run=True)
    TargetGroupImport.objects.filter(
        committed_at__isnull=True, created_at__lt=timezone.now() - STALE_UPLOAD_AGE
    ).delete()
    upload = TargetGroupImport.objects.create(
        file_name=file_name[:255],
        data_encrypted=_encrypt(data),
        sha256=hashlib.sha256(data).hexdigest(),
        cohort=cohort.strip(),
        uploaded_by=actor,
        dry_run_report=report.as_dict(),
    )
    audit_log(
        actor=actor,
        action=AuditAction.CREATE,
        event="families.import.uploaded",
        detail={"import_id": upload.pk, "sha256": upload.sha256, "rows": report.rows_read},
    )
    return upload


class AlreadyCommitted(ServiceError):
    """The upload was committed before; it is never imported twice."""


@transaction.atomic
def target_group_upload_commit(*, actor, upload: TargetGroupImport) -> TargetGroupImport:
    """Import a previewed upload. Raises AlreadyCommitted on the second attempt.

    The claim (a conditional update of committed_at) and the import share one
    transaction, so two simultaneous commits import once and a failed import can be
    committed again.
    """
    claimed = TargetGroupImport.objects.filter(pk=upload.pk, committed_at__isnull=True).update(
        committed_at=timezone.now(), committed_by=actor
    )
    if not claimed:
        raise AlreadyCommitted(_("This file has already been imported."))
    upload = TargetGroupImport.objects.get(pk=upload.pk)
    data = _decrypt(upload.data_encrypted)
    if hashlib.sha256(data).hexdigest() != upload.sha256:
        raise ServiceError(_("The stored file is damaged; upload it again."))
    report = target_group_import(
        data=data, actor=actor, cohort=upload.cohort, detail={"import_id": upload.pk}
    )
    upload.result = report.as_dict()
    # Data minimisation: the file (with CPR numbers) is not kept once imported.
    upload.data_encrypted = b""
    upload.save(update_fields=["result", "data_encrypted"])
    return upload


@transaction.atomic
def target_group_upload_discard(*, actor, upload: TargetGroupImport) -> None:
    if upload.is_committed:
        raise AlreadyCommitted(_("This file has already been imported."))
    audit_log(
        actor=actor,
        action=AuditAction.DELETE,
        event="families.import.discarded",
        detail={"import_id": upload.pk, "sha256": upload.sha256},
    )
    upload.delete()
