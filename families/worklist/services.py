"""Writes of "Mit arbejde": snoozing an item, remembering the filter, sending the digest."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bi18.audit.services import audit_log
from families.models import Family
from families.worklist.engine import items_for
from families.worklist.events import SNOOZE_REMOVED, SNOOZED
from families.worklist.models import DigestSent, Period, Snooze, WorklistFilter
from families.worklist.registry import Deadline
from families.worklist.selectors import by_family, without_snoozed


@transaction.atomic
def snooze_item(*, actor, item: Deadline, family: Family, until: datetime.date, reason: str):
    """Hide `item` from the actor's list until `until`, with the reason; audited. Snoozing
    it again replaces the date and reason. The caller has checked that the item is on the
    actor's own list (selectors.find_item)."""
    snooze, _created = Snooze.objects.update_or_create(
        user=actor,
        item_key=item.key,
        defaults={
            "family": family,
            "person_id": item.extra.get("person_id"),
            "kind": item.kind,
            "until": until,
            "reason": reason,
            "created_at": timezone.now(),
        },
    )
    audit_log(
        actor=actor,
        action="change",
        event=SNOOZED,
        family=family,
        detail={"snooze_id": snooze.pk, "kind": item.kind, "until": until.isoformat()},
    )
    return snooze


@transaction.atomic
def snooze_remove(*, actor, snooze: Snooze) -> None:
    """Put a snoozed item back on the list now; audited."""
    audit_log(
        actor=actor,
        action="delete",
        event=SNOOZE_REMOVED,
        family=snooze.family,
        detail={"snooze_id": snooze.pk, "kind": snooze.kind},
    )
    snooze.delete()


def filter_remember(*, user, kind: str, family_id: int | None, period: str) -> None:
    """Keep the user's chosen filter for next time: one UPDATE, or an INSERT the first time."""
    values = {
        "kind": kind,
        "family_id": family_id,
        "period": period if period in Period.values else Period.HORIZON,
        "updated_at": timezone.now(),
    }
    if not WorklistFilter.objects.filter(user=user).update(**values):
        try:
            with transaction.atomic():
                WorklistFilter.objects.create(user=user, **values)
        except IntegrityError:  # the same user's other tab saved first
            WorklistFilter.objects.filter(user=user).update(**values)


def filter_forget(*, user) -> None:
    WorklistFilter.objects.filter(user=user).delete()


def digest_send(*, user, day: datetime.date) -> bool:
    """E-mail `user` their "Mit arbejde" list for `day` (SPEC §7) unless it was sent
    already; True if sent. As on the page: without the items they snoozed, by family.

    Idempotent: the DigestSent row (unique per user and day) is inserted in the same
    transaction as the send decision. A concurrent or repeated run blocks on, then
    fails, the insert and sends nothing. If sending raises, the row rolls back and a
    retry sends the mail. (The one window left is a crash between the SMTP hand-off
    and the commit, which could send a second mail on retry: at-least-once, never lost.)
    Case numbers, kinds, dates and links only: no names or CPR numbers, as e-mail leaves
    the application's access control.
    """
    work = without_snoozed(user, items_for(user, day))
    if not work:
        return False
    site_url = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with transaction.atomic():
                DigestSent.objects.create(
                    user=user, date=day, item_count=len(work.overdue) + len(work.upcoming)
                )
                context = {
                    "user": user,
                    "work": work,
                    "overdue_families": by_family(work.overdue, day),
                    "upcoming_families": by_family(work.upcoming, day),
                    "site_url": site_url,
                    "home_url": site_url + reverse("home"),
                }
                subject = _(
                    "Your work for %(date)s: %(overdue)s overdue, %(upcoming)s due soon"
                ) % {
                    "date": date_format(day, "SHORT_DATE_FORMAT"),
                    "overdue": len(work.overdue),
                    "upcoming": len(work.upcoming),
                }
                body = render_to_string("worklist/email/digest.txt", context)
                send_mail(subject, body, None, [user.email])
        except IntegrityError:
            return False
    return True
