from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkgroupConfig(AppConfig):
    name = "networkgroup"

    def ready(self):
        from bi18.navigation import AdminCard, NavItem, register_admin_card, register_nav_item

        register_nav_item(
            NavItem(
                key="meetings",
                label=_("Meetings"),
                url_name="networkgroup:my_meetings",
                order=30,
                visible=lambda user: user.has_perm("accounts.access_case_data"),
            )
        )
        from django.core import checks as django_checks

        from bi18.audit.labels import register_event

        register_admin_card(
            AdminCard(
                key="network_groups",
                title=_("Network groups"),
                text=_(
                    "Add caseworkers to a family's network group. Membership decides who can "
                    "see the family."
                ),
                url_name="networkgroup:group_admin_list",
                order=20,
                visible=lambda user: user.has_perm("accounts.manage_network_groups"),
            )
        )
        from families.access import register_policy
        from families.registry import (
            DemoSeeder,
            FamilyPage,
            FamilyPanel,
            register_demo_seeder,
            register_family_page,
            register_family_panel,
        )
        from families.worklist.registry import DeadlineKind, register_deadline_kind
        from networkgroup import access, demo, events, panels
        from networkgroup.live import checks
        from networkgroup.live import signals as live_signals

        django_checks.register(
            checks.check_channel_layer, django_checks.Tags.compatibility, deploy=True
        )
        live_signals.connect()

        for name, label in events.EVENTS.items():
            register_event(name, label)
        register_policy(access.PLAN)
        register_policy(access.MEETING)
        from families.registry import register_personal_data
        from networkgroup.privacy import SOURCE as PRIVACY

        register_personal_data(PRIVACY)

        # The families pages link a family's group (its members) by this key.
        register_family_page(FamilyPage(key="network_group", url_name="networkgroup:group"))
        register_family_panel(
            FamilyPanel(
                key="networkgroup.plan",
                order=10,
                template="networkgroup/_family_panel_plan.html",
                context=panels.plan_panel,
            )
        )
        register_family_panel(
            FamilyPanel(
                key="networkgroup.meetings",
                order=11,
                template="networkgroup/_family_panel_meetings.html",
                context=panels.meetings_panel,
            )
        )
        register_deadline_kind(
            DeadlineKind(
                key="networkgroup.plan_action",
                label=panels.PLAN_ACTION_LABEL,
                collect=panels.collect_plan_actions,
            )
        )
        register_deadline_kind(
            DeadlineKind(
                key="networkgroup.plan_review",
                label=panels.PLAN_REVIEW_LABEL,
                collect=panels.collect_plan_reviews,
            )
        )
        register_demo_seeder(DemoSeeder(key="networkgroup.plans", order=20, seed=demo.seed_plans))
        from families.registry import FamilyCreatedHook, register_family_created_hook
        from networkgroup.services import plans_create

        register_family_created_hook(
            FamilyCreatedHook(key="networkgroup.plan", create=plans_create)
        )
