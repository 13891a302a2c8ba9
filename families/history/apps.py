from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "families.history"
    label = "history"
    verbose_name = _("Change history")

    def ready(self) -> None:
        from families.history import privacy, recorder
        from families.models import Family, Person
        from families.registry import register_personal_data

        recorder.register(Family, family="id", person=None)
        recorder.register(Person, family="family_id", person="id")
        recorder.connect()
        register_personal_data(privacy.SOURCE)
