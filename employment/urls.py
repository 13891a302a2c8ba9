from django.urls import path

from employment.views import companies, courses, internships, interviews, mentors, parent, track

app_name = "employment"

urlpatterns = [
    path("foraelder/<int:person_pk>/", parent.parent_detail, name="parent"),
    path("foraelder/<int:person_pk>/forloeb/", track.track_edit, name="track_edit"),
    path("foraelder/<int:person_pk>/resultat/", track.track_outcome, name="track_outcome"),
    path("foraelder/<int:person_pk>/forloeb/nyt/", track.track_new, name="track_new"),
    path(
        "foraelder/<int:person_pk>/praktik/ny/",
        internships.internship_create,
        name="internship_create",
    ),
    path("praktik/<int:pk>/", internships.internship_edit, name="internship_edit"),
    path("praktik/<int:pk>/timer/", internships.internship_hours, name="internship_hours"),
    path(
        "foraelder/<int:person_pk>/jobsamtale/ny/",
        interviews.interview_create,
        name="interview_create",
    ),
    path(
        "foraelder/<int:person_pk>/jobsamtale/<int:pk>/",
        interviews.interview_create,
        name="interview_edit",
    ),
    path("foraelder/<int:person_pk>/mentor/ny/", mentors.mentor_assign, name="mentor_assign"),
    path("mentor/<int:pk>/forny/", mentors.mentor_renew, name="mentor_renew"),
    path("mentor/<int:pk>/afslut/", mentors.mentor_close, name="mentor_close"),
    path("mentor/<int:pk>/kontakt/", mentors.mentor_contact, name="mentor_contact"),
    path("foraelder/<int:person_pk>/kursus/ny/", courses.course_edit, name="course_create"),
    path("foraelder/<int:person_pk>/kursus/<int:pk>/", courses.course_edit, name="course_edit"),
    path("virksomheder/", companies.company_list, name="company_list"),
    path("virksomheder/ny/", companies.company_edit, name="company_create"),
    path("virksomheder/vaelg/", companies.company_picker, name="company_picker"),
    path("virksomheder/<int:pk>/", companies.company_detail, name="company_detail"),
    path("virksomheder/<int:pk>/rediger/", companies.company_edit, name="company_edit"),
]
