from django.urls import path

from bi18.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_search, name="search"),
]
