"""Consent and legal basis for sharing a family's data with an agency (issue 13 §3)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from families.consent.agencies import Agency


class BasisKind(models.TextChoices):
    CONSENT = "consent", _("Consent")
    LAW = "law", _("Legal basis")


class SharingBasisQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date | None = None):
        """In force on `day`: started, not expired, not withdrawn. Withdrawal takes
        effect at once, whatever date it was given for."""
        day = day or timezone.localdate()
        return self.filter(
            Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            withdrawn_at__isnull=True,
        )


class SharingBasis(models.Model):
    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="sharing_bases"
    )
    agency = models.CharField(_("agency"), max_length=20, choices=Agency.choices)
    kind = models.CharField(_("basis"), max_length=10, choices=BasisKind.choices)
    legal_reference = models.CharField(
        _("legal reference or consent form"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “Serviceloven § 49 b” or “Samtykkeerklæring BI18”."),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    signed_form = models.ForeignKey(
        "records.Document",
        verbose_name=_("signed form"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Empty: converted from the family's single consent date (migration 0002).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_note = models.TextField(_("withdrawal note"), max_length=2000, blank=True)
    # Set by the nightly job once access has been removed after the basis expired.
    lapse_enforced = models.BooleanField(default=False, editable=False)

    objects = SharingBasisQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent or legal basis")
        verbose_name_plural = _("consents and legal bases")
        ordering = ["agency", "-valid_from", "-id"]
        indexes = [
            models.Index(fields=["family", "agency"], name="basis_family_agency"),
            models.Index(
                fields=["valid_until"],
                condition=Q(lapse_enforced=False, valid_until__isnull=False),
                name="basis_lapse_pending",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="basis_until_after_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.family} → {self.get_agency_display()} ({self.get_kind_display()})"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def is_valid_on(self, day: datetime.date) -> bool:
        return (
            self.valid_from <= day
            and (self.valid_until is None or self.valid_until >= day)
            and not self.is_withdrawn
        )
