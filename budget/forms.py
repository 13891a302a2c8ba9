import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bi18.lib.forms import DATE_WIDGET, AmountField
from budget.models import Activity, Allocation, BudgetLine, Category, Expenditure
from families.models import Family


class AllocationForm(forms.ModelForm):
    amount_thousands = AmountField(
        label=_("Allocation (1,000 DKK)"), positive=False, help_text=_("E.g. 3.200 or 3200,5")
    )

    class Meta:
        model = Allocation
        fields = ["activity", "year", "amount_thousands", "price_level"]

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.select_related("line__committee")
        if editing:
            del self.fields["activity"]
            del self.fields["year"]

    def clean_amount_thousands(self):
        amount = self.cleaned_data["amount_thousands"]
        tenth = amount.quantize(Decimal("0.1"))
        if tenth != amount:
            raise ValidationError(_("Allocations in 1,000 DKK take at most one decimal."))
        return tenth

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise ValidationError(_("Enter a year between 2000 and 2100."))
        return year

    def clean_price_level(self):
        level = self.cleaned_data["price_level"]
        if not 2000 <= level <= 2100:
            raise ValidationError(_("Enter a year between 2000 and 2100."))
        return level

    def clean(self):
        data = super().clean()
        activity, year = data.get("activity"), data.get("year")
        if activity and year and Allocation.objects.filter(activity=activity, year=year).exists():
            self.add_error(
                "year",
                _("The activity already has an allocation for %(year)s: edit that one instead.")
                % {"year": year},
            )
        return data

    def validate_unique(self):
        # Checked in clean() with a clearer message.
        pass


class ExpenditureForm(forms.ModelForm):
    amount = AmountField(label=_("Amount (DKK)"), help_text=_("E.g. 1.234,50"))
    case_number = forms.CharField(
        label=_("Family (case number)"),
        required=False,
        max_length=20,
        help_text=_("Optional, e.g. BI18-0042. Only the case number is shown here."),
    )

    class Meta:
        model = Expenditure
        fields = ["date", "amount", "line", "activity", "category", "note"]
        widgets = {"date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = BudgetLine.objects.select_related("committee")
        self.fields["activity"].queryset = Activity.objects.select_related("line")
        self.fields["activity"].label_from_instance = lambda a: f"{a.line.code} – {a.name}"
        if self.instance.pk and self.instance.family_id:
            self.initial.setdefault("case_number", self.instance.family.case_number)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and not datetime.date(2000, 1, 1) <= day <= datetime.date(2100, 12, 31):
            raise ValidationError(_("Enter a date between 2000 and 2100."))
        return day

    def clean_case_number(self):
        value = " ".join(self.cleaned_data["case_number"].split()).upper()
        if not value:
            return None
        family = Family.objects.filter(case_number=value).first()
        if family is None:
            raise ValidationError(_("No family has the case number %(case)s.") % {"case": value})
        return family

    def clean(self):
        data = super().clean()
        line, activity = data.get("line"), data.get("activity")
        if line and activity and activity.line_id != line.pk:
            self.add_error(
                "activity",
                _("The activity belongs to budget line %(line)s, not %(chosen)s.")
                % {"line": activity.line.code, "chosen": line.code},
            )
        return data


class ExpenditureFilterForm(forms.Form):
    line = forms.ModelChoiceField(
        label=_("Budget line"),
        queryset=BudgetLine.objects.all(),
        required=False,
        empty_label=_("All budget lines"),
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All categories")), *Category.choices], required=False
    )


class ExpenditureUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: date, amount, line, activity, category; optional: case_number, note, "
            "reference. Semicolons or commas; UTF-8 or Windows-1252; amounts like 1.234,50."
        ),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload
