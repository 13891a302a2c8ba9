from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustodyConfig(AppConfig):
    name = "families.custody"
    label = "custody"
    verbose_name = _("Key custody")

    def ready(self):
        from django.db.models.signals import post_migrate

        from bi18.health import register_health_check
        from families.custody.keys import keys_verified, store_fingerprint_after_migrate

        register_health_check("cpr_keys", lambda: keys_verified().ok)
        # Also after `flush` (which emits post_migrate): transactional tests.
        post_migrate.connect(store_fingerprint_after_migrate, sender=self)
