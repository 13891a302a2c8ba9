from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _manages_users(user) -> bool:
    return user.has_perm("accounts.manage_users")


def _lands_on_administration(user) -> bool:
    return user.has_perm("accounts.manage_users") or user.has_perm("accounts.view_audit_log")


def _may_administer(user) -> bool:
    return (
        user.has_perm("accounts.manage_users")
        or user.has_perm("accounts.view_audit_log")
        or user.has_perm("accounts.import_target_group")
    )


class AccountsConfig(AppConfig):
    name = "bi18.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.core import checks as django_checks
        from django.db.models.signals import post_migrate

        from bi18.accounts import checks, signals
        from bi18.accounts.events import EVENTS
        from bi18.audit.labels import register_event
        from bi18.navigation import (
            AdminCard,
            LandingPage,
            NavItem,
            register_admin_card,
            register_landing_page,
            register_nav_item,
        )

        register_nav_item(
            NavItem(
                key="admin",
                label=_("Administration"),
                url_name="accounts:admin_home",
                order=90,
                visible=_may_administer,
            )
        )
        register_admin_card(
            AdminCard(
                key="users",
                title=_("Users and roles"),
                text=_(
                    "Create users, give them roles, deactivate users who leave, unlock accounts "
                    "after failed log-ins and set new passwords."
                ),
                url_name="accounts:user_list",
                order=10,
                visible=_manages_users,
            )
        )
        # Managers and evaluators land on their own pages first (budget, evaluation).
        register_landing_page(
            LandingPage(
                key="admin",
                url_name="accounts:admin_home",
                order=90,
                applies=_lands_on_administration,
            )
        )
        for name, label in EVENTS.items():
            register_event(name, label)
        user_logged_in.connect(signals.on_logged_in)
        user_logged_out.connect(signals.on_logged_out)
        user_login_failed.connect(signals.on_login_failed)
        django_checks.register(checks.check_oidc, django_checks.Tags.security)
        django_checks.register(checks.check_oidc_https, django_checks.Tags.security, deploy=True)
        # Also after `flush` (which emits post_migrate): transactional tests and a
        # re-seeded database keep the roles that migration 0002 created.
        post_migrate.connect(signals.ensure_roles, sender=self)
        # The navigation's and base template's fixed links, kept per process, are forgotten
        # when a test changes a setting.
        from django.core.signals import setting_changed

        from bi18.lib import fixed_urls, prepared

        setting_changed.connect(fixed_urls.forget)
        # So are the queries compiled once (a rule's number of days is in their text).
        setting_changed.connect(prepared.forget_compiled)
        # The second-factor devices are managed in BI18 (set-up, reset), never in Django's admin
        # site, whose device pages would show the TOTP secret and QR code to superusers.
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
