"""Who may log in with a password, and how a session was authenticated (the log-in page
itself is bi18.accounts.views.LoginView).

Who may log in with a password (LOCAL_LOGIN):
* "all": every active user with a password (development, pilots without SSO);
* "admins": only administrators — the break-glass account for when the provider is down;
* "off": nobody; the page offers single sign-on only.
"""

from django.conf import settings

from bi18.accounts.roles import Role

# How the session was authenticated; SSO sessions need no second factor here (the
# municipality's provider asks for its own).
SESSION_AUTH_METHOD = "_bi18_auth_method"
AUTH_METHOD_SSO = "sso"
AUTH_METHOD_PASSWORD = "password"  # noqa: S105 (a method name, not a secret)


def local_login_allowed(user) -> bool:
    mode = settings.LOCAL_LOGIN
    if mode == "all":
        return True
    if mode == "admins":
        return user.is_superuser or user.has_role(Role.ADMIN)
    return False
