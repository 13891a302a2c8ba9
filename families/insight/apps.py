from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "families.insight"
    label = "insight"
    verbose_name = _("Insight (GDPR art. 15)")

    def ready(self) -> None:
        from bi18.audit.labels import register_event

        register_event("insight.report.produced", _("Insight report produced (GDPR art. 15)"))
        register_event("insight.report.exported", _("Insight report exported (GDPR art. 15)"))
