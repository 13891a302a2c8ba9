from django.urls import path

from families.records import views

app_name = "records"

urlpatterns = [
    path("<int:family_pk>/notater/", views.note_list, name="notes"),
    path("<int:family_pk>/notater/nyt/", views.note_create, name="note_create"),
    path("notater/<int:pk>/", views.note_detail, name="note"),
    path("notater/<int:pk>/ret/", views.note_edit, name="note_edit"),
    path("notater/<int:pk>/tilfoejelse/", views.note_addendum, name="note_addendum"),
    path("<int:family_pk>/dokumenter/", views.document_list, name="documents"),
    path("dokumenter/<int:pk>/hent/", views.document_download, name="document_download"),
]
