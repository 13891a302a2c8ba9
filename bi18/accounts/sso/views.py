"""Sign-in through the provider (start, callback) and the log-out that also ends the
provider's session (RP-initiated logout)."""

import logging

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from joserfc.errors import JoseError

from bi18.accounts.login import AUTH_METHOD_SSO, SESSION_AUTH_METHOD
from bi18.accounts.sso import client
from bi18.accounts.sso import services as sso_services
from bi18.audit.services import audit_log

logger = logging.getLogger(__name__)

SESSION_NEXT = "_bi18_oidc_next"
# The ID token, kept for the id_token_hint of the RP-initiated log-out.
SESSION_ID_TOKEN = "_bi18_oidc_id_token"  # noqa: S105 (a session key, not a secret)


def _absolute(request, name: str) -> str:
    path = reverse(name)
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + path
    return request.build_absolute_uri(path)


def _failed(request, *, reason: str, status: int = 400):
    audit_log(
        actor=None,
        action="login_failed",
        event="accounts.user.login_failed",
        detail={"method": "sso", "reason": reason},
        request=request,
    )
    return render(
        request,
        "accounts/sso_failed.html",
        {"unavailable": reason == "unreachable"},
        status=status,
    )


@never_cache
@require_GET
def oidc_login(request):
    """Send the browser to the provider, with a fresh state, nonce and PKCE challenge."""
    if not client.is_configured():
        raise Http404
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[SESSION_NEXT] = next_url
    else:
        request.session.pop(SESSION_NEXT, None)
    try:
        return client.client().authorize_redirect(
            request, redirect_uri=_absolute(request, "accounts:oidc_callback")
        )
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as exc:
        # The discovery document could not be had; the message names no secret.
        logger.warning("Single sign-on unavailable: %s", type(exc).__name__)
        return render(request, "accounts/sso_failed.html", {"unavailable": True}, status=503)


@never_cache
@require_GET
def oidc_callback(request):
    """The provider's answer: check it, find or create the user, log them in."""
    if not client.is_configured():
        raise Http404
    try:
        claims, id_token = client.fetch_claims(request)
        issuer = client.issuer()
    except MismatchingStateError:
        # No sign-in of this browser is waiting for this state: forged, replayed or stale.
        return _failed(request, reason="state")
    except OAuthError as exc:
        # The provider refused (the user cancelled, or the code was used or is unknown).
        return _failed(request, reason=f"provider:{exc.error or 'error'}"[:60])
    except JoseError as exc:
        # The ID token: bad signature, expired, wrong audience, issuer or nonce.
        return _failed(request, reason=f"id_token:{type(exc).__name__}")
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as exc:
        logger.warning("Single sign-on callback failed: %s", type(exc).__name__)
        return _failed(request, reason="unreachable", status=503)
    outcome = sso_services.user_sign_in_from_claims(issuer=issuer, claims=claims)
    if outcome.user is None:
        if outcome.refusal == sso_services.NO_ROLE:
            return render(
                request,
                "accounts/sso_no_access.html",
                {"provider_logout_url": _provider_logout_url(request, id_token="")},
                status=403,
            )
        return render(request, "accounts/sso_failed.html", {"refused": True}, status=403)
    next_url = request.session.pop(SESSION_NEXT, "")
    request.bi18_auth_method = AUTH_METHOD_SSO  # read by the log-in audit (signals.py)
    login(request, outcome.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_AUTH_METHOD] = AUTH_METHOD_SSO
    request.session[SESSION_ID_TOKEN] = id_token
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


def _provider_logout_url(request, *, id_token: str) -> str:
    try:
        return client.end_session_url(
            id_token=id_token,
            post_logout_redirect_uri=_absolute(request, "accounts:login"),
        )
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as exc:
        logger.warning("Provider log-out unavailable: %s", type(exc).__name__)
        return ""


class LogoutView(auth_views.LogoutView):
    """Django's log-out (POST only; deletes the session row); after a single sign-on, the
    browser then goes on to end the provider's session too (RP-initiated logout)."""

    def post(self, request, *args, **kwargs):
        provider_url = ""
        if client.is_configured() and request.session.get(SESSION_AUTH_METHOD) == AUTH_METHOD_SSO:
            provider_url = _provider_logout_url(
                request, id_token=request.session.get(SESSION_ID_TOKEN, "")
            )
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(provider_url) if provider_url else response
