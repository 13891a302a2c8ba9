from celery import shared_task
from django.core.management import call_command


@shared_task(name="accounts.clear_expired_sessions", time_limit=600)
def clear_expired_sessions() -> None:
    """Delete expired sessions (Django's `clearsessions`), so that a session's
    content does not outlive it in the database and its backups.

    Idempotent and safe to retry.
    """
    call_command("clearsessions")
