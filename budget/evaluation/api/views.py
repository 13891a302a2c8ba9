"""The read-only REST API (issue 15 §3): targets over time, budget status, the evaluation's
figures and the pseudonymised extract. No endpoint returns a name or a CPR number.

Every request that passes authentication and permission is written to the audit log.
"""

import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from bi18.audit.models import AuditAction
from bi18.audit.services import audit_log
from bi18.lib.errors import ServiceError
from bi18.lib.throttling import ScopedRateThrottle, UserRateThrottle
from budget.evaluation import selectors, services
from budget.evaluation.api import permissions
from budget.evaluation.api.serializers import (
    BudgetLineSerializer,
    EvaluationSerializer,
    ExtractSerializer,
    TargetPointSerializer,
)
from budget.evaluation.models import EvaluationExtract, RunStatus
from budget.models import BudgetSnapshot, Scope, TargetSnapshot
from budget.targets import CODES


class AuditedAPIView(GenericAPIView):
    """Writes one audit entry per request that got past authentication and permissions."""

    audit_name = ""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        audit_log(
            actor=request.user,
            action=AuditAction.VIEW,
            event="evaluation.api.read",
            detail={"endpoint": self.audit_name, **{k: str(v) for k, v in kwargs.items()}},
        )


def _date_param(request, name: str) -> datetime.date | None:
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: _("Write the date as YYYY-MM-DD.")}) from None


@extend_schema(
    summary="Targets over time",
    description="T1–T6 for the whole pilot per measurement date (stored snapshots).",
    parameters=[
        OpenApiParameter("code", OpenApiTypes.STR, enum=list(CODES)),
        OpenApiParameter("from", OpenApiTypes.DATE),
        OpenApiParameter("to", OpenApiTypes.DATE),
    ],
    responses=TargetPointSerializer(many=True),
)
class TargetList(AuditedAPIView):
    permission_classes = [permissions.ReadsAggregates]
    serializer_class = TargetPointSerializer
    audit_name = "targets"

    def get_queryset(self):
        rows = TargetSnapshot.objects.filter(scope=Scope.OVERALL).order_by("date", "code")
        code = self.request.query_params.get("code")
        if code:
            if code not in CODES:
                raise ValidationError({"code": _("Unknown target.")})
            rows = rows.filter(code=code)
        if since := _date_param(self.request, "from"):
            rows = rows.filter(date__gte=since)
        if until := _date_param(self.request, "to"):
            rows = rows.filter(date__lte=until)
        return rows

    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(
    summary="Budget status",
    description="Per budget line and year on the latest measurement date: allocated, spent, "
    "share spent and the forecast for the year (DKK).",
    responses=BudgetLineSerializer(many=True),
)
class BudgetList(AuditedAPIView):
    permission_classes = [permissions.ReadsAggregates]
    serializer_class = BudgetLineSerializer
    audit_name = "budget"
    pagination_class = None

    def get(self, request):
        latest = BudgetSnapshot.objects.order_by("-date").values_list("date", flat=True).first()
        rows = (
            BudgetSnapshot.objects.filter(date=latest)
            .select_related("line__committee")
            .order_by("line__code", "year")
        )
        data = [
            {
                "date": r.date,
                "committee": r.line.committee.code,
                "line": r.line.code,
                "kind": r.line.kind,
                "year": r.year,
                "allocated": r.allocated,
                "spent": r.spent,
                "share": r.share,
                "forecast": r.forecast,
            }
            for r in rows
        ]
        return Response(self.get_serializer(data, many=True).data)


@extend_schema(
    summary="The evaluation's figures",
    description="Pilot and matched comparison rates, differences with 95 % intervals "
    "(overall and by cohort; small cohorts suppressed), and the cost per extra person in work.",
    responses=EvaluationSerializer,
)
class EvaluationDetail(AuditedAPIView):
    permission_classes = [permissions.ReadsEvaluation]
    serializer_class = EvaluationSerializer
    audit_name = "evaluation"
    pagination_class = None

    def get(self, request):
        run = selectors.latest_run()
        if run is None or not run.figures.get("date"):
            raise NotFound(_("No evaluation has been computed yet."))
        figures = run.figures
        data = {
            **figures,
            "computed_at": run.finished_at,
            "outcomes": [
                {**o, "label": str(selectors.OUTCOME_LABELS[o["code"]])}
                for o in figures["outcomes"]
            ],
        }
        return Response(self.get_serializer(data).data)


@extend_schema(summary="Evaluation extracts", responses=ExtractSerializer(many=True))
class ExtractList(AuditedAPIView):
    permission_classes = [permissions.ExportsExtract]
    serializer_class = ExtractSerializer
    audit_name = "extracts"

    def get_queryset(self):
        return EvaluationExtract.objects.defer("csv_encrypted", "parquet_encrypted").select_related(
            "run"
        )

    def get(self, request):
        page = self.paginate_queryset(list(self.get_queryset()))
        data = [
            {
                "id": e.pk,
                "status": e.status,
                "progress": e.progress,
                "created_at": e.created_at,
                "finished_at": e.finished_at,
                "rows": e.rows,
                "people": e.people,
                "measurement_date": e.run.date if e.run else None,
            }
            for e in page
        ]
        return self.get_paginated_response(self.get_serializer(data, many=True).data)


class ExtractThrottle(ScopedRateThrottle):
    scope_attr = "throttle_scope"


@extend_schema(
    summary="Download an evaluation extract",
    description="The pseudonymised extract as CSV or Parquet. `purpose` is required and is "
    "written to the audit log with the download.",
    parameters=[
        OpenApiParameter("purpose", OpenApiTypes.STR, required=True),
        OpenApiParameter("format", OpenApiTypes.STR, enum=["csv", "parquet"]),
    ],
    responses={
        (200, "text/csv"): OpenApiTypes.BINARY,
        (200, "application/vnd.apache.parquet"): OpenApiTypes.BINARY,
    },
)
class ExtractDownload(AuditedAPIView):
    permission_classes = [permissions.ExportsExtract]
    throttle_classes = [UserRateThrottle, ScopedRateThrottle]
    throttle_scope = "extract"
    serializer_class = drf_serializers.Serializer
    audit_name = "extract_download"

    def get(self, request, pk: int):
        item = get_object_or_404(EvaluationExtract, pk=pk, status=RunStatus.DONE)
        fmt = request.query_params.get("format", "csv")
        if fmt not in ("csv", "parquet"):
            raise ValidationError({"format": _("Use csv or parquet.")})
        purpose = " ".join(request.query_params.get("purpose", "").split())
        if len(purpose) < 10:
            raise ValidationError({"purpose": _("Describe the purpose in at least 10 characters.")})
        try:
            data = services.evaluation_extract_download(
                actor=request.user, item=item, fmt=fmt, purpose=purpose[:300]
            )
        except ServiceError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        content_type = (
            "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.apache.parquet"
        )
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="bi18-evaluering-{item.pk}.{fmt}"'
        return response
