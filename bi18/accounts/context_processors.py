from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bi18.accounts.roles import Role

_COMPANY_REGISTER_ROLES = (
    Role.FAMILY_CASEWORKER,
    Role.EMPLOYMENT_CONSULTANT,
    Role.COMPANY_CONSULTANT,
    Role.JOB_MENTOR,
)


def navigation(request):
    """The main navigation, by permission (SPEC §9)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    if user.has_perm("accounts.access_case_data"):
        items.append(("home", _("My work"), reverse("home")))
        items.append(("families", _("Families"), reverse("families:list")))
        items.append(("meetings", _("Meetings"), reverse("networkgroup:my_meetings")))
        # The company register (employment.access.EMPLOYMENT_ROLES may open it).
        if any(user.has_role(r) for r in _COMPANY_REGISTER_ROLES):
            items.append(("companies", _("Companies"), reverse("employment:company_list")))
    if user.has_perm("accounts.view_dashboard") or user.has_perm("accounts.manage_budget"):
        items.append(("targets", _("Targets and budget"), reverse("targets_home")))
    if user.has_perm("accounts.view_evaluation"):
        items.append(("evaluation", _("Decision basis"), reverse("evaluation:decision")))
    if (
        user.has_perm("accounts.manage_users")
        or user.has_perm("accounts.view_audit_log")
        or user.has_perm("accounts.import_target_group")
    ):
        items.append(("admin", _("Administration"), reverse("accounts:admin_home")))
    return {"nav_items": items}
