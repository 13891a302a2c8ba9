from django.urls import path

from families.worklist import views

app_name = "worklist"

urlpatterns = [
    path("filter/", views.filter_save, name="filter"),
    path("udsaet/", views.snooze, name="snooze"),
    path("udsat/<int:pk>/fortryd/", views.snooze_remove, name="snooze_remove"),
    path("afsnit/<slug:section>/", views.part, name="section"),
    path("afsnit/<slug:section>/<int:family_pk>/", views.part, name="group"),
]
