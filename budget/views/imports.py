"""The expenditure import: upload, dry-run preview, commit or discard."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bi18.lib.csvfile import ImportFileError
from budget.forms import ExpenditureUploadForm
from budget.importer import upload_commit, upload_create, upload_discard
from budget.models import ExpenditureImport
from budget.views.common import budget_required


@budget_required
@require_http_methods(["GET", "POST"])
def expenditure_import(request):
    form = ExpenditureUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            kept = upload_create(actor=request.user, filename=upload.name, data=upload.read())
        except ImportFileError as e:
            form.add_error("file", e.message)
        else:
            return redirect("budget:import_preview", pk=kept.pk)
    return render(request, "budget/import_upload.html", {"nav_active": "targets", "form": form})


@budget_required
@require_http_methods(["GET", "POST"])
def import_preview(request, pk: int):
    upload = get_object_or_404(ExpenditureImport, pk=pk, created_by=request.user)
    if request.method == "POST":
        if request.POST.get("action") == "discard":
            try:
                upload_discard(actor=request.user, upload=upload)
            except ImportFileError as e:
                messages.error(request, e.message)
                return redirect("budget:import_preview", pk=upload.pk)
            messages.info(request, _("The file was discarded; nothing was imported."))
            return redirect("budget:import")
        try:
            report = upload_commit(actor=request.user, upload=upload)
        except ImportFileError as e:
            messages.error(request, e.message)
            return redirect("budget:import_preview", pk=upload.pk)
        messages.success(
            request,
            _("%(n)s expenditure(s) imported.") % {"n": report.created},
        )
        return redirect("budget:import_preview", pk=upload.pk)
    report = upload.report
    return render(
        request,
        "budget/import_preview.html",
        {
            "nav_active": "targets",
            "upload": upload,
            "report": report,
            "rejected_rows": len({r["row"] for r in report.get("rejected", [])}),
            "list_url": reverse("budget:expenditures"),
        },
    )
