from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from bi18 import views
from families import views as families_views

urlpatterns = [
    path("", families_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sprog/", set_language, name="set_language"),
    path("konto/", include("bi18.accounts.urls")),
    path("administration/log/", include("bi18.audit.urls")),
    path("familier/", include("families.urls")),
    path("administration/bemanding/", include("families.staffing.urls")),
    path("familier/", include("families.history.urls")),
    path("familier/", include("families.consent.urls")),
    path("familier/", include("families.records.urls")),
    path("administration/opbevaring/", include("families.retention.urls")),
    path("administration/indsigt/", include("families.insight.urls")),
    path("mit-arbejde/", include("families.worklist.urls")),
    path("netvaerk/", include("networkgroup.urls")),
    path("beskaeftigelse/", include("employment.urls")),
    path("unge/", include("youth.urls")),
    path("maal/", include("budget.urls")),
    # One way in: Django's admin log-in would skip LOCAL_LOGIN (and ask no second factor first).
    path(
        "django-admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="django_admin_login",
    ),
    path("evaluering/", include("budget.evaluation.urls")),
    path("api/", include("budget.evaluation.api.urls")),
    path("django-admin/", admin.site.urls),
]
