"""Append-only audit log of the use of personal data (SPEC §8, Datatilsynet).

Rows are only ever inserted. Updates are refused by the model, by the queryset
and, on PostgreSQL, by a trigger and by the application role's missing rights
(bi18.audit.dbroles); deletion happens only through
`AuditEvent.objects.purge_before()`, called by the retention job.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The retention may be configured down to this, never below (also in migration 0004's SQL).
AUDIT_RETENTION_FLOOR_DAYS = 30


class AuditAction(models.TextChoices):
    VIEW = "view", _("View")
    SEARCH = "search", pgettext_lazy("audit action", "Search")
    CREATE = "create", _("Create")
    CHANGE = "change", pgettext_lazy("audit action", "Change")
    DELETE = "delete", pgettext_lazy("audit action", "Delete")
    EXPORT = "export", _("Export")
    CPR_REVEAL = "cpr_reveal", _("CPR number shown")
    LOGIN = "login", _("Log-in")
    LOGIN_FAILED = "login_failed", _("Failed log-in")
    LOGOUT = "logout", _("Log-out")


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events are deleted only by the retention job.")

    def purge_before(self, cutoff) -> int:
        """Delete entries older than `cutoff` (the retention job's only tool).

        On PostgreSQL through audit_purge_before() (migration 0004): the application's
        database role has no DELETE on this table. The function refuses, and so does
        this method everywhere, a cutoff within the last AUDIT_RETENTION_FLOOR_DAYS.
        """
        if cutoff > timezone.now() - timedelta(days=AUDIT_RETENTION_FLOOR_DAYS):
            raise AppendOnlyError("Audit entries of the last 30 days cannot be deleted.")
        connection = connections[self.db]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT audit_purge_before(%s)", [cutoff])
                return cursor.fetchone()[0]
        deleted, _per_model = models.QuerySet.delete(self.filter(at__lt=cutoff))
        return deleted

    def about_person(self, person_id: int, family_id: int | None, cpr_hash: str | None):
        """Everything that touched one citizen: their own record, their family's
        pages (which show all members) and searches for their CPR number."""
        q = models.Q(person_id=person_id)
        if family_id is not None:
            q |= models.Q(family_id=family_id, person_id__isnull=True)
        if cpr_hash:
            q |= models.Q(cpr_hash=cpr_hash)
        return self.filter(q)


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time (UTC)"), default=timezone.now, db_index=True)
    # PROTECT: users are deactivated, never deleted, so "who" always resolves.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    event = models.CharField(_("event"), max_length=100)
    # Plain ids, not foreign keys: an entry outlives the record it is about.
    family_id = models.BigIntegerField(_("family id"), null=True, blank=True)
    case_number = models.CharField(_("case number"), max_length=20, blank=True)
    person_id = models.BigIntegerField(_("person id"), null=True, blank=True)
    # Keyed hash of a CPR number that was searched for, never the number itself.
    cpr_hash = models.CharField(max_length=64, blank=True, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["family_id", "-at"], name="audit_family_at"),
            models.Index(fields=["person_id", "-at"], name="audit_person_at"),
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            # The administrators' search filters by user name (also failed log-ins,
            # which have no actor) and by case number.
            models.Index(fields=["actor_username", "-at"], name="audit_username_at"),
            models.Index(fields=["case_number", "-at"], name="audit_case_number_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.event}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are deleted only by the retention job.")
