from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _sees_targets(user) -> bool:
    return user.has_perm("accounts.view_dashboard") or user.has_perm("accounts.manage_budget")


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = _("Targets and budget")

    def ready(self):
        from bi18.navigation import LandingPage, NavItem, register_landing_page, register_nav_item

        register_nav_item(
            NavItem(
                key="targets",
                label=_("Targets and budget"),
                url_name="targets_home",
                order=50,
                visible=_sees_targets,
            )
        )
        # Managers and budget officers land on the targets.
        register_landing_page(
            LandingPage(key="targets", url_name="targets_home", order=10, applies=_sees_targets)
        )
        from django.db.models.signals import post_migrate

        from bi18.audit.labels import register_event

        # Also after `flush` (which emits post_migrate): transactional tests and a re-seeded
        # database keep the budget note's lines and allocations that migration 0002 loads.
        post_migrate.connect(ensure_budget_note, sender=self)
        from budget import demo
        from families.registry import register_demo_seeder

        for name, label in (
            ("budget.allocation.created", _("Budget allocation added")),
            ("budget.allocation.changed", _("Budget allocation changed")),
            ("budget.expenditure.created", _("Expenditure registered for a family")),
            ("budget.expenditure.changed", _("Expenditure for a family changed")),
            ("budget.expenditure.deleted", _("Expenditure for a family deleted")),
            ("budget.expenditures.imported", _("Expenditures imported")),
            ("budget.expenditures.discarded", _("Expenditure file discarded")),
            ("budget.dashboard.exported", _("Dashboard exported")),
        ):
            register_event(name, label)
        register_demo_seeder(demo.SEEDER)
        from budget.privacy import SOURCE as PRIVACY
        from families.registry import register_personal_data

        register_personal_data(PRIVACY)

        from budget.interpreters import book_interpreter_cost
        from networkgroup.signals import interpreter_cost_changed

        interpreter_cost_changed.connect(book_interpreter_cost, dispatch_uid="budget.interpreters")


def ensure_budget_note(sender, using="default", **kwargs):
    """Re-load the budget note's rows (idempotent) when its migration is applied."""
    import importlib

    from django.apps import apps
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    applied = MigrationRecorder(connections[using]).applied_migrations()
    if ("budget", "0002_budget_note_allocations") not in applied:
        return
    migration = importlib.import_module("budget.migrations.0002_budget_note_allocations")
    migration.load(apps, None)
    if ("budget", "0006_budget_note_shares") in applied:
        importlib.import_module("budget.migrations.0006_budget_note_shares").load(apps, None)
