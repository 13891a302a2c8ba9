"""What "Mit arbejde" keeps per user: snoozed items and the remembered filter.

The items themselves are derived (families.worklist.engine); a snooze refers to one by its
stable key (Deadline.key) and hides it from its owner's list until `until`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bi18.lib import textlimits
from families.models import Family, Person


class Period(models.TextChoices):
    OVERDUE = "overdue", _("Overdue only")
    WEEK = "week", _("Overdue and the next 7 days")
    HORIZON = "horizon", _("Overdue and the next 14 days")
    MONTH = "month", _("Overdue and the next 30 days")


class Snooze(models.Model):
    """A user's acknowledgement that an item cannot be done yet, with the reason: the item
    leaves their list until `until` (the day it comes back)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+")
    # Whom the item is about, where it is about one person (for that person's insight).
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    item_key = models.CharField(max_length=300)
    kind = models.CharField(max_length=80)
    until = models.DateField(_("back on my list on"))
    reason = models.TextField(_("reason"), max_length=textlimits.REASON)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("snoozed work item")
        verbose_name_plural = _("snoozed work items")
        constraints = [
            models.UniqueConstraint(fields=["user", "item_key"], name="snooze_user_item")
        ]
        indexes = [models.Index(fields=["user", "until"], name="snooze_user_until")]

    def __str__(self) -> str:
        return f"{self.item_key} → {self.until}"


class WorklistFilter(models.Model):
    """The filter a user last chose on "Mit arbejde", shown again next time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    kind = models.CharField(max_length=80, blank=True)
    family = models.ForeignKey(
        Family, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    period = models.CharField(max_length=10, choices=Period.choices, default=Period.HORIZON)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}/{self.family_id}/{self.period}"


class DigestSent(models.Model):
    """The daily digest's done-marker: one row per user per day (unique), inserted
    in the same transaction as the send decision so a re-run sends nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    item_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="digest_once_per_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date}"
