from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """The evaluation of the pilot (issue 15): the top layer, nothing imports it."""

    name = "budget.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        from bi18.navigation import (
            AdminCard,
            LandingPage,
            NavItem,
            register_admin_card,
            register_landing_page,
            register_nav_item,
        )

        register_nav_item(
            NavItem(
                key="evaluation",
                label=_("Decision basis"),
                url_name="evaluation:decision",
                order=60,
                visible=lambda user: user.has_perm("accounts.view_evaluation"),
            )
        )
        register_admin_card(
            AdminCard(
                key="comparison_cohort",
                title=_("Comparison cohort"),
                text=_(
                    "Upload the rest of the target group and its register outcomes, for the "
                    "evaluation. Kept apart from the pilot's families."
                ),
                url_name="evaluation:upload",
                order=60,
                visible=lambda user: user.has_perm("accounts.import_target_group"),
            )
        )
        register_landing_page(
            LandingPage(
                key="evaluation",
                url_name="evaluation:decision",
                order=20,
                applies=lambda user: user.has_perm("accounts.view_evaluation"),
            )
        )
        from bi18.audit.labels import register_event
        from budget.evaluation import demo
        from families.registry import register_demo_seeder

        for name, label in EVENTS:
            register_event(name, label)
        register_demo_seeder(demo.SEEDER)


EVENTS = (
    ("evaluation.upload.created", _("Comparison file uploaded for preview")),
    ("evaluation.upload.discarded", _("Comparison file discarded")),
    ("evaluation.cohort.imported", _("Comparison cohort imported")),
    ("evaluation.outcomes.imported", _("Register outcomes imported")),
    ("evaluation.cohort.person_created", _("Comparison person registered by import")),
    ("evaluation.cohort.person_updated", _("Comparison person changed by import")),
    ("evaluation.outcomes.person_updated", _("Register outcomes recorded for a comparison person")),
    ("evaluation.run.requested", _("Evaluation computation requested")),
    ("evaluation.decision.viewed", _("Decision basis viewed")),
    ("evaluation.decision.pdf", _("Decision basis printed as PDF")),
    ("evaluation.extract.requested", _("Evaluation extract requested")),
    ("evaluation.extract.downloaded", _("Evaluation extract downloaded")),
    ("evaluation.api.read", _("Read through the API")),
    ("evaluation.api.token_created", _("API token created")),
)
