"""The log-in page: single sign-on button, and the local password form where LOCAL_LOGIN allows.

Who may log in with a password (LOCAL_LOGIN):
* "all": every active user with a password (development, pilots without SSO);
* "admins": only administrators — the break-glass account for when the provider is down;
* "off": nobody; the page offers single sign-on only.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext_lazy as _

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


def sso_button_text() -> str:
    return settings.OIDC_BUTTON_TEXT or str(_("Log in with Copenhagen Municipality"))


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_form_class(self):
        from bi18.accounts.forms import LoginForm

        return LoginForm

    def post(self, request, *args, **kwargs):
        if settings.LOCAL_LOGIN == "off":
            return HttpResponseNotAllowed(["GET"])
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from bi18.accounts.sso.client import is_configured

        context = super().get_context_data(**kwargs)
        context.update(
            sso_enabled=is_configured(),
            sso_button_text=sso_button_text(),
            local_login=settings.LOCAL_LOGIN,
        )
        return context
