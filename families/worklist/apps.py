from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklistConfig(AppConfig):
    name = "families.worklist"
    label = "worklist"
    verbose_name = _("My work")

    def ready(self) -> None:
        from bi18.navigation import NavItem, register_nav_item

        register_nav_item(
            NavItem(
                key="home",
                label=_("My work"),
                url_name="home",
                order=10,
                visible=lambda user: user.has_perm("accounts.access_case_data"),
            )
        )
        from bi18.audit.labels import register_event
        from families.registry import register_personal_data
        from families.worklist import privacy
        from families.worklist.events import EVENTS

        for name, label in EVENTS.items():
            register_event(name, label)
        register_personal_data(privacy.SOURCE)
