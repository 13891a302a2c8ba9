from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bi18.lib.forms import DATE_WIDGET, DATETIME_WIDGET
from families.records.models import Document, DocumentKind, Note, NoteKind


class _Crispy:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class NoteForm(_Crispy, forms.ModelForm):
    people = forms.ModelMultipleChoiceField(
        label=_("About"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the note is about the whole family."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Note
        fields = ["occurred_at", "kind", "heading", "text", "people", "shareable_with_uu"]
        widgets = {
            "occurred_at": DATETIME_WIDGET,
            "text": forms.Textarea(attrs={"rows": 8, "maxlength": 20000}),
        }

    def __init__(self, *args, people=None, whole_family=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if not self.instance.pk:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )
        else:
            self.initial["version"] = self.instance.version
            del self.fields["people"]
            del self.fields["shareable_with_uu"]
        if not whole_family:
            self.fields.pop("shareable_with_uu", None)
            if "people" in self.fields:
                self.fields["people"].required = True
                self.fields["people"].help_text = ""

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value and value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(_("The event cannot be in the future."))
        return value


class AddendumForm(forms.Form):
    text = forms.CharField(
        label=_("Addendum"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteFilterForm(forms.Form):
    q = forms.CharField(label=_("Search in the text"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *NoteKind.choices]
    )
    person = forms.ModelChoiceField(
        label=_("About"), required=False, queryset=None, empty_label=_("Everyone")
    )
    author = forms.ModelChoiceField(
        label=_("Author"), required=False, queryset=None, empty_label=_("All authors")
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, people=None, authors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["author"].queryset = authors
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} form-control-sm" if css == "form-control" else css


class DocumentForm(_Crispy, forms.ModelForm):
    file = forms.FileField(label=_("File"))

    class Meta:
        model = Document
        fields = ["title", "date", "kind", "person", "shareable_with_uu"]
        widgets = {"date": DATE_WIDGET}

    def __init__(self, *args, people=None, whole_family=True, for_note=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = DocumentKind.OTHER
        self.fields["person"].queryset = people
        self.fields["person"].empty_label = _("The whole family")
        if for_note:
            del self.fields["person"]
            del self.fields["shareable_with_uu"]
        elif not whole_family:
            self.fields["person"].required = True
            self.fields["person"].empty_label = None
            del self.fields["shareable_with_uu"]
