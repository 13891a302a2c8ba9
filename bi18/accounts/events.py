"""Audit event names written by the accounts app, with their labels for the audit pages."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "accounts.user.logged_in": _("Logged in"),
    "accounts.user.logged_out": _("Logged out"),
    "accounts.user.login_failed": _("Failed log-in"),
    "accounts.session.expired": _("Session expired"),
    "accounts.user.created": _("User created"),
    "accounts.user.changed": _("User changed"),
    "accounts.user.deactivated": _("User deactivated"),
    "accounts.user.reactivated": _("User reactivated"),
    "accounts.user.unlocked": _("User unlocked after failed log-ins"),
    "accounts.user.password_set": _("Password set"),
    "accounts.role.requested": _("Role asked for (awaiting approval)"),
    "accounts.role.approved": _("Role approved"),
    "accounts.role.rejected": _("Role rejected"),
    "accounts.role.withdrawn": _("Role request withdrawn"),
    "accounts.user.roles_from_claims": _("Roles changed by single sign-on"),
    "accounts.user.sso_linked": _("Account linked to single sign-on"),
    "accounts.user.second_factor_enrolled": _("Two-factor set up"),
    "accounts.user.second_factor_verified": _("Two-factor code given"),
    "accounts.user.second_factor_reset": _("Two-factor reset"),
    "accounts.user.recovery_codes_regenerated": _("New recovery codes made"),
    "accounts.user.password_reset_requested": _("Password reset requested by e-mail"),
    "accounts.user.password_reset": _("Password changed through a reset link"),
}
