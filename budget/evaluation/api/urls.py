from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from budget.evaluation.api import views

app_name = "api"

urlpatterns = [
    path("v1/targets/", views.TargetList.as_view(), name="targets"),
    path("v1/budget/", views.BudgetList.as_view(), name="budget"),
    path("v1/evaluation/", views.EvaluationDetail.as_view(), name="evaluation"),
    path("v1/evaluation/extracts/", views.ExtractList.as_view(), name="extracts"),
    path(
        "v1/evaluation/extracts/<int:pk>/download/",
        views.ExtractDownload.as_view(),
        name="extract_download",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
