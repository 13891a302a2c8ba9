from celery import shared_task


@shared_task(name="consent.enforce_lapsed", time_limit=600, soft_time_limit=540)
def enforce_lapsed() -> int:
    """Nightly: remove access of agencies whose consent or legal basis has expired.
    Safe to retry: each expired basis is handled once."""
    from families.consent.services import basis_lapse_enforce

    return basis_lapse_enforce()
