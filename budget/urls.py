from django.urls import include, path, re_path

from budget import views

budget_patterns = [
    path("mal/<str:code>/", views.target_detail, name="target_detail"),
    path("beregn/", views.snapshot_request, name="snapshot_request"),
    path("beregn/<int:pk>/", views.snapshot_status, name="snapshot_status"),
    re_path(r"^eksport\.(?P<fmt>csv|xlsx)$", views.dashboard_export, name="export"),
    path("budget/", views.budget_overview, name="overview"),
    path("budget/bevilling/ny/", views.allocation_create, name="allocation_create"),
    path("budget/bevilling/<int:pk>/", views.allocation_edit, name="allocation_edit"),
    path("udgifter/", views.expenditure_list, name="expenditures"),
    path("udgifter/ny/", views.expenditure_create, name="expenditure_create"),
    path("udgifter/<int:pk>/", views.expenditure_edit, name="expenditure_edit"),
    path("udgifter/<int:pk>/slet/", views.expenditure_delete, name="expenditure_delete"),
    path("udgifter/import/", views.expenditure_import, name="import"),
    path("udgifter/import/<int:pk>/", views.import_preview, name="import_preview"),
]

# `targets_home` keeps its global name (the home redirect and the navigation use it).
urlpatterns = [
    path("", views.targets_home, name="targets_home"),
    path("", include((budget_patterns, "budget"))),
]
