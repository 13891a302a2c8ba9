from django.urls import path

from employment import views

app_name = "employment"

urlpatterns = [
    path("foraelder/<int:person_pk>/", views.parent_detail, name="parent"),
    path("foraelder/<int:person_pk>/forloeb/", views.track_edit, name="track_edit"),
    path("foraelder/<int:person_pk>/resultat/", views.track_outcome, name="track_outcome"),
    path(
        "foraelder/<int:person_pk>/praktik/ny/", views.internship_create, name="internship_create"
    ),
    path("praktik/<int:pk>/", views.internship_edit, name="internship_edit"),
    path("praktik/<int:pk>/timer/", views.internship_hours, name="internship_hours"),
    path(
        "foraelder/<int:person_pk>/jobsamtale/ny/", views.interview_create, name="interview_create"
    ),
    path(
        "foraelder/<int:person_pk>/jobsamtale/<int:pk>/",
        views.interview_create,
        name="interview_edit",
    ),
    path("foraelder/<int:person_pk>/mentor/ny/", views.mentor_assign, name="mentor_assign"),
    path("mentor/<int:pk>/forny/", views.mentor_renew, name="mentor_renew"),
    path("mentor/<int:pk>/afslut/", views.mentor_close, name="mentor_close"),
    path("mentor/<int:pk>/kontakt/", views.mentor_contact, name="mentor_contact"),
    path("foraelder/<int:person_pk>/kursus/ny/", views.course_edit, name="course_create"),
    path("foraelder/<int:person_pk>/kursus/<int:pk>/", views.course_edit, name="course_edit"),
    path("virksomheder/", views.company_list, name="company_list"),
    path("virksomheder/ny/", views.company_edit, name="company_create"),
    path("virksomheder/vaelg/", views.company_picker, name="company_picker"),
    path("virksomheder/<int:pk>/", views.company_detail, name="company_detail"),
    path("virksomheder/<int:pk>/rediger/", views.company_edit, name="company_edit"),
]
