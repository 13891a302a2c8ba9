"""Importing expenditures from a CSV file, with the target-group import's file rules
(bi18.lib.csvfile.read_rows: UTF-8 or Windows-1252, semicolons/commas/tabs, header
names case- and space-insensitive, blank lines skipped, whole-file errors translated).

Columns: date, amount, line, activity, category; optional: case_number, note, reference.
* date: 2026-03-31 or 31-03-2026 / 31.03.2026 / 31/03/2026;
* amount: DKK > 0, "1.234,50" (Danish), "1234,50" or "1234.50";
* line: "18.21" or "BIU 18.21"; activity: its name (or id) under that line;
* category: consultant_salary / interpreter / job_mentor / other, or the Danish or
  English label (e.g. "Tolk", "Jobmentor");
* case_number: optional, must name an existing family;
* reference: the bookkeeping voucher number. It is the idempotency key; without one, a
  hash of the row's normalised values is (so re-importing the same file adds nothing).

A dry run validates everything and reports what would happen; the commit writes all
valid new rows in one transaction (rows with errors are reported, never written).
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from bi18.audit.models import AuditAction
from bi18.audit.services import audit_log, audit_log_families
from bi18.lib.amounts import AmountError, parse_amount
from bi18.lib.csvfile import ImportFileError, read_rows
from bi18.lib.dates import parse_date
from budget.models import Activity, BudgetLine, Category, Expenditure, ExpenditureImport
from families.models import Family

COLUMNS = ("date", "amount", "line", "activity", "category")
OPTIONAL = ("case_number", "note", "reference")
_CHUNK = 900

_CATEGORY_WORDS = {
    "consultant_salary": Category.CONSULTANT_SALARY,
    "consultant salary": Category.CONSULTANT_SALARY,
    "konsulentløn": Category.CONSULTANT_SALARY,
    "løn": Category.CONSULTANT_SALARY,
    "interpreter": Category.INTERPRETER,
    "tolk": Category.INTERPRETER,
    "tolkebistand": Category.INTERPRETER,
    "job_mentor": Category.JOB_MENTOR,
    "job mentor": Category.JOB_MENTOR,
    "jobmentor": Category.JOB_MENTOR,
    "other": Category.OTHER,
    "andet": Category.OTHER,
    "øvrigt": Category.OTHER,
}


@dataclass
class ExpenditureImportReport:
    rows_read: int = 0
    created: int = 0
    already_imported: int = 0
    total_amount: Decimal = Decimal(0)
    rejected: list[dict] = field(default_factory=list)
    committed: bool = False

    def as_dict(self) -> dict:
        return {
            "rows_read": self.rows_read,
            "created": self.created,
            "already_imported": self.already_imported,
            "total_amount": f"{self.total_amount:.2f}",
            "rejected": list(self.rejected),
            "committed": self.committed,
        }


@dataclass
class _Valid:
    row: int
    values: dict


def _parse_date(text: str) -> datetime.date:
    day = parse_date(text)
    if day is None or not datetime.date(2000, 1, 1) <= day <= datetime.date(2100, 12, 31):
        raise ValueError
    return day


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _row_hash(values: dict) -> str:
    parts = [
        values["date"].isoformat(),
        f"{values['amount']:.2f}",
        str(values["line"].pk),
        str(values["activity"].pk),
        values["category"],
        str(values["family"].pk if values["family"] else ""),
        values["note"],
    ]
    return "sha256:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def _validate(data: bytes) -> tuple[list[_Valid], ExpenditureImportReport]:
    raw_rows = read_rows(data, COLUMNS, OPTIONAL)
    report = ExpenditureImportReport(rows_read=len(raw_rows))
    lines = {}
    for line in BudgetLine.objects.select_related("committee"):
        lines[_key(line.code)] = line
        lines[_key(f"{line.committee.code} {line.code}")] = line
    activities = {}
    for activity in Activity.objects.all():
        activities[(activity.line_id, _key(activity.name))] = activity
        activities[(activity.line_id, str(activity.pk))] = activity
    categories = dict(_CATEGORY_WORDS)
    for value, label in Category.choices:
        categories[_key(str(label))] = value
    case_numbers = {r.values["case_number"].strip().upper() for r in raw_rows} - {""}
    families = {}
    numbers = sorted(case_numbers)
    for i in range(0, len(numbers), _CHUNK):
        for family in Family.objects.filter(case_number__in=numbers[i : i + _CHUNK]).only(
            "pk", "case_number"
        ):  # only the case number: the import never reads personal data
            families[family.case_number] = family

    valid: list[_Valid] = []
    for raw in raw_rows:
        errors = list(raw.errors)
        v = raw.values
        values: dict = {"note": v["note"][:300]}

        def err(name, message, errors=errors):
            errors.append((name, message))

        try:
            values["date"] = _parse_date(v["date"])
        except ValueError:
            err("date", _("Not a date; write it like 2026-03-31 or 31-03-2026."))
        try:
            values["amount"] = parse_amount(v["amount"])
            if values["amount"] <= 0:
                err("amount", _("The amount must be greater than 0."))
        except AmountError:
            # Never echo the cell: a shifted column could put a CPR number here.
            err("amount", _("Not an amount; write it like 1.234,50 (at most two decimals)."))
        line = lines.get(_key(v["line"]))
        if line is None:
            err("line", _("Unknown budget line; use e.g. 18.21 or 78.10."))
        values["line"] = line
        activity = None
        if line is not None:
            activity = activities.get((line.pk, _key(v["activity"]))) or activities.get(
                (line.pk, v["activity"].strip())
            )
        if line is not None and activity is None:
            err("activity", _("No such activity under budget line %(line)s.") % {"line": line.code})
        values["activity"] = activity
        category = categories.get(_key(v["category"]))
        if category is None:
            err(
                "category",
                _("Unknown category; use consultant salary, interpreter, job mentor or other."),
            )
        values["category"] = category
        case_number = v["case_number"].strip().upper()
        values["family"] = families.get(case_number) if case_number else None
        if case_number and values["family"] is None:
            err("case_number", _("No family has this case number."))
        reference = v["reference"].strip()
        if len(reference) > 100:
            err("reference", _("The reference is longer than 100 characters."))
        if errors:
            for name, message in errors:
                report.rejected.append({"row": raw.row, "field": name, "message": str(message)})
            continue
        values["reference"] = reference or _row_hash(values)
        valid.append(_Valid(row=raw.row, values=values))

    # Idempotency: references already stored, or repeated within the file.
    seen: set[str] = set()
    refs = [r.values["reference"] for r in valid]
    existing: set[str] = set()
    for i in range(0, len(refs), _CHUNK):
        existing.update(
            Expenditure.objects.filter(reference__in=refs[i : i + _CHUNK]).values_list(
                "reference", flat=True
            )
        )
    new: list[_Valid] = []
    for r in valid:
        ref = r.values["reference"]
        if ref in existing or ref in seen:
            report.already_imported += 1
            continue
        seen.add(ref)
        new.append(r)
        report.total_amount += r.values["amount"]
    report.created = len(new)
    return new, report


def expenditure_import(*, data: bytes, actor, dry_run: bool) -> ExpenditureImportReport:
    """Validate `data` and, unless `dry_run`, write its new valid rows in one transaction.

    Raises bi18.lib.csvfile.ImportFileError when the file as a whole cannot be read.
    Safe to repeat: rows already imported (same reference or row hash) are skipped.
    """
    rows, report = _validate(data)
    if dry_run or not rows:
        return report
    with transaction.atomic():
        objects = [
            Expenditure(
                date=r.values["date"],
                amount=r.values["amount"],
                line=r.values["line"],
                activity=r.values["activity"],
                category=r.values["category"],
                family=r.values["family"],
                note=r.values["note"],
                reference=r.values["reference"],
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            for r in rows
        ]
        Expenditure.objects.bulk_create(objects, batch_size=1000)
        families = {r.values["family"].pk: r.values["family"] for r in rows if r.values["family"]}
        audit_log(
            actor=actor,
            action=AuditAction.CREATE,
            event="budget.expenditures.imported",
            detail={"created": len(objects), "families": len(families)},
        )
        if families:
            # One entry per family named (one INSERT), so a citizen's access report finds it.
            audit_log_families(
                actor=actor,
                action=AuditAction.CREATE,
                event="budget.expenditure.created",
                families=list(families.values()),
                detail={"import": True},
            )
        report.committed = True
    return report


def upload_create(*, actor, filename: str, data: bytes) -> ExpenditureImport:
    """Keep an uploaded file with its dry-run report until it is committed or discarded.
    Raises ImportFileError (nothing kept) for a file that cannot be read."""
    report = expenditure_import(data=data, actor=actor, dry_run=True)
    return ExpenditureImport.objects.create(
        filename=filename[:200], data=data, report=report.as_dict(), created_by=actor
    )


def upload_commit(*, actor, upload: ExpenditureImport) -> ExpenditureImportReport:
    with transaction.atomic():
        upload = ExpenditureImport.objects.select_for_update().get(pk=upload.pk)
        if upload.status != ExpenditureImport.Status.PREVIEWED:
            raise ImportFileError(_("This file has already been imported or discarded."))
        report = expenditure_import(data=bytes(upload.data), actor=actor, dry_run=False)
        upload.status = ExpenditureImport.Status.COMMITTED
        upload.report = report.as_dict()
        upload.data = b""
        upload.save(update_fields=["status", "report", "data"])
    return report


@transaction.atomic
def upload_discard(*, actor, upload: ExpenditureImport) -> None:
    """Discard a previewed file: its data is dropped and nothing is imported. Raises
    ImportFileError if it was imported or discarded already; safe to repeat."""
    discarded = ExpenditureImport.objects.filter(
        pk=upload.pk, status=ExpenditureImport.Status.PREVIEWED
    ).update(status=ExpenditureImport.Status.DISCARDED, data=b"")
    if not discarded:
        raise ImportFileError(_("This file has already been imported or discarded."))
    audit_log(
        actor=actor,
        action=AuditAction.DELETE,
        event="budget.expenditures.discarded",
        detail={"import_id": upload.pk},
    )
