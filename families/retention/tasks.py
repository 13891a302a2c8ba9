from celery import shared_task


@shared_task(name="retention.list_due", time_limit=900, soft_time_limit=840)
def list_due() -> int:
    """Nightly: list the families past retention for the administrators' review.
    Safe to retry (the list is recomputed)."""
    from families.retention.services import candidates_refresh

    return candidates_refresh()
