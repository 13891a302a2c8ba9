"""The evaluation's pages (issue 15): the Beslutningsgrundlag for managers and evaluators,
its PDF, the pseudonymised extract (evaluators) and the comparison imports (administrators).

Aggregates only: no page here shows a name or a CPR number, so the guard is a
permission (403 for others), not the membership rule.
"""

from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bi18.accounts.middleware import background_poll
from bi18.audit.models import AuditAction
from bi18.audit.services import audit_log
from bi18.lib.errors import ServiceError
from bi18.lib.pdf import PdfError, PdfTimeout, html_to_pdf, pdf_failed_response
from bi18.lib.sorting import danish_key, sort_rows
from bi18.outbox.runs import runs_fail_stale
from budget.evaluation import importer, selectors, services
from budget.evaluation.forms import ComparisonUploadForm, ExtractDownloadForm, ExtractRequestForm
from budget.evaluation.models import ComparisonUpload, EvaluationExtract, RunStatus, UploadKind


def _guard(perm: str):
    def decorator(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorator


view_required = _guard("accounts.view_evaluation")
export_required = _guard("accounts.export_evaluation")
import_required = _guard("accounts.import_target_group")
PAGE_SIZE = 25


@view_required
@require_GET
def decision(request):
    context = selectors.decision_context(selectors.latest_run())
    context.update({"nav_active": "evaluation", "open_run": selectors.open_run()})
    return render(request, "evaluation/decision.html", context)


@view_required
@require_POST
def run_request(request):
    run = services.evaluation_run_request(actor=request.user)
    run.refresh_from_db()
    if run.status == RunStatus.DONE:
        messages.success(request, _("The evaluation has been computed."))
    elif run.status == RunStatus.FAILED:
        messages.error(request, _("The computation failed. Try again, or ask the administrator."))
    else:
        messages.info(request, _("The computation has started; the page updates when it is done."))
    return redirect("evaluation:decision")


@background_poll
@view_required
@require_GET
def run_status(request, pk: int):
    from budget.evaluation.models import EvaluationRun

    runs_fail_stale(EvaluationRun)  # ends the polling of a run that can no longer finish
    run = get_object_or_404(EvaluationRun, pk=pk)
    response = render(request, "evaluation/_run_status.html", {"open_run": run})
    if run.status == RunStatus.DONE and request.htmx:
        response["HX-Refresh"] = "true"
    return response


def render_decision_pdf(context: dict) -> bytes:
    """The decision basis as a PDF, in a child process with a time limit (bi18.lib.pdf)."""
    return html_to_pdf(render_to_string("evaluation/decision_pdf.html", context))


@view_required
@require_GET
def decision_pdf(request):
    run = selectors.latest_run()
    context = selectors.decision_context(run)
    context["printed_at"] = timezone.now()
    try:
        pdf = render_decision_pdf(context)
    except (PdfTimeout, PdfError) as exc:
        return pdf_failed_response(request, exc, back_url=reverse("evaluation:decision"))
    audit_log(
        actor=request.user,
        action=AuditAction.EXPORT,
        event="evaluation.decision.pdf",
        detail={"run_id": run.pk if run else None, "format": "pdf"},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    day = run.date.isoformat() if run and run.date else "ingen-data"
    response["Content-Disposition"] = f'attachment; filename="bi18-beslutningsgrundlag-{day}.pdf"'
    return response


# --- The pseudonymised extract ------------------------------------------------------------------


@export_required
@require_http_methods(["GET", "POST"])
def extracts(request):
    form = ExtractRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_extract_request(
                actor=request.user, purpose=form.cleaned_data["purpose"]
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The extract is being built; this page shows its progress.")
            )
            return redirect("evaluation:extracts")
    # The latest extracts, sorted among themselves (sorting must not change which ones).
    extracts, sorting = sort_rows(
        request,
        selectors.recent_extracts(),
        {
            "requested": attrgetter("created_at"),
            "by": lambda e: danish_key(str(e.requested_by or "")),
            "status": lambda e: RunStatus.values.index(e.status),
        },
        "-requested",
    )
    return render(
        request,
        "evaluation/extracts.html",
        {
            "nav_active": "evaluation",
            "form": form,
            "download_form": ExtractDownloadForm(),
            "extracts": extracts,
            "sorting": sorting,
            "run": selectors.latest_run(),
        },
    )


@background_poll
@export_required
@require_GET
def extract_status(request, pk: int):
    runs_fail_stale(EvaluationExtract)  # ends the polling of one that can no longer finish
    item = get_object_or_404(
        EvaluationExtract.objects.defer("csv_encrypted", "parquet_encrypted"), pk=pk
    )
    response = render(request, "evaluation/_extract_status.html", {"item": item})
    if not item.is_open and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@export_required
@require_POST
def extract_download(request, pk: int):
    item = get_object_or_404(EvaluationExtract, pk=pk)
    form = ExtractDownloadForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("evaluation:extracts")
    fmt = form.cleaned_data["format"]
    try:
        data = services.evaluation_extract_download(
            actor=request.user, item=item, fmt=fmt, purpose=form.cleaned_data["purpose"]
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("evaluation:extracts")
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.apache.parquet"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="bi18-evaluering-{item.pk}.{fmt}"'
    return response


# --- The comparison imports (administrators) ------------------------------------------------------


def _page(request, items: list, param: str):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get(param))


@import_required
@require_http_methods(["GET", "POST"])
def upload(request):
    form = ComparisonUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            item = importer.comparison_upload_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                data=file.read(),
                file_name=file.name,
            )
        except importer.ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("evaluation:upload_preview", pk=item.pk)
    recent = ComparisonUpload.objects.defer("data_encrypted")[:10]
    return render(
        request,
        "evaluation/upload.html",
        {"form": form, "recent": recent, "nav_active": "admin"},
    )


@import_required
@require_GET
def upload_preview(request, pk: int):
    item = get_object_or_404(ComparisonUpload.objects.defer("data_encrypted"), pk=pk)
    report = item.result if item.is_committed else item.dry_run_report
    return render(
        request,
        "evaluation/upload_preview.html",
        {
            "item": item,
            "report": report,
            "rejected_page": _page(request, report.get("rejected", []), "page"),
            "rejected_rows": len({r["row"] for r in report.get("rejected", [])}),
            "is_cohort": item.kind == UploadKind.COHORT,
            "nav_active": "admin",
        },
    )


@import_required
@require_POST
def upload_commit(request, pk: int):
    item = get_object_or_404(ComparisonUpload.objects.defer("data_encrypted"), pk=pk)
    try:
        importer.comparison_upload_commit(actor=request.user, upload=item)
    except importer.AlreadyCommitted as exc:
        messages.info(request, str(exc))
    except (ServiceError, importer.ImportFileError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The file was imported. Compute the evaluation again to use it.")
        )
    return redirect("evaluation:upload_preview", pk=item.pk)


@import_required
@require_POST
def upload_discard(request, pk: int):
    item = get_object_or_404(ComparisonUpload.objects.defer("data_encrypted"), pk=pk)
    try:
        importer.comparison_upload_discard(actor=request.user, upload=item)
    except importer.AlreadyCommitted as exc:
        messages.info(request, str(exc))
        return redirect("evaluation:upload_preview", pk=item.pk)
    messages.success(request, _("The uploaded file was discarded; nothing was imported."))
    return redirect("evaluation:upload")
