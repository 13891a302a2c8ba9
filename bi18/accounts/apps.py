from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bi18.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from bi18.accounts import signals  # noqa: F401

        # Also after `flush` (which emits post_migrate): transactional tests and a
        # re-seeded database keep the roles that migration 0002 created.
        post_migrate.connect(signals.ensure_roles, sender=self)
        from bi18.audit.labels import register_event

        for name, label in (
            ("accounts.user.created", _("User created")),
            ("accounts.user.changed", _("User changed")),
            ("accounts.user.deactivated", _("User deactivated")),
            ("accounts.user.reactivated", _("User reactivated")),
            ("accounts.user.unlocked", _("User unlocked after failed log-ins")),
            ("accounts.user.password_set", _("Password set")),
            ("accounts.role.requested", _("Role asked for (awaiting approval)")),
            ("accounts.role.approved", _("Role approved")),
            ("accounts.role.rejected", _("Role rejected")),
            ("accounts.role.withdrawn", _("Role request withdrawn")),
        ):
            register_event(name, label)
