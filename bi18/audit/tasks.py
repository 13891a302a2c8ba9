from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bi18.audit.models import AuditAction, AuditEvent
from bi18.audit.services import audit_log


@shared_task(name="audit.purge_expired", time_limit=600)
def purge_expired() -> int:
    """Delete audit entries older than AUDIT_RETENTION_DAYS and nothing newer.

    Idempotent and safe to retry: a second run finds nothing more to delete (and
    then writes nothing). A run that deletes entries records how many, in the same
    transaction, so that the log shows its own retention working.
    """
    cutoff = timezone.now() - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    with transaction.atomic():
        deleted = AuditEvent.objects.purge_before(cutoff)
        if deleted:
            audit_log(
                actor=None,
                action=AuditAction.DELETE,
                event="audit.log.purged",
                detail={"deleted": deleted, "cutoff": cutoff.isoformat()},
            )
    return deleted
