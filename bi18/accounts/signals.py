import time

from axes.utils import reset as axes_reset

from bi18.accounts.lockout import lockout_username, mask_cpr
from bi18.accounts.login import AUTH_METHOD_PASSWORD, SESSION_AUTH_METHOD
from bi18.accounts.middleware import SESSION_AUTH_AT, SESSION_SEEN_AT
from bi18.accounts.twofactor.policy import second_factor_required
from bi18.audit.services import audit_log


def on_logged_in(sender, request, user, **kwargs):
    # Django already cycles the session key at log-in (session fixation).
    now = time.time()
    request.session[SESSION_AUTH_AT] = now
    request.session[SESSION_SEEN_AT] = now
    method = getattr(request, "bi18_auth_method", AUTH_METHOD_PASSWORD)
    request.session[SESSION_AUTH_METHOD] = method
    audit_log(
        actor=user, action="login", event="accounts.user.logged_in", detail={"method": method}
    )
    if method == AUTH_METHOD_PASSWORD and not second_factor_required(request, user):
        # The log-in is complete; with a second factor still owed, the counter of failed
        # attempts is cleared only once the code is given (twofactor.views).
        axes_reset(username=lockout_username(user.get_username()))


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_log(actor=user, action="logout", event="accounts.user.logged_out")


def on_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is kept, the password never is. Someone may type their CPR
    # number as the username: that is kept masked, as it would be anywhere else.
    username = mask_cpr(str(credentials.get("username", ""))[:150])
    reason = kwargs.get("reason")  # e.g. "second_factor" (a wrong code)
    audit_log(
        actor=None,
        actor_username=username,
        action="login_failed",
        event="accounts.user.login_failed",
        detail={"reason": reason} if reason else None,
    )


def ensure_roles(sender, using="default", **kwargs):
    """Make the role groups match roles.py (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    from bi18.accounts.roles import ROLE_PERMISSIONS

    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=str(role))
        group.permissions.set(
            Permission.objects.using(using).filter(
                content_type__app_label="accounts", codename__in=codenames
            )
        )
