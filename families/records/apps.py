from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "families.records"
    label = "records"
    verbose_name = _("Journal notes and documents")

    def ready(self) -> None:
        from bi18.audit.labels import register_event
        from families.records import panels, privacy, storage
        from families.records.events import EVENTS
        from families.registry import (
            register_demo_seeder,
            register_encrypted_store,
            register_family_panel,
            register_personal_data,
        )

        for name, label in EVENTS.items():
            register_event(name, label)
        register_family_panel(panels.PANEL)
        register_demo_seeder(panels.DEMO_SEEDER)
        register_personal_data(privacy.SOURCE)
        register_encrypted_store(storage.STORE)
