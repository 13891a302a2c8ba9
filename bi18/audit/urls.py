from django.urls import path

from bi18.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_search, name="search"),
    path("brugernavne/", views.username_suggestions, name="usernames"),
    path("indsigt/", views.citizen_report, name="citizen_report"),
    path("indsigt/csv/", views.citizen_report_csv, name="citizen_report_csv"),
]
