from django.urls import path

from budget.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.decision, name="decision"),
    path("beregn/", views.run_request, name="run_request"),
    path("beregn/<int:pk>/", views.run_status, name="run_status"),
    path("beslutningsgrundlag.pdf", views.decision_pdf, name="decision_pdf"),
    path("udtraek/", views.extracts, name="extracts"),
    path("udtraek/<int:pk>/status/", views.extract_status, name="extract_status"),
    path("udtraek/<int:pk>/hent/", views.extract_download, name="extract_download"),
    path("sammenligning/", views.upload, name="upload"),
    path("sammenligning/<int:pk>/", views.upload_preview, name="upload_preview"),
    path("sammenligning/<int:pk>/importer/", views.upload_commit, name="upload_commit"),
    path("sammenligning/<int:pk>/kasser/", views.upload_discard, name="upload_discard"),
]
