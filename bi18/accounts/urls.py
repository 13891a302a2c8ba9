from django.contrib.auth import views as auth_views
from django.urls import path

from bi18.accounts import password_reset, pickers, views
from bi18.accounts.sso import views as sso_views
from bi18.accounts.twofactor import views as twofactor_views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    # Django's LogoutView accepts POST only (GET gives 405) and flushes the session row;
    # after single sign-on it goes on to the provider's log-out.
    path("logout/", sso_views.LogoutView.as_view(), name="logout"),
    path("oidc/login/", sso_views.oidc_login, name="oidc_login"),
    path("oidc/callback/", sso_views.oidc_callback, name="oidc_callback"),
    path("to-faktor/", twofactor_views.verify, name="second_factor_verify"),
    path("to-faktor/opsaet/", twofactor_views.enrol, name="second_factor_enrol"),
    path("to-faktor/mine/", twofactor_views.manage, name="second_factor_manage"),
    path(
        "to-faktor/mine/nye-koder/",
        twofactor_views.recovery_codes_new,
        name="second_factor_recovery_codes",
    ),
    path("adgangskode/glemt/", password_reset.PasswordResetView.as_view(), name="password_reset"),
    path(
        "adgangskode/glemt/sendt/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "adgangskode/ny/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "adgangskode/ny/faerdig/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("adgangskode/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "adgangskode/skiftet/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("medarbejdere/<str:role>/", pickers.staff_picker, name="staff_picker"),
    path("administration/", views.admin_home, name="admin_home"),
    path("administration/brugere/", views.user_list, name="user_list"),
    path("administration/brugere/ny/", views.user_create, name="user_create"),
    path("administration/brugere/<int:pk>/", views.user_edit, name="user_edit"),
    path(
        "administration/brugere/<int:pk>/deaktiver/", views.user_deactivate, name="user_deactivate"
    ),
    path(
        "administration/brugere/<int:pk>/genaktiver/", views.user_reactivate, name="user_reactivate"
    ),
    path("administration/brugere/<int:pk>/laas-op/", views.user_unlock, name="user_unlock"),
    path(
        "administration/brugere/<int:pk>/to-faktor/nulstil/",
        twofactor_views.user_reset,
        name="user_second_factor_reset",
    ),
    path(
        "administration/brugere/<int:pk>/adgangskode/",
        views.user_set_password,
        name="user_set_password",
    ),
]
