from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YouthConfig(AppConfig):
    name = "youth"
    verbose_name = _("Youth track")

    def ready(self):
        from bi18.audit.labels import register_event
        from families.access import register_policy
        from families.registry import register_demo_seeder, register_family_panel
        from families.worklist.registry import register_deadline_kind
        from youth import access, deadlines, demo, events, panels

        for name, label in events.EVENTS.items():
            register_event(name, label)
        for policy in access.POLICIES:
            register_policy(policy)
        _register_history()
        from families.registry import register_personal_data
        from youth.privacy import SOURCE as PRIVACY

        register_personal_data(PRIVACY)
        register_family_panel(panels.PANEL)
        for kind in deadlines.KINDS:
            register_deadline_kind(kind)
        register_demo_seeder(demo.SEEDER)

        from families.staffing.registry import register_assignment_handover
        from youth.services import counsellor_handed_over

        for role in ("retention_counsellor", "youth_guidance_counsellor"):
            register_assignment_handover(f"youth.{role}", role, counsellor_handed_over)


def _register_history() -> None:
    """Changes to track records keep a history beyond the audit log's retention."""
    from families.history.recorder import register
    from youth import models as m

    for model in (m.YouthTrack, m.Enrolment):
        register(model, family="person__family_id", person="person_id")
    for model in (
        m.LeisureJob,
        m.CompanyInternship,
        m.ExamPreparation,
        m.ApprenticeshipApplication,
        m.FollowUp,
    ):
        register(model, family="track__person__family_id", person="track__person_id")
