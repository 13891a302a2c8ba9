from django.urls import path

from families import import_views, views

app_name = "families"

urlpatterns = [
    path("", views.family_list, name="list"),
    path("soeg/", views.family_search, name="search"),
    path("ny/", views.family_create, name="create"),
    path("<int:pk>/", views.family_detail, name="detail"),
    path("<int:pk>/rediger/", views.family_edit, name="edit"),
    path("<int:pk>/status/", views.family_status, name="status"),
    path("<int:family_pk>/personer/ny/", views.person_create, name="person_create"),
    path("personer/<int:pk>/rediger/", views.person_edit, name="person_edit"),
    path("personer/<int:pk>/cpr/", views.person_reveal_cpr, name="person_cpr"),
]

urlpatterns += [
    path("import/", import_views.import_upload, name="import"),
    path("import/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("import/<int:pk>/importer/", import_views.import_commit, name="import_commit"),
    path("import/<int:pk>/kasser/", import_views.import_discard, name="import_discard"),
    path("import/<int:pk>/resultat/", import_views.import_result, name="import_result"),
]
