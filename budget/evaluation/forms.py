from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budget.evaluation.models import UploadKind
from families import importer as target_group


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ComparisonUploadForm(_Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        choices=[
            (
                UploadKind.COHORT,
                gettext_lazy("The comparison cohort: the target-group columns, one row per person"),
            ),
            (
                UploadKind.OUTCOMES,
                gettext_lazy("Register outcomes: cpr, date, status"),
            ),
        ],
        widget=forms.RadioSelect,
        initial=UploadKind.COHORT,
    )
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Comma or semicolon separated, UTF-8 or Windows-1252, at most 20 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > target_group.MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class PurposeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=gettext_lazy("Purpose"),
            min_length=10,
            max_length=300,
            help_text=gettext_lazy(
                "Why the extract is needed and for whom, e.g. “External evaluation by VIVE, "
                "contract 2027-03”. It is written to the audit log."
            ),
            error_messages={
                "required": gettext_lazy("State the purpose of the extract."),
                "min_length": gettext_lazy("Describe the purpose in at least 10 characters."),
            },
            **kwargs,
        )


class ExtractRequestForm(_Form):
    purpose = PurposeField()

    def clean_purpose(self):
        value = " ".join(self.cleaned_data["purpose"].split())
        if len(value) < 10:
            raise forms.ValidationError(_("Describe the purpose in at least 10 characters."))
        return value


class ExtractDownloadForm(ExtractRequestForm):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("csv", "CSV"), ("parquet", "Parquet")],
        initial="csv",
    )
