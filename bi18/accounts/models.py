from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _

from bi18.accounts.roles import PERMISSIONS, Role
from bi18.accounts.sessions import BaseUserSession


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
            self._role_names = set(self.groups.values_list("name", flat=True))
        return self._role_names

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in sorted(self.role_names) if r in Role.values]


class Session(BaseUserSession):
    """A log-in session (SESSION_ENGINE = bi18.accounts.sessions), with its user's id."""

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
