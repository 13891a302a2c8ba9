from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from bi18.lib.forms import DATE_WIDGET
from families.consent.models import SharingBasis


class BasisForm(forms.ModelForm):
    class Meta:
        model = SharingBasis
        fields = ["agency", "kind", "legal_reference", "valid_from", "valid_until", "note"]
        widgets = {
            "valid_from": DATE_WIDGET,
            "valid_until": DATE_WIDGET,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    signed_form = forms.FileField(
        label=_("Signed form (PDF or image)"),
        required=False,
        help_text=_("Stored encrypted with the family's documents."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end date cannot be before the start date."))
        return data


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Note on the withdrawal"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
