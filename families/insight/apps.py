from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "families.insight"
    label = "insight"
    verbose_name = _("Insight (GDPR art. 15)")

    def ready(self) -> None:
        from bi18.audit.labels import register_event
        from bi18.navigation import AdminCard, register_admin_card

        register_event("insight.report.produced", _("Insight report produced (GDPR art. 15)"))
        register_event("insight.report.exported", _("Insight report exported (GDPR art. 15)"))
        register_admin_card(
            AdminCard(
                key="insight",
                title=_("Insight (GDPR art. 15)"),
                text=_("Produce everything held about one citizen as a PDF and a ZIP with JSON."),
                url_name="insight:start",
                order=90,
                visible=lambda user: user.has_perm("accounts.view_audit_log"),
            )
        )
