from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    """The main navigation, by permission (SPEC §9)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    if user.has_perm("accounts.access_case_data"):
        items.append(("home", _("My work"), reverse("home")))
        items.append(("families", _("Families"), reverse("families:list")))
    if user.has_perm("accounts.view_dashboard") or user.has_perm("accounts.manage_budget"):
        items.append(("targets", _("Targets and budget"), reverse("targets_home")))
    if (
        user.has_perm("accounts.manage_users")
        or user.has_perm("accounts.view_audit_log")
        or user.has_perm("accounts.import_target_group")
    ):
        items.append(("admin", _("Administration"), reverse("accounts:admin_home")))
    return {"nav_items": items}
