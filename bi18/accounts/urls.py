from django.contrib.auth import views as auth_views
from django.urls import path

from bi18.accounts import pickers, views
from bi18.accounts.forms import LoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    # Django's LogoutView accepts POST only (GET gives 405) and flushes the session row.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
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
        "administration/brugere/<int:pk>/adgangskode/",
        views.user_set_password,
        name="user_set_password",
    ),
]
