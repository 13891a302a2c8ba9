import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.translation import gettext as _

SESSION_AUTH_AT = "_bi18_auth_at"
SESSION_SEEN_AT = "_bi18_seen_at"
# Refreshing the idle clock on every request would write the session row every
# time; a minute's resolution is plenty for a 30-minute timeout.
_SEEN_RESOLUTION = 60


def language_from_cookies(cookies) -> str:
    """The user's language: the set_language cookie if it names a supported language, else
    Danish (pages and live sockets alike)."""
    lang = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    return lang if lang in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


class DanishByDefaultLocaleMiddleware:
    """Danish unless the user picked another language (cookie set by set_language).

    Deliberately ignores Accept-Language: a caseworker on an English browser in
    a Danish municipality still gets the Danish UI by default (SPEC §8).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = language_from_cookies(request.COOKIES)
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response


# Sent by the page's own scripts on requests the user did not make (a live refresh after
# another member's save, issue 14): like a @background_poll view, it leaves the idle clock alone.
BACKGROUND_HEADER = "X-BI18-Background"


def session_expiry(session, *, now: float | None = None) -> str | None:
    """Why this session has expired ("idle" or "absolute"), or None while it is valid.
    The one rule for pages (SessionTimeoutMiddleware) and sockets (networkgroup.live)."""
    now = time.time() if now is None else now
    seen_at = session.get(SESSION_SEEN_AT, now)
    auth_at = session.get(SESSION_AUTH_AT, now)
    if now - seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds():
        return "idle"
    if now - auth_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
        return "absolute"
    return None


def is_background(request, view_func=None) -> bool:
    return bool(getattr(view_func, "background_poll", False)) or (
        request.headers.get(BACKGROUND_HEADER) == "1"
    )


def background_poll(view):
    """Mark a view that a page requests on its own timer (`hx-trigger="every …"`: presence,
    a computation's progress). Such a request is not the user's activity: it does not move
    the idle clock, so a tab left open still logs out after SESSION_IDLE_TIMEOUT (SPEC §8).
    An expired session still ends on a poll (the page then reloads to the log-in page)."""
    view.background_poll = True
    return view


class SessionTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_TIMEOUT idle or SESSION_ABSOLUTE_TIMEOUT in all.

    The clocks are Unix timestamps in the session: SESSION_AUTH_AT (set at log-in
    by signals.on_logged_in) and SESSION_SEEN_AT (the user's last own request; views
    marked with @background_poll do not count).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            reason = session_expiry(request.session, now=now)
            if reason:
                return self._expire(request, reason=reason)
            if SESSION_AUTH_AT not in request.session:
                request.session[SESSION_AUTH_AT] = now
            if SESSION_SEEN_AT not in request.session:
                request.session[SESSION_SEEN_AT] = now
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Only here is the view known: a background poll leaves the idle clock alone.
        if request.user.is_authenticated and not is_background(request, view_func):
            now = time.time()
            if now - request.session.get(SESSION_SEEN_AT, 0) >= _SEEN_RESOLUTION:
                request.session[SESSION_SEEN_AT] = now
        return None

    def _expire(self, request, *, reason: str):
        from bi18.audit.services import audit_log

        # This middleware runs before AuditContextMiddleware: pass the request for the IP.
        audit_log(
            actor=request.user,
            action="logout",
            event="accounts.session.expired",
            detail={"reason": reason},
            request=request,
        )
        logout(request)  # deletes the server-side session row
        if request.headers.get("HX-Request"):
            # An HTMX swap would put the log-in page inside a fragment: reload instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
        else:
            response = redirect_to_login(request.get_full_path())
        # MessageMiddleware sits further in and never sees this short-circuited
        # response, so the message is stored here (in a cookie: the session is gone).
        own_storage = not hasattr(request, "_messages")
        if own_storage:
            request._messages = default_storage(request)
        messages.info(request, _("Your session has expired. Please log in again."))
        if own_storage:
            request._messages.update(response)
        return response
