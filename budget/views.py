from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render


@login_required
def targets_home(request):
    user = request.user
    if not (user.has_perm("accounts.view_dashboard") or user.has_perm("accounts.manage_budget")):
        raise PermissionDenied
    return render(request, "budget/targets_home.html", {"nav_active": "targets"})
