from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "bi18.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from bi18.audit.dbroles import grant_after_migrate
        from bi18.audit.events import EVENTS
        from bi18.audit.labels import register_event

        post_migrate.connect(grant_after_migrate, sender=self)
        for name, label in EVENTS.items():
            register_event(name, label)
