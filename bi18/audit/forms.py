from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from bi18.audit.citizens import parse_cpr
from bi18.audit.models import AuditAction
from bi18.lib.cpr import contains_cpr

# A text input (not type="date") so that the format is Danish whatever the browser's own
# locale is; it accepts the project's one set of date formats (bi18.lib.dates).


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(
            format="%d.%m.%Y",
            attrs={"placeholder": _("dd.mm.yyyy"), "inputmode": "numeric", "autocomplete": "off"},
        ),
        error_messages={"invalid": _("Enter a date as dd.mm.yyyy.")},
    )


def _refuse_cpr(value: str) -> str:
    # These filters go into the log's own "searched" entry: a CPR number must never go there.
    if contains_cpr(value):
        raise ValidationError(
            _("Do not search for CPR numbers here. Use the citizen access report."),
            code="cpr_in_filter",
        )
    return value


class AuditSearchForm(forms.Form):
    user = forms.CharField(
        label=_("User"),
        required=False,
        max_length=150,
        help_text=_("User name, also for failed log-ins."),
        widget=forms.TextInput(
            attrs={
                "list": "audit-usernames",
                "autocomplete": "off",
                "data-suggest-url": reverse_lazy("audit:usernames"),
            }
        ),
    )
    family = forms.CharField(
        label=_("Case number"),
        required=False,
        max_length=20,
        help_text=_("E.g. BI18-0042"),
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditAction.choices]
    )
    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))

    def clean_user(self):
        return _refuse_cpr(self.cleaned_data["user"].strip())

    def clean_family(self):
        return _refuse_cpr(self.cleaned_data["family"].strip().upper())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned


class CitizenReportForm(forms.Form):
    cpr = forms.CharField(
        label=_("The citizen's CPR number"),
        max_length=20,
        help_text=_("DDMMYY-SSSS. The number itself is never stored or logged."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    purpose = forms.CharField(
        label=_("Purpose and case reference"),
        max_length=200,
        help_text=_(
            "E.g. the citizen's request for access and its journal number. The purpose is logged."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_cpr(self):
        return parse_cpr(self.cleaned_data["cpr"])

    def clean_purpose(self):
        purpose = self.cleaned_data["purpose"].strip()
        if not purpose:
            raise ValidationError(_("State the purpose of the report."), code="required")
        if contains_cpr(purpose):
            # The purpose is stored in the audit log, where a CPR number must never go.
            raise ValidationError(
                _("Do not write a CPR number in the purpose; use a journal number."),
                code="cpr_in_purpose",
            )
        return purpose
