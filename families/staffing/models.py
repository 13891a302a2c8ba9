"""Access to a family that an administrator asked for and a second person must approve.

Imported by families.models so that Django finds it (app label "families").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bi18.accounts.models import GrantStatus
from bi18.accounts.roles import Role


class GrantKind(models.TextChoices):
    MEMBERSHIP = "membership", _("Network-group membership")
    ASSIGNMENT = "assignment", _("Assignment to a person")


class GrantSource(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Added by an administrator")
    HANDOVER = "handover", _("Handover")
    IMPORT = "import", _("Target-group import")


class AccessGrantQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=GrantStatus.PENDING)


class AccessGrant(models.Model):
    """A membership of a family's network group, or an assignment to one of its people,
    that an administrator granted. It takes effect (the NetworkMember or
    PersonAssignment row is written) only when a second administrator, or the family's
    coordinator, approves it; until then it gives no access at all.

    In a handover, `replaces` is the leaving user whose membership (and coordinator
    role) or assignment the grantee takes over on approval.
    """

    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="access_grants"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=GrantKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="access_grants",
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    is_coordinator = models.BooleanField(_("coordinator"), default=False)
    person = models.ForeignKey(
        "families.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    replaces = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("takes over from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    replaces_assignment = models.ForeignKey(
        "families.PersonAssignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=20, choices=GrantSource.choices)
    # Grants made together (one handover, one import) are approved together.
    batch = models.CharField(_("batch"), max_length=40, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GrantStatus.choices, default=GrantStatus.PENDING
    )
    # Empty for `manage.py import_target_group` (run from a shell, by no user).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=GrantKind.MEMBERSHIP, person__isnull=True)
                | Q(kind=GrantKind.ASSIGNMENT, person__isnull=False, is_coordinator=False),
                name="grant_person_only_for_assignments",
            ),
            models.CheckConstraint(
                condition=~Q(requested_by=models.F("user")), name="grant_not_to_oneself"
            ),
            models.CheckConstraint(
                condition=Q(status=GrantStatus.PENDING, decided_at__isnull=True)
                | (~Q(status=GrantStatus.PENDING) & Q(decided_at__isnull=False)),
                name="grant_decided_when_not_pending",
            ),
            # One open request per user and family (membership) or person (assignment).
            models.UniqueConstraint(
                fields=["family", "user"],
                condition=Q(status=GrantStatus.PENDING, kind=GrantKind.MEMBERSHIP),
                name="grant_one_pending_membership",
            ),
            models.UniqueConstraint(
                fields=["person", "user"],
                condition=Q(status=GrantStatus.PENDING, kind=GrantKind.ASSIGNMENT),
                name="grant_one_pending_assignment",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-requested_at"], name="grant_status_requested"),
            models.Index(fields=["family", "status"], name="grant_family_status"),
            models.Index(fields=["replaces", "status"], name="grant_replaces_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.family_id} → {self.user_id} ({self.status})"
