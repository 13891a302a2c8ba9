from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the erasure"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        initial=_("Retention period expired; reviewed."),
    )
    case_number = forms.CharField(
        label=_("Type the case number to confirm"), max_length=20, strip=True
    )

    def __init__(self, *args, family=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family

    def clean_case_number(self):
        value = self.cleaned_data["case_number"]
        if self.family is not None and value.upper() != self.family.case_number.upper():
            raise forms.ValidationError(_("The case number does not match the family."))
        return value


class HoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the legal hold"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
