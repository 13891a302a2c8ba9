"""The administrators' target-group import: upload → dry-run preview → commit → result.

Not case data: the pages show counts, row numbers and messages only, so the guard is
a permission (403 for others), not the membership rule. The rules live in
families.importer.
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bi18.accounts.pickers import staff_field
from bi18.lib.errors import ServiceError
from bi18.lib.pickers import PickerFormMixin
from families import importer
from families.importer.households import COORDINATOR_ROLE
from families.models import TargetGroupImport

PAGE_SIZE = 25
RECENT_UPLOADS = 10

import_required = permission_required("accounts.import_target_group", raise_exception=True)


class TargetGroupUploadForm(PickerFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "One row per person. Comma or semicolon separated, UTF-8 or Windows-1252, at most 20 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )
    cohort = forms.CharField(
        label=gettext_lazy("Cohort"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "Optional. Set on every family the import creates or updates, e.g. 2026-1."
        ),
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # A picker, not a <select>: a municipality has thousands of family caseworkers.
        field = staff_field(
            COORDINATOR_ROLE,
            label=_("Coordinator"),
            required=False,
            help_text=_(
                "Coordinates the network group of every imported family that has none and that "
                "the file's optional “coordinator” column (a user name) leaves empty. Takes "
                "effect when another administrator approves it."
            ),
        )
        if actor is not None:
            field.queryset = field.queryset.exclude(pk=actor.pk)  # four eyes: never oneself
        self.fields["default_coordinator"] = field

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importer.MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


def _page(request, items: list, param: str):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get(param))


def _report_context(request, report: dict) -> dict:
    return {
        "report": report,
        "rejected_page": _page(request, report.get("rejected", []), "rejected_page"),
        "excluded_page": _page(request, report.get("excluded", []), "excluded_page"),
        "rejected_rows": len({r["row"] for r in report.get("rejected", [])}),
    }


@login_required
@import_required
def import_upload(request):
    if request.method == "POST":
        form = TargetGroupUploadForm(request.POST, request.FILES, actor=request.user)
    else:
        form = TargetGroupUploadForm(actor=request.user)
    if form.is_bound and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            upload = importer.target_group_upload_create(
                actor=request.user,
                data=file.read(),
                file_name=file.name,
                cohort=form.cleaned_data["cohort"],
                default_coordinator=form.cleaned_data["default_coordinator"],
            )
        except importer.ImportFileError as exc:
            form.add_error("file", exc.message)
        except ServiceError as exc:
            form.add_error("default_coordinator", str(exc))
        else:
            return redirect("families:import_preview", pk=upload.pk)
    recent = TargetGroupImport.objects.select_related("uploaded_by").defer("data_encrypted")[
        :RECENT_UPLOADS
    ]
    return render(
        request,
        "families/import_upload.html",
        {"form": form, "recent": recent, "nav_active": "admin"},
    )


@login_required
@import_required
def import_preview(request, pk):
    upload = get_object_or_404(TargetGroupImport.objects.defer("data_encrypted"), pk=pk)
    if upload.is_committed:
        return redirect("families:import_result", pk=upload.pk)
    context = _report_context(request, upload.dry_run_report)
    context.update({"upload": upload, "nav_active": "admin"})
    return render(request, "families/import_preview.html", context)


@login_required
@import_required
@require_POST
def import_commit(request, pk):
    upload = get_object_or_404(TargetGroupImport.objects.defer("data_encrypted"), pk=pk)
    try:
        importer.target_group_upload_commit(actor=request.user, upload=upload)
    except importer.AlreadyCommitted as exc:
        messages.info(request, str(exc))
        return redirect("families:import_result", pk=upload.pk)
    except (ServiceError, importer.ImportFileError) as exc:
        messages.error(request, str(exc))
        return redirect("families:import_preview", pk=upload.pk)
    except IntegrityError:
        messages.error(
            request,
            _(
                "Families were registered at the same time as the import; nothing was imported. Try again."
            ),
        )
        return redirect("families:import_preview", pk=upload.pk)
    messages.success(request, _("The target group was imported."))
    return redirect("families:import_result", pk=upload.pk)


@login_required
@import_required
@require_POST
def import_discard(request, pk):
    upload = get_object_or_404(TargetGroupImport.objects.defer("data_encrypted"), pk=pk)
    try:
        importer.target_group_upload_discard(actor=request.user, upload=upload)
    except importer.AlreadyCommitted as exc:
        messages.info(request, str(exc))
        return redirect("families:import_result", pk=upload.pk)
    messages.success(request, _("The uploaded file was discarded; nothing was imported."))
    return redirect("families:import")


@login_required
@import_required
def import_result(request, pk):
    upload = get_object_or_404(
        TargetGroupImport.objects.select_related("committed_by").defer("data_encrypted"), pk=pk
    )
    if not upload.is_committed:
        return redirect("families:import_preview", pk=upload.pk)
    context = _report_context(request, upload.result or {})
    context.update({"upload": upload, "nav_active": "admin"})
    return render(request, "families/import_result.html", context)
