from django.urls import path

from families.consent import views

app_name = "consent"

urlpatterns = [
    path("<int:pk>/samtykke/", views.family_consent, name="family"),
    path("<int:pk>/samtykke/<int:basis_pk>/tilbagekald/", views.basis_withdraw, name="withdraw"),
]
