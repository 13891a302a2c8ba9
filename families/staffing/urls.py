from django.urls import path, register_converter

from bi18.lib.urls import DanishSlugConverter
from families.staffing import views

app_name = "staffing"


class DecisionConverter(DanishSlugConverter):
    slugs = {"approve": "godkend", "reject": "afvis"}


register_converter(DecisionConverter, "decision")

urlpatterns = [
    path("overdragelse/<int:user_pk>/", views.handover, name="handover"),
    path("godkendelser/", views.approvals, name="approvals"),
    path("godkendelser/<int:pk>/<decision:decision>/", views.grant_decide, name="grant_decide"),
    path("godkendelser/samlet/<str:batch>/", views.batch_approve, name="batch_approve"),
    path("roller/<int:pk>/<decision:decision>/", views.role_decide, name="role_decide"),
    path("uden-koordinator/", views.orphans, name="orphans"),
    path("tildelinger/", views.grant_log, name="grant_log"),
]
