from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = _("Targets and budget")

    def ready(self):
        from bi18.audit.labels import register_event
        from budget import demo
        from families.registry import register_demo_seeder

        for name, label in (
            ("budget.allocation.created", _("Budget allocation added")),
            ("budget.allocation.changed", _("Budget allocation changed")),
            ("budget.expenditure.created", _("Expenditure registered for a family")),
            ("budget.expenditure.changed", _("Expenditure for a family changed")),
            ("budget.expenditure.deleted", _("Expenditure for a family deleted")),
            ("budget.expenditures.imported", _("Expenditures imported")),
            ("budget.dashboard.exported", _("Dashboard exported")),
        ):
            register_event(name, label)
        register_demo_seeder(demo.SEEDER)
