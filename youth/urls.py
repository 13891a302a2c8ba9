from django.urls import path

from youth import views

app_name = "youth"

urlpatterns = [
    path("personer/<int:pk>/", views.person_detail, name="person"),
    path("personer/<int:pk>/tidslinje/", views.timeline, name="timeline"),
    path("personer/<int:pk>/forloeb/ny/", views.track_create, name="track_create"),
    path("personer/<int:pk>/forloeb/rediger/", views.track_edit, name="track_edit"),
    path("personer/<int:pk>/opfoelgning/", views.follow_up, name="follow_up"),
    path("personer/<int:pk>/<slug:kind>/ny/", views.record_create, name="record_create"),
    path(
        "personer/<int:pk>/<slug:kind>/<int:record_pk>/rediger/",
        views.record_edit,
        name="record_edit",
    ),
]
