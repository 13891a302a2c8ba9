from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render


def _is_administrator(user) -> bool:
    return any(
        user.has_perm(f"accounts.{p}")
        for p in ("manage_users", "view_audit_log", "import_target_group", "manage_network_groups")
    )


@login_required
def admin_home(request):
    if not _is_administrator(request.user):
        raise PermissionDenied
    return render(request, "accounts/admin_home.html")


@login_required
def user_list(request):
    if not request.user.has_perm("accounts.manage_users"):
        raise PermissionDenied
    return render(request, "accounts/admin_home.html")
