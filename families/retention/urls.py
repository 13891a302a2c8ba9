from django.urls import path

from families.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.review_list, name="review"),
    path("<int:pk>/slet/", views.family_erase, name="erase"),
    path("<int:pk>/tilbageholdelse/", views.hold_place, name="hold"),
    path("<int:pk>/tilbageholdelse/ophaev/", views.hold_lift, name="hold_lift"),
]
