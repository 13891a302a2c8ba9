from django.urls import include, path, re_path

from budget.views import allocations, capacity, dashboard, expenditures, imports

budget_patterns = [
    path("mal/<str:code>/", dashboard.target_detail, name="target_detail"),
    path("beregn/", dashboard.snapshot_request, name="snapshot_request"),
    path("beregn/<int:pk>/", dashboard.snapshot_status, name="snapshot_status"),
    re_path(r"^eksport\.(?P<fmt>csv|xlsx)$", dashboard.dashboard_export, name="export"),
    path("kapacitet/", capacity.capacity_view, name="capacity"),
    path("budget/", allocations.budget_overview, name="overview"),
    path("budget/bevilling/ny/", allocations.allocation_create, name="allocation_create"),
    path("budget/bevilling/<int:pk>/", allocations.allocation_edit, name="allocation_edit"),
    path("udgifter/", expenditures.expenditure_list, name="expenditures"),
    path("udgifter/ny/", expenditures.expenditure_create, name="expenditure_create"),
    path("udgifter/<int:pk>/", expenditures.expenditure_edit, name="expenditure_edit"),
    path("udgifter/<int:pk>/slet/", expenditures.expenditure_delete, name="expenditure_delete"),
    path("udgifter/import/", imports.expenditure_import, name="import"),
    path("udgifter/import/<int:pk>/", imports.import_preview, name="import_preview"),
]

# `targets_home` keeps its global name (the home redirect and the navigation use it).
urlpatterns = [
    path("", dashboard.targets_home, name="targets_home"),
    path("", include((budget_patterns, "budget"))),
]
