import functools

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bi18.accounts.roles import PERMISSIONS, Role
from bi18.accounts.sessions import BaseUserSession
from bi18.lib.prepared import prepared_cursor


class User(AbstractUser):
    """A municipal employee. Roles are groups (see roles.py)."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = list(PERMISSIONS.items())

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_names(self) -> set[str]:
        # Cached per request: many templates ask.
        if not hasattr(self, "_role_names"):
            self._load_roles()
        return self._role_names

    def has_perm(self, perm, obj=None) -> bool:
        if obj is None and not hasattr(self, "_role_names"):
            self._load_roles()
        return super().has_perm(perm, obj)

    def _load_roles(self) -> None:
        """The role names and the permissions in one query, not three: every page asks for
        both (navigation, the second-factor policy, scope, the user menu).

        Fills ModelBackend's per-object caches (`_user_perm_cache`, `_group_perm_cache`)
        with exactly what it would load itself, so every permission check reads them; they
        live as long as this user object, i.e. one request, as Django's own do. A superuser's
        or an inactive user's permissions are left to ModelBackend."""
        with prepared_cursor(connections[self._state.db or DEFAULT_DB_ALIAS]) as cursor:
            cursor.execute(_roles_sql(), [self.pk, self.pk])
            rows = cursor.fetchall()
        names, group_perms, user_perms = set(), set(), set()
        for name, app_label, codename in rows:
            if name:
                names.add(name)
            if codename is not None:
                (group_perms if name else user_perms).add(f"{app_label}.{codename}")
        self._role_names = names
        if self.is_active and not self.is_superuser:
            self._group_perm_cache = group_perms
            self._user_perm_cache = user_perms

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in sorted(self.role_names) if r in Role.values]


@functools.cache
def _roles_sql() -> str:
    """A user's groups with their permissions, then the user's own permissions (group name
    ''). Written once as SQL: building this union through the ORM cost more CPU than the
    rest of a simple page's queries together, on every request."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    user_groups = User.groups.through._meta.db_table
    user_perms = User.user_permissions.through._meta.db_table
    group_perms = Group.permissions.through._meta.db_table
    group, perm = Group._meta.db_table, Permission._meta.db_table
    ctype = ContentType._meta.db_table
    return (
        f"SELECT g.name, ct.app_label, p.codename FROM {user_groups} ug"  # noqa: S608 - table names from _meta
        f" JOIN {group} g ON g.id = ug.group_id"
        f" LEFT JOIN {group_perms} gp ON gp.group_id = g.id"
        f" LEFT JOIN {perm} p ON p.id = gp.permission_id"
        f" LEFT JOIN {ctype} ct ON ct.id = p.content_type_id"
        " WHERE ug.user_id = %s"
        f" UNION ALL SELECT '', ct.app_label, p.codename FROM {user_perms} up"
        f" JOIN {perm} p ON p.id = up.permission_id"
        f" JOIN {ctype} ct ON ct.id = p.content_type_id"
        " WHERE up.user_id = %s"
    )


class Session(BaseUserSession):
    """A log-in session (SESSION_ENGINE = bi18.accounts.sessions), with its user's id."""

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")


class GrantStatus(models.TextChoices):
    """The life of a grant that needs a second person's approval (four eyes)."""

    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("grant status", "Withdrawn")


class RoleGrant(models.Model):
    """A role that an administrator gave and that takes effect only when a second
    administrator approves it: an account's first case role (it opens the way to case
    data) and the administrator role (an administrator approves others' grants).
    The user gets the role's group on approval, not before."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=GrantStatus.choices, default=GrantStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
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

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(status=GrantStatus.PENDING),
                name="role_grant_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status=GrantStatus.PENDING, decided_at__isnull=True)
                | (~Q(status=GrantStatus.PENDING) & Q(decided_at__isnull=False)),
                name="role_grant_decided_when_not_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-requested_at"], name="role_grant_status_requested")
        ]

    def __str__(self) -> str:
        return f"{self.role} → {self.user_id} ({self.status})"


class OidcIdentity(models.Model):
    """A user's account at the municipality's OpenID provider: the stable subject id.

    The pair (issuer, subject) identifies a person for good, whatever their name, e-mail or
    user name become; a user may hold identities of two providers (e.g. AD FS, then Entra ID).
    """

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="oidc_identities", verbose_name=_("user")
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"
