from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "employment"
    verbose_name = _("Employment track")

    def ready(self):
        from bi18.navigation import NavItem, register_nav_item
        from employment.access import EMPLOYMENT_ROLES

        # The company register (employment.access.EMPLOYMENT_ROLES may open it).
        register_nav_item(
            NavItem(
                key="companies",
                label=_("Companies"),
                url_name="employment:company_list",
                order=40,
                visible=lambda user: (
                    user.has_perm("accounts.access_case_data")
                    and any(user.has_role(r) for r in EMPLOYMENT_ROLES)
                ),
            )
        )
        from bi18.audit.labels import register_event
        from employment import access, deadlines, events
        from employment.demo import seed_employment
        from employment.panels import family_panel_context
        from families.access import register_policy
        from families.registry import (
            DemoSeeder,
            FamilyPanel,
            register_demo_seeder,
            register_family_panel,
        )
        from families.worklist.registry import register_deadline_kind

        for kind in deadlines.KINDS + deadlines.FORECASTS:
            register_deadline_kind(kind)
        for name, label in events.EVENTS.items():
            register_event(name, label)
        for policy in access.POLICIES:
            register_policy(policy)
        _register_history()
        from employment.privacy import SOURCE as PRIVACY
        from families.registry import register_personal_data

        register_personal_data(PRIVACY)
        register_family_panel(
            FamilyPanel(
                key="employment",
                order=30,
                template="employment/_family_panel.html",
                context=family_panel_context,
            )
        )
        register_demo_seeder(DemoSeeder(key="employment", order=30, seed=seed_employment))

        from employment.services import mentor_handed_over
        from families.staffing.registry import register_assignment_handover

        register_assignment_handover("employment.mentor", "job_mentor", mentor_handed_over)


def _register_history() -> None:
    """Changes to track records keep a history beyond the audit log's retention."""
    from employment import models as m
    from families.history.recorder import register

    register(m.EmploymentTrack, family="person__family_id", person="person_id")
    for model in (m.Internship, m.JobInterview, m.MentorAssignment, m.Course):
        register(model, family="track__person__family_id", person="track__person_id")
