"""The application's URLs plus the floor page (bench settings only)."""

from django.urls import include, path

from bench.floor.views import floor_page, logged_in_page

urlpatterns = [
    path("bench/floor/", floor_page, name="bench_floor"),
    path("bench/logged-in/", logged_in_page, name="bench_logged_in"),
    path("", include("bi18.urls")),
]
