"""Who must give a second factor."""

from django.conf import settings

from bi18.accounts.login import AUTH_METHOD_SSO, SESSION_AUTH_METHOD
from bi18.accounts.roles import ROLE_PERMISSIONS, Role

# "Can see case data or administer": case data, or any of the administrator's permissions;
# and the evaluator's pseudonymised extract (still personal data, person by person).
_GUARDED_PERMISSIONS = ("access_case_data", "export_evaluation", *ROLE_PERMISSIONS[Role.ADMIN])


def needs_second_factor(user) -> bool:
    """A local account that can see case data, download the evaluation extract or
    administer must use a second factor."""
    return any(user.has_perm(f"accounts.{p}") for p in _GUARDED_PERMISSIONS)


def second_factor_required(request, user=None) -> bool:
    """Whether this log-in must still give a second factor before it reaches anything.

    Single sign-on sessions are exempt: the municipality's provider enforces its own
    multi-factor policy. A session without a recorded method counts as a local log-in.
    """
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    if request.session.get(SESSION_AUTH_METHOD) == AUTH_METHOD_SSO:
        return False
    return needs_second_factor(user if user is not None else request.user)
