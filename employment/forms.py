"""Forms validate and clean only; the rules are in services.py and clocks.py."""

import datetime
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from bi18.accounts.pickers import staff_field, use_staff_picker
from bi18.accounts.roles import Role
from bi18.lib import textlimits
from bi18.lib.forms import DateField, DecimalCommaField
from bi18.lib.pickers import PickerField, PickerFormMixin
from employment.clocks import mentor_period_max_end
from employment.models import (
    Company,
    Course,
    EmploymentTrack,
    Internship,
    InternshipStatus,
    JobInterview,
    Outcome,
)
from employment.validators import normalize_cvr, validate_cvr

# As the browsers' date pickers show it in Danish (dd.mm.åååå).
DATE_HELP = _("Format: dd.mm.yyyy")
HOURS_VALIDATORS = [
    MinValueValidator(Decimal("0"), message=_("Hours per week cannot be negative.")),
    MaxValueValidator(Decimal("80"), message=_("Hours per week cannot be more than 80.")),
]


def _hours_field(label, required=False):
    return DecimalCommaField(
        label=label,
        required=required,
        max_digits=4,
        decimal_places=1,
        validators=HOURS_VALIDATORS,
        error_messages={"invalid": _("Enter the hours as a number, e.g. 15 or 22,5.")},
    )


def company_field(**kwargs) -> PickerField:
    """The company register grows with every internship: chosen by name, CVR or industry."""
    field = PickerField(
        queryset=Company.objects.order_by("name", "id"),
        search_fields=("name", "cvr", "industry"),
        search_url=reverse_lazy("employment:company_picker"),
        describe=lambda c: " · ".join(filter(None, [f"CVR {c.cvr}", c.industry])),
        **kwargs,
    )
    field.label_from_instance = lambda company: company.name
    return field


class CleanedByFormMixin:
    """The form's clean() states each model constraint in words; skip Django's generic
    "constraint violated" echo of the same rule (the database still enforces it)."""

    def validate_unique(self):
        pass


class TrackForm(PickerFormMixin, CleanedByFormMixin, forms.ModelForm):
    start = DateField(label=_("Track start"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = EmploymentTrack
        fields = [
            "kind",
            "start",
            "company_consultant",
            "employment_consultant",
            "goal",
            "goal_industry",
            "internship_aim",
        ]
        widgets = {"goal": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_staff_picker(self, "company_consultant", Role.COMPANY_CONSULTANT)
        use_staff_picker(self, "employment_consultant", Role.EMPLOYMENT_CONSULTANT)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError(_("The track cannot start more than a year from now."))
        return start

    def track_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Still on the track"))] + list(Outcome.choices),
        required=False,
    )
    outcome_date = DateField(label=_("From (date)"), required=False, help_text=DATE_HELP)
    outcome_hours = _hours_field(_("Hours per week"))
    outcome_employer = forms.CharField(label=_("Employer"), max_length=200, required=False)
    outcome_reason = forms.CharField(
        label=_("Reason for leaving"),
        max_length=textlimits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if not outcome:
            return data
        if not data.get("outcome_date"):
            self.add_error("outcome_date", _("Give the date the outcome applies from."))
        if outcome in (Outcome.ORDINARY_JOB, Outcome.WAGE_SUBSIDY) and not data.get(
            "outcome_employer"
        ):
            self.add_error("outcome_employer", _("Give the employer."))
        if (
            outcome == Outcome.ORDINARY_JOB
            and data.get("outcome_hours") is None
            and "outcome_hours" not in self.errors
        ):
            self.add_error("outcome_hours", _("Give the hours per week."))
        if outcome == Outcome.LEFT and not (data.get("outcome_reason") or "").strip():
            self.add_error("outcome_reason", _("Give the reason for leaving the effort."))
        return data


class CompanyForm(forms.ModelForm):
    cvr = forms.CharField(label=_("CVR number"), max_length=20, help_text=_("8 digits"))

    class Meta:
        model = Company
        fields = ["name", "cvr", "industry", "contact_name", "contact_phone", "contact_email"]

    def clean_cvr(self):
        value = self.cleaned_data["cvr"]
        validate_cvr(value)
        cvr = normalize_cvr(value)
        clash = Company.objects.filter(cvr=cvr).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("A company with this CVR number is already registered."))
        return cvr

    def validate_unique(self):
        # clean_cvr gives the friendlier message; the constraint still guards races.
        pass


class InternshipCreateForm(PickerFormMixin, forms.Form):
    company = company_field(label=_("Company from the register"), required=False)
    new_company_name = forms.CharField(
        label=_("Or a new company: name"), max_length=200, required=False
    )
    new_company_cvr = forms.CharField(
        label=_("CVR number"), max_length=20, required=False, help_text=_("8 digits")
    )
    new_company_industry = forms.CharField(label=_("Industry"), max_length=120, required=False)
    start = DateField(label=_("Start"), help_text=DATE_HELP)
    planned_end = DateField(label=_("Planned end"), help_text=DATE_HELP)
    hours = _hours_field(_("Hours per week at the start"))

    def clean_new_company_cvr(self):
        value = self.cleaned_data.get("new_company_cvr", "")
        if value.strip():
            validate_cvr(value)
            return normalize_cvr(value)
        return ""

    def clean(self):
        data = super().clean()
        company, name, cvr = (
            data.get("company"),
            data.get("new_company_name", "").strip(),
            data.get("new_company_cvr"),
        )
        if company and (name or cvr):
            self.add_error(
                None, _("Choose a company from the register or enter a new one, not both.")
            )
        elif not company and "new_company_cvr" not in self.errors:
            if not name:
                self.add_error(
                    "new_company_name", _("Choose a company from the register or enter a new one.")
                )
            if not cvr:
                self.add_error("new_company_cvr", _("Enter the company's CVR number."))
            elif Company.objects.filter(cvr=cvr).exists():
                # Reuse, don't duplicate: point to the register entry.
                data["company"] = Company.objects.get(cvr=cvr)
        start, end = data.get("start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The planned end cannot be before the start."))
        return data


class InternshipEditForm(PickerFormMixin, CleanedByFormMixin, forms.ModelForm):
    company = company_field(label=_("Company"))
    start = DateField(label=_("Start"), help_text=DATE_HELP)
    planned_end = DateField(label=_("Planned end"), help_text=DATE_HELP)
    actual_end = DateField(label=_("Actual end"), required=False, help_text=DATE_HELP)
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Internship
        fields = ["company", "start", "planned_end", "actual_end", "status", "end_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        start, planned, actual = data.get("start"), data.get("planned_end"), data.get("actual_end")
        status, reason = data.get("status"), data.get("end_reason")
        if start and planned and planned < start:
            self.add_error("planned_end", _("The planned end cannot be before the start."))
        if start and actual and actual < start:
            self.add_error("actual_end", _("The internship cannot end before it starts."))
        if actual and actual > timezone.localdate():
            self.add_error(
                "actual_end",
                _("The actual end cannot be in the future; change the planned end instead."),
            )
        if status == InternshipStatus.ENDED and not actual:
            self.add_error("actual_end", _("Give the date the internship ended."))
        if (actual or status == InternshipStatus.ENDED) and not reason:
            self.add_error("end_reason", _("Give the reason the internship ended."))
        return data

    def internship_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class HoursForm(forms.Form):
    from_date = DateField(label=_("From"), help_text=DATE_HELP)
    hours = _hours_field(_("Hours per week"), required=True)


class InterviewForm(PickerFormMixin, CleanedByFormMixin, forms.ModelForm):
    planned_date = DateField(label=_("Planned date"), required=False, help_text=DATE_HELP)
    held_date = DateField(label=_("Held on"), required=False, help_text=DATE_HELP)

    class Meta:
        model = JobInterview
        fields = ["planned_date", "held_date", "held_by", "outcome_note"]
        widgets = {"outcome_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_staff_picker(self, "held_by", Role.EMPLOYMENT_CONSULTANT)
        self.fields["held_by"].help_text = _("Leave empty if you held it yourself.")

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("planned_date") or data.get("held_date")):
            # On the field, not the form: a form-wide error would also let Django echo
            # the database constraint ("Constraint … is violated") beside it.
            self.add_error(
                "planned_date", _("Give a planned date or the date the interview was held.")
            )
        held = data.get("held_date")
        if held and held > timezone.localdate():
            self.add_error(
                "held_date",
                _("An interview cannot be held in the future; give a planned date instead."),
            )
        return data

    def interview_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MentorAssignForm(PickerFormMixin, forms.Form):
    mentor = staff_field(Role.JOB_MENTOR, label=_("Job mentor"))
    start = DateField(label=_("From"), help_text=DATE_HELP)
    end = DateField(label=_("To"), help_text=DATE_HELP)
    target_hours = _hours_field(_("Target hours per week"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The period cannot end before it starts."))
            elif end > mentor_period_max_end(start):
                self.add_error(
                    "end",
                    _(
                        "A job-mentor period can run until %(date)s at the latest; renew it after that."
                    )
                    % {"date": date_format(mentor_period_max_end(start), "SHORT_DATE_FORMAT")},
                )
        return data


class MentorRenewForm(forms.Form):
    end = DateField(label=_("New period ends"), help_text=DATE_HELP)


class MentorContactForm(forms.Form):
    date = DateField(label=_("Date"), help_text=DATE_HELP)
    note = forms.CharField(
        label=_("Note"), max_length=textlimits.NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    hours_per_week = _hours_field(_("Hours per week now"))

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("A contact cannot be in the future."))
        return date


class CourseForm(CleanedByFormMixin, forms.ModelForm):
    start = DateField(label=_("From"), help_text=DATE_HELP)
    end = DateField(label=_("To"), required=False, help_text=DATE_HELP)

    class Meta:
        model = Course
        fields = ["kind", "title", "provider", "start", "end", "completed"]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The course cannot end before it starts."))
        return data

    def course_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CompanySearchForm(forms.Form):
    q = forms.CharField(label=_("Search name, CVR or industry"), required=False, max_length=100)
