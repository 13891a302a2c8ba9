from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from bi18.audit.models import AuditEvent


@shared_task(name="audit.purge_expired", time_limit=600)
def purge_expired() -> int:
    """Delete audit entries older than AUDIT_RETENTION_DAYS and nothing newer.

    Idempotent and safe to retry: a second run finds nothing more to delete.
    """
    cutoff = timezone.now() - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    return AuditEvent.objects.purge_before(cutoff)
