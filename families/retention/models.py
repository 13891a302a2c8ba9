"""Retention review list, legal holds and the record of each erasure (issue 13 §4)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RetentionCandidate(models.Model):
    """A family past retention, listed by the nightly job for an administrator's review."""

    family = models.OneToOneField(
        "families.Family", on_delete=models.CASCADE, related_name="retention_candidate"
    )
    ended_on = models.DateField(_("effort ended"))
    due_on = models.DateField(_("erasure due"))
    listed_at = models.DateTimeField(_("listed"), default=timezone.now)

    class Meta:
        verbose_name = _("family past retention")
        verbose_name_plural = _("families past retention")
        ordering = ["due_on", "family_id"]
        indexes = [models.Index(fields=["due_on", "family"], name="retention_cand_due")]

    def __str__(self) -> str:
        return f"{self.family} ({self.due_on})"


class LegalHold(models.Model):
    """Stops erasure (e.g. a complaint or a court case) until lifted."""

    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="legal_holds"
    )
    reason = models.TextField(_("reason"), max_length=1000)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"], condition=Q(lifted_at__isnull=True), name="one_active_hold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.family}: {self.reason[:40]}"


class Erasure(models.Model):
    """That and why a family's personal data was erased. The family row stays, without
    personal data, so that past targets keep counting it."""

    family = models.OneToOneField(
        "families.Family", on_delete=models.PROTECT, related_name="erasure"
    )
    case_number = models.CharField(_("case number"), max_length=20)
    reason = models.TextField(_("reason"), max_length=1000)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    erased_at = models.DateTimeField(_("erased"), default=timezone.now)
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"{self.case_number} ({self.erased_at:%Y-%m-%d})"
