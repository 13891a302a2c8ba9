"""Response headers for a site full of personal data (OWASP ASVS V14.4).

Django 5.2 has no built-in Content-Security-Policy, hence this small middleware.
"""

from functools import lru_cache

# Scripts only from our own static files: inline handlers live in static/js/bi18.js.
# Styles allow 'unsafe-inline' for style attributes (progress-bar widths, pre-wrap) and the
# print page's <style>; a style cannot run code, the script rule is what stops XSS.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@lru_cache(maxsize=4)
def _policy(provider_origin: str) -> str:
    # The log-out form's POST is redirected on to the single sign-on provider's log-out, and
    # browsers hold redirects after a form submission to form-action as well.
    if not provider_origin:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {provider_origin}"
    )


def content_security_policy() -> str:
    from bi18.accounts.sso.client import provider_origin

    return _policy(provider_origin())


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response; Cache-Control: no-store on every response
    to a logged-in user, so that a shared or stolen browser cache holds no case data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", content_security_policy())
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
