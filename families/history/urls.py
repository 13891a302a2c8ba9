from django.urls import path

from families.history import views

app_name = "history"

urlpatterns = [path("<int:pk>/historik/", views.family_history, name="family")]
