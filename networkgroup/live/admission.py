"""Who may hold a live socket: exactly who may open the page (same session, same access).

Checked when the socket opens and again every RECHECK_SECONDS while it is open (the first
round at a random point between half and one and a half periods, to spread sockets opened
together), against a fresh read of the session, so that logging out, the idle or absolute timeout, losing the
membership or a deactivated account end the socket too. The socket itself never counts as
the user's activity (like a background poll), so a meeting left open still times out.
"""

from dataclasses import dataclass, field
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user
from django.http import Http404

from bi18.accounts.middleware import session_expiry
from bi18.accounts.twofactor.policy import second_factor_required
from families.access import scope_for
from families.scope import Scope
from networkgroup import access

RECHECK_SECONDS = 60


@dataclass(frozen=True)
class Admission:
    user: object
    family: object
    meeting: object | None
    scope: Scope
    # kind of item -> this user's audience key for it (RecordPolicy.audience_key): sockets
    # with equal keys (and language) get one shared rendering of a changed item.
    audiences: dict = field(default_factory=dict)

    @property
    def full(self) -> bool:
        """Sees every person, the agenda and the minutes."""
        return self.scope.is_full_member(self.family.pk)

    def sees(self, audience: dict) -> bool:
        return sees(self.scope, self.family.pk, audience)


def sees(scope: Scope, family_id: int, audience: dict) -> bool:
    """May a member with this scope see an item with this audience (notify.live_changed)?"""
    if audience.get("full_only") and not scope.is_full_member(family_id):
        return False
    person_id = audience.get("person")
    if person_id is None:
        return True  # about the whole family: every member
    return scope.sees(person_id, family_id, audience.get("role"))


def _session(session_key: str):
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key=session_key)


def _second_factor_given(request, user) -> bool:
    if not second_factor_required(request, user):
        return True
    from django_otp.middleware import OTPMiddleware

    # django-otp's own check of the session's device (bound to this user, confirmed).
    return OTPMiddleware(lambda r: None)._verify_user_sync(request, user).is_verified()


def admit(
    *, session_key: str | None, family_id: int, meeting_id: int | None, family=None
) -> Admission | None:
    """The admission for this session on this family's plan (or meeting), or None: the
    same answer for a family that does not exist and one the user may not see.

    A re-check passes the `family` its socket was admitted to: its membership is then
    checked on the user's scope (access.PLAN, the rule of family_for_member) without
    reading the family again through the scope's filter, the costliest query of a
    re-check. A family that is deleted takes its memberships with it."""
    if not session_key:
        return None
    request = SimpleNamespace(session=_session(session_key))
    user = get_user(request)  # also refuses a session whose password hash is stale
    if not (user.is_authenticated and user.is_active):
        return None
    if session_expiry(request.session):
        return None
    if not _second_factor_given(request, user):
        return None
    try:
        if family is None:
            family = access.family_for_member(user, family_id)
        elif family.pk != family_id or not access.PLAN.may_view_family(user, family.pk):
            return None
        meeting = access.get_meeting(user, family, meeting_id) if meeting_id else None
    except Http404:
        return None
    plan_key = access.PLAN.audience_key(user, family.pk)
    meeting_key = access.MEETING.audience_key(user, family.pk) if meeting else None
    return Admission(
        user=user,
        family=family,
        meeting=meeting,
        scope=scope_for(user),
        audiences={"goal": plan_key, "action": plan_key, "decision": meeting_key},
    )


def client_request(scope: dict) -> SimpleNamespace:
    """The socket's client as the audit log reads a request (X-Forwarded-For is believed
    only from TRUSTED_PROXIES, as for pages)."""
    headers = dict(scope.get("headers") or [])
    client = scope.get("client") or ("", 0)
    return SimpleNamespace(
        META={
            "REMOTE_ADDR": client[0] or "",
            "HTTP_X_FORWARDED_FOR": headers.get(b"x-forwarded-for", b"").decode("latin-1"),
        }
    )
