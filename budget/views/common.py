"""The two guards of the budget pages: a permission, not the membership rule (no case data)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def _requires(perm: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


dashboard_required = _requires("accounts.view_dashboard")
budget_required = _requires("accounts.manage_budget")
