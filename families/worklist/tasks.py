"""The daily digest's task: each user's "Mit arbejde" by e-mail (SPEC §7). The work is
the service families.worklist.services.digest_send."""

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from families.worklist.selectors import digest_recipients
from families.worklist.services import digest_send

logger = logging.getLogger(__name__)


@shared_task(name="worklist.send_daily_digest", soft_time_limit=20 * 60, time_limit=25 * 60)
def send_daily_digest(day: str | None = None) -> int:
    """Send every recipient their digest for `day` (ISO date, default today); the number of
    mails sent. Safe to retry and to run twice: each user gets at most one a day."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    sent = 0
    for user in digest_recipients():
        try:
            sent += digest_send(user=user, day=today)
        except Exception:
            # One failing user (e.g. an SMTP rejection) must not stop the others; the
            # next run retries them, as their DigestSent row was rolled back.
            logger.exception("Daily digest failed for user id %s", user.pk)
    logger.info("Daily digest for %s: %s sent", today, sent)
    return sent
