from django.urls import path

from budget import views

urlpatterns = [path("", views.targets_home, name="targets_home")]
