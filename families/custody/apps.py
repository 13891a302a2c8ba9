from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustodyConfig(AppConfig):
    name = "families.custody"
    label = "custody"
    verbose_name = _("Key custody")

    def ready(self):
        from bi18.health import register_health_check
        from families.custody.keys import keys_verified

        register_health_check("cpr_keys", lambda: keys_verified().ok)
