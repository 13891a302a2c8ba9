from django.urls import path

from families.insight import views

app_name = "insight"

urlpatterns = [
    path("", views.insight_start, name="start"),
    path("hent/<str:fmt>/", views.insight_download, name="download"),
]
