from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from bi18.accounts.roles import PERMISSIONS, Role


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
