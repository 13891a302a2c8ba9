from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "employment"
    verbose_name = _("Employment track")

    def ready(self):
        from employment import access, deadlines, events
        from employment.demo import seed_employment
        from employment.panels import family_panel_context
        from families.access import register_policy
        from families.registry import (
            DemoSeeder,
            FamilyPanel,
            register_demo_seeder,
            register_family_panel,
        )

        deadlines.register()
        events.register()
        for policy in access.POLICIES:
            register_policy(policy)
        register_family_panel(
            FamilyPanel(
                key="employment",
                order=30,
                template="employment/_family_panel.html",
                context=family_panel_context,
            )
        )
        register_demo_seeder(DemoSeeder(key="employment", order=30, seed=seed_employment))
