from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YouthConfig(AppConfig):
    name = "youth"
    verbose_name = _("Youth track")

    def ready(self):
        from families.access import register_policy
        from families.registry import (
            register_deadline_kind,
            register_demo_seeder,
            register_family_panel,
        )
        from youth import access, deadlines, demo, events, panels

        events.register()
        for policy in access.POLICIES:
            register_policy(policy)
        register_family_panel(panels.PANEL)
        for kind in deadlines.KINDS:
            register_deadline_kind(kind)
        register_demo_seeder(demo.SEEDER)
