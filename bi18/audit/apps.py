from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _views_audit_log(user) -> bool:
    return user.has_perm("accounts.view_audit_log")


class AuditConfig(AppConfig):
    name = "bi18.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from bi18.audit.dbroles import grant_after_migrate
        from bi18.audit.events import EVENTS
        from bi18.audit.labels import register_event
        from bi18.navigation import AdminCard, register_admin_card

        post_migrate.connect(grant_after_migrate, sender=self)
        for name, label in EVENTS.items():
            register_event(name, label)
        register_admin_card(
            AdminCard(
                key="audit",
                title=_("Audit log"),
                text=_(
                    "Search who looked up or changed what and when, and produce a citizen's "
                    "access report."
                ),
                url_name="audit:search",
                order=70,
                visible=_views_audit_log,
            )
        )
