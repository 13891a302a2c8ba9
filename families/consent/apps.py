from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "families.consent"
    label = "consent"
    verbose_name = _("Consent and legal basis")

    def ready(self) -> None:
        from bi18.audit.labels import register_event
        from families.consent import panels, privacy
        from families.consent.events import EVENTS
        from families.registry import (
            register_demo_seeder,
            register_family_panel,
            register_personal_data,
        )

        for name, label in EVENTS.items():
            register_event(name, label)
        register_family_panel(panels.PANEL)
        register_demo_seeder(panels.DEMO_SEEDER)
        register_personal_data(privacy.SOURCE)
