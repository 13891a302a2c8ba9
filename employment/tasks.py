"""The daily digest (SPEC §7): each user's overdue and upcoming items by e-mail.

Engine-wide (it reads every registered deadline kind through families.deadlines),
but kept here so that the done-marker model lives in an app with its own
migrations; nothing in it is employment-specific.
"""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from employment.models import DigestSent
from families.deadlines import items_for
from families.worklist.selectors import by_family, without_snoozed

logger = logging.getLogger(__name__)


def digest_recipients():
    """Active users who work with case data and have an e-mail address."""
    perm = Q(groups__permissions__codename="access_case_data") | Q(
        user_permissions__codename="access_case_data"
    )
    return (
        get_user_model()
        .objects.filter(perm, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def digest_send_for_user(*, user, today: datetime.date) -> bool:
    """Send one user's digest for `today` unless it was already sent. Returns True if sent.

    Idempotent: the DigestSent row (unique per user and day) is inserted in the same
    transaction as the send decision. A concurrent or repeated run blocks on, then
    fails, the insert and sends nothing. If sending raises, the row rolls back and a
    retry sends the mail. (The one window left is a crash between the SMTP hand-off
    and the commit, which could send a second mail on retry: at-least-once, never lost.)
    """
    # As on "Mit arbejde": without the items the user snoozed, grouped by family.
    work = without_snoozed(user, items_for(user, today))
    if not work:
        return False
    site_url = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with transaction.atomic():
                DigestSent.objects.create(
                    user=user, date=today, item_count=len(work.overdue) + len(work.upcoming)
                )
                context = {
                    "user": user,
                    "work": work,
                    "overdue_families": by_family(work.overdue, today, {}),
                    "upcoming_families": by_family(work.upcoming, today, {}),
                    "site_url": site_url,
                    "home_url": site_url + reverse("home"),
                }
                subject = _(
                    "Your work for %(date)s: %(overdue)s overdue, %(upcoming)s due soon"
                ) % {
                    "date": date_format(today, "SHORT_DATE_FORMAT"),
                    "overdue": len(work.overdue),
                    "upcoming": len(work.upcoming),
                }
                body = render_to_string("employment/email/digest.txt", context)
                send_mail(subject, body, None, [user.email])
        except IntegrityError:
            return False
    return True


@shared_task(name="employment.send_daily_digest", soft_time_limit=20 * 60, time_limit=25 * 60)
def send_daily_digest(day: str | None = None) -> int:
    """E-mail every user their "Mit arbejde" list (case numbers, kinds, dates and links;
    no names or CPR numbers, as e-mail leaves the application's access control) for `day` (ISO date, default today).

    Safe to retry and to run twice: each user gets at most one digest per day.
    Returns the number of mails sent.
    """
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    sent = 0
    for user in digest_recipients():
        try:
            sent += digest_send_for_user(user=user, today=today)
        except Exception:
            # One failing user (e.g. an SMTP rejection) must not stop the others; the
            # next run retries them, as their DigestSent row was rolled back.
            logger.exception("Daily digest failed for user id %s", user.pk)
    logger.info("Daily digest for %s: %s sent", today, sent)
    return sent
