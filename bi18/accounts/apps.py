from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bi18.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from bi18.navigation import NavItem, register_nav_item

        register_nav_item(
            NavItem(
                key="admin",
                label=_("Administration"),
                url_name="accounts:admin_home",
                order=90,
                visible=lambda user: (
                    user.has_perm("accounts.manage_users")
                    or user.has_perm("accounts.view_audit_log")
                    or user.has_perm("accounts.import_target_group")
                ),
            )
        )
        from django.db.models.signals import post_migrate

        from bi18.accounts import checks, signals  # noqa: F401

        # Also after `flush` (which emits post_migrate): transactional tests and a
        # re-seeded database keep the roles that migration 0002 created.
        post_migrate.connect(signals.ensure_roles, sender=self)
        # The second-factor devices are managed in BI18 (set-up, reset), never in Django's admin
        # site, whose device pages would show the TOTP secret and QR code to superusers.
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
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
            ("accounts.user.roles_from_claims", _("Roles changed by single sign-on")),
            ("accounts.user.sso_linked", _("Account linked to single sign-on")),
            ("accounts.user.second_factor_enrolled", _("Two-factor set up")),
            ("accounts.user.second_factor_verified", _("Two-factor code given")),
            ("accounts.user.second_factor_reset", _("Two-factor reset")),
            ("accounts.user.recovery_codes_regenerated", _("New recovery codes made")),
            ("accounts.user.password_reset_requested", _("Password reset requested by e-mail")),
            ("accounts.user.password_reset", _("Password changed through a reset link")),
        ):
            register_event(name, label)
