from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "families.retention"
    label = "retention"
    verbose_name = _("Retention and erasure")

    def ready(self) -> None:
        from bi18.audit.labels import register_event
        from families.retention.events import EVENTS

        for name, label in EVENTS.items():
            register_event(name, label)
