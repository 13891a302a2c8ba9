import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import translation
from django.utils.translation import gettext as _

SESSION_AUTH_AT = "_bi18_auth_at"
SESSION_SEEN_AT = "_bi18_seen_at"
# Refreshing the idle clock on every request would write the session row every
# time; a minute's resolution is plenty for a 30-minute timeout.
_SEEN_RESOLUTION = 60


class DanishByDefaultLocaleMiddleware:
    """Danish unless the user picked another language (cookie set by set_language).

    Deliberately ignores Accept-Language: a caseworker on an English browser in
    a Danish municipality still gets the Danish UI by default (SPEC §8).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if lang not in self.supported:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response


class SessionTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_TIMEOUT idle or SESSION_ABSOLUTE_TIMEOUT in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            auth_at = request.session.get(SESSION_AUTH_AT, now)
            seen_at = request.session.get(SESSION_SEEN_AT, now)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if now - seen_at > idle or now - auth_at > absolute:
                from bi18.audit.services import audit_log

                audit_log(
                    actor=request.user,
                    action="logout",
                    event="accounts.session.expired",
                    detail={"reason": "idle" if now - seen_at > idle else "absolute"},
                )
                logout(request)  # flushes the server-side session
                messages.info(request, _("Your session has expired. Please log in again."))
                return redirect_to_login(request.get_full_path())
            if SESSION_AUTH_AT not in request.session:
                request.session[SESSION_AUTH_AT] = now
            if now - seen_at >= _SEEN_RESOLUTION or SESSION_SEEN_AT not in request.session:
                request.session[SESSION_SEEN_AT] = now
        return self.get_response(request)
