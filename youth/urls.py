from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path, register_converter

from bi18.lib.urls import DanishSlugConverter
from youth import views

app_name = "youth"

# The record kinds' names in the address bar are Danish; the code keeps its English keys
# (views.RECORD_KINDS, the access policies, the audit events): the converter translates.
DANISH_SLUGS = {
    "leisure_job": "fritidsjob",
    "internship": "praktik",
    "exam": "eksamen",
    "guidance": "vejledning",
    "clarification": "afklaring",
    "application": "ansoegning",
    "contact": "kontakt",
    "enrolment": "uddannelse",
}


class RecordKindConverter(DanishSlugConverter):
    slugs = DANISH_SLUGS


class LegacyKindConverter:
    """The English slugs of the first addresses (/exam/, /leisure_job/): bookmarks redirect."""

    regex = "|".join(DANISH_SLUGS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RecordKindConverter, "youthkind")
register_converter(LegacyKindConverter, "youthkind_legacy")


@login_required
def _legacy(request, to: str, **kwargs):
    return redirect(f"youth:{to}", permanent=True, **kwargs)


urlpatterns = [
    path("personer/<int:pk>/", views.person_detail, name="person"),
    path("personer/<int:pk>/tidslinje/", views.timeline, name="timeline"),
    path("personer/<int:pk>/forloeb/ny/", views.track_create, name="track_create"),
    path("personer/<int:pk>/forloeb/rediger/", views.track_edit, name="track_edit"),
    path("personer/<int:pk>/opfoelgning/", views.follow_up, name="follow_up"),
    path("personer/<int:pk>/<youthkind:kind>/ny/", views.record_create, name="record_create"),
    path(
        "personer/<int:pk>/<youthkind:kind>/<int:record_pk>/rediger/",
        views.record_edit,
        name="record_edit",
    ),
    path(
        "personer/<int:pk>/<youthkind_legacy:kind>/ny/",
        _legacy,
        {"to": "record_create"},
        name="record_create_legacy",
    ),
    path(
        "personer/<int:pk>/<youthkind_legacy:kind>/<int:record_pk>/rediger/",
        _legacy,
        {"to": "record_edit"},
        name="record_edit_legacy",
    ),
]
