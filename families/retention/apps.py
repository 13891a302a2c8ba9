from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "families.retention"
    label = "retention"
    verbose_name = _("Retention and erasure")

    def ready(self) -> None:
        from bi18.audit.labels import register_event
        from bi18.navigation import AdminCard, register_admin_card
        from families.retention.events import EVENTS

        for name, label in EVENTS.items():
            register_event(name, label)
        register_admin_card(
            AdminCard(
                key="retention",
                title=_("Retention and erasure"),
                text=_(
                    "Review the families past retention and erase their personal data, or place "
                    "a legal hold."
                ),
                url_name="retention:review",
                order=80,
                visible=lambda user: user.has_perm("accounts.view_audit_log"),
            )
        )
