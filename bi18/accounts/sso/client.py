"""The OpenID Connect client: Authlib with the provider's discovery document.

Authlib does the protocol: the authorization code flow with PKCE (S256), `state` and
`nonce` kept in the session, the code exchanged with the client secret, and the ID token's
signature (provider's JWKS), issuer, audience, expiry and nonce checked.
"""

import time
from functools import lru_cache
from urllib.parse import urlencode, urlsplit

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from authlib.oidc.core import CodeIDToken
from django.conf import settings


def is_configured() -> bool:
    return bool(settings.OIDC_DISCOVERY_URL and settings.OIDC_CLIENT_ID)


def provider_origin() -> str:
    """scheme://host[:port] of the provider (for the CSP form-action of the log-out form)."""
    if not is_configured():
        return ""
    parts = urlsplit(settings.OIDC_DISCOVERY_URL)
    return f"{parts.scheme}://{parts.netloc}"


@lru_cache(maxsize=4)
def _client(discovery_url: str, client_id: str, secret: str, scopes: str, timeout: int):
    # One client per configuration; it caches the discovery document and the JWKS (and
    # fetches the JWKS again when the provider signs with a key it has not seen).
    return OAuth().register(
        name="municipality",
        server_metadata_url=discovery_url,
        client_id=client_id,
        client_secret=secret,
        client_kwargs={
            "scope": scopes,
            "code_challenge_method": "S256",
            "default_timeout": timeout,
        },
    )


def client() -> DjangoOAuth2App:
    return _client(
        settings.OIDC_DISCOVERY_URL,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPES,
        settings.OIDC_TIMEOUT_SECONDS,
    )


def clock() -> int:
    """The time ID tokens are checked against (a test moves it to see expiry refused)."""
    return int(time.time())


class IDToken(CodeIDToken):
    def validate(self, now=None, leeway=0):
        super().validate(now=clock() if now is None else now, leeway=leeway)


def fetch_claims(request) -> tuple[dict, str]:
    """Finish the authorization code flow for this callback request.

    Returns (the ID token's verified claims, the raw ID token for log-out). Raises
    authlib's errors (a forged or replayed `state`, an error from the provider, a refused
    code) or joserfc's (a bad signature, an expired token, a wrong nonce or audience), or
    requests' when the provider cannot be reached.
    """
    token = client().authorize_access_token(
        request, claims_cls=IDToken, leeway=settings.OIDC_CLOCK_SKEW_SECONDS
    )
    if "userinfo" not in token:
        # No ID token at all: not an OpenID Connect answer.
        raise ValueError("The provider returned no ID token.")
    return dict(token["userinfo"]), token["id_token"]


def issuer() -> str:
    return client().load_server_metadata()["issuer"]


def end_session_url(*, id_token: str = "", post_logout_redirect_uri: str) -> str:
    """RP-initiated log-out at the provider, or "" if it offers none."""
    endpoint = client().load_server_metadata().get("end_session_endpoint")
    if not endpoint:
        return ""
    params = {"client_id": settings.OIDC_CLIENT_ID}
    if id_token:
        params["id_token_hint"] = id_token
    params["post_logout_redirect_uri"] = post_logout_redirect_uri
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"
