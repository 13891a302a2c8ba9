"""The target-group import and the administrators' uploads (preview, then commit).

Each service is atomic and writes its audit rows in the same transaction.
"""

import datetime
import hashlib

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.audit.models import AuditAction
from bi18.audit.services import audit_log
from bi18.lib.csvfile import ImportFileError, read_rows
from bi18.lib.errors import ServiceError
from families.cpr import decrypt_bytes, encrypt_bytes
from families.importer.households import COORDINATOR_ROLE, ImportReport, plan_import
from families.importer.rows import COLUMNS, OPTIONAL_COLUMNS, validate_row
from families.importer.writing import write_plan
from families.models import TargetGroupImport

MAX_FILE_BYTES = 20 * 1024 * 1024
# Uncommitted uploads hold CPR numbers; they are kept only long enough to be committed.
STALE_UPLOAD_AGE = datetime.timedelta(days=1)
# Serialises imports on PostgreSQL (case numbers are handed out in a block).
_ADVISORY_LOCK_ID = 180_018


def serialise_imports() -> None:
    """Imports run one at a time on PostgreSQL (call inside the import's transaction)."""
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
    default_coordinator=None,
) -> ImportReport:
    """Import a target-group CSV extract; return the report.

    Raises ImportFileError when the file as a whole cannot be read (nothing is written).
    A dry run computes the same plan, and so the same report, and writes nothing.
    The real run is one transaction, serialised against other imports, and safe to
    repeat: a second run of the same file creates and updates nothing.

    Each imported family without a coordinator gets one – the household's `coordinator`
    column, else `default_coordinator` – as an access grant that takes effect when a second
    administrator approves it (four eyes; all of one import are approved together).
    """
    today = today or timezone.localdate()
    cohort = cohort.strip()
    if default_coordinator is not None:
        check_default_coordinator(default_coordinator, actor=actor)
    rows = [validate_row(raw, today) for raw in read_rows(data, COLUMNS, OPTIONAL_COLUMNS)]
    planning = {
        "cohort": cohort,
        "today": today,
        "default_coordinator": default_coordinator,
        "actor": actor,
    }
    if dry_run:
        return plan_import(rows, **planning).report
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        serialise_imports()
        plan = plan_import(rows, **planning)
        write_plan(
            plan,
            actor=actor,
            actor_username=actor_username,
            detail={"sha256": digest, "cohort": cohort, **(detail or {})},
            batch=f"import-{(detail or {}).get('import_id') or digest[:12]}",
        )
    return plan.report


def check_default_coordinator(user, *, actor=None) -> None:
    """The coordinator chosen at import for every family without one: an active family
    caseworker, and not the importing administrator (four eyes)."""
    if not (user.is_active and user.has_role(COORDINATOR_ROLE)):
        raise ServiceError(_("The coordinator must be an active family caseworker."))
    if actor is not None and user.pk == actor.pk:
        raise ServiceError(_("You cannot make yourself coordinator (four eyes)."))


@transaction.atomic
def target_group_upload_create(
    *, actor, data: bytes, file_name: str, cohort: str = "", default_coordinator=None
) -> TargetGroupImport:
    """Dry-run an uploaded file and keep it (encrypted) for the commit.

    Raises ImportFileError for an unreadable file; nothing is stored then.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 20 MB."))
    report = target_group_import(
        data=data,
        cohort=cohort,
        dry_run=True,
        actor=actor,
        default_coordinator=default_coordinator,
    )
    TargetGroupImport.objects.filter(
        committed_at__isnull=True, created_at__lt=timezone.now() - STALE_UPLOAD_AGE
    ).delete()
    upload = TargetGroupImport.objects.create(
        file_name=file_name[:255],
        data_encrypted=encrypt_bytes(data),
        sha256=hashlib.sha256(data).hexdigest(),
        cohort=cohort.strip(),
        default_coordinator=default_coordinator,
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
    data = decrypt_bytes(upload.data_encrypted)
    if hashlib.sha256(data).hexdigest() != upload.sha256:
        raise ServiceError(_("The stored file is damaged; upload it again."))
    report = target_group_import(
        data=data,
        actor=actor,
        cohort=upload.cohort,
        detail={"import_id": upload.pk},
        default_coordinator=upload.default_coordinator,
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
