"""Youth-track forms: validate and clean only. Rules come from youth.rules."""

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bi18.accounts.pickers import use_staff_picker
from bi18.accounts.roles import Role
from bi18.lib import textlimits
from bi18.lib.cvr import normalize_cvr
from bi18.lib.forms import DecimalCommaField
from bi18.lib.pickers import PickerFormMixin
from families.forms import DATE_WIDGET, VersionedModelForm, _CrispyMixin
from youth import rules
from youth.models import (
    GRADE_CHOICES,
    ApprenticeshipApplication,
    Clarification,
    CompanyInternship,
    Enrolment,
    ExamPreparation,
    FollowUpAnswer,
    GuidanceSession,
    LeisureJob,
    RetentionContact,
    YouthTrack,
)

# What people type or a select posts, mapped onto the stored integers.
_GRADE_INPUTS = {str(value): value for value, _label in GRADE_CHOICES} | {
    "00": 0,
    "02": 2,
    "−3": -3,
}


class GradeField(forms.TypedChoiceField):
    def __init__(self, *, label, **kwargs):
        super().__init__(
            label=label,
            choices=[("", "–"), *((str(v), text) for v, text in GRADE_CHOICES)],
            coerce=int,
            required=False,
            empty_value=None,
            **kwargs,
        )

    def to_python(self, value):
        value = super().to_python(value)
        value = value.strip() if isinstance(value, str) else value
        return str(_GRADE_INPUTS[value]) if value in _GRADE_INPUTS else value

    def validate(self, value):
        if value in self.empty_values:
            return
        if value not in {str(v) for v in _GRADE_INPUTS.values()}:
            raise ValidationError(
                _("%(value)s is not a grade on the 7-point scale (−3, 00, 02, 4, 7, 10, 12).")
                % {"value": value},
                code="invalid_grade",
            )


class _DatesInOrder:
    """Shared clean(): an end before its start is an error on the end field."""

    start_field = "start"
    end_fields: tuple[str, ...] = ("end",)

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get(self.start_field)
        for name in self.end_fields:
            end = cleaned.get(name)
            if start and end and end < start:
                self.add_error(name, _("The end cannot be before the start."))
        return cleaned


class YouthTrackForm(PickerFormMixin, _DatesInOrder, VersionedModelForm):
    end_fields = ("planned_end", "actual_end")

    class Meta:
        model = YouthTrack
        fields = [
            "education_effort",
            "leisure_job_effort",
            "start",
            "planned_end",
            "actual_end",
            "retention_counsellor",
            "guidance_counsellor",
        ]
        widgets = {"start": DATE_WIDGET, "planned_end": DATE_WIDGET, "actual_end": DATE_WIDGET}
        help_texts = {
            "actual_end": _(
                "When the effort ends, a follow-up falls due for the responsible counsellors."
            ),
            "retention_counsellor": _("Gets access to this young person while responsible."),
        }

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        use_staff_picker(self, "retention_counsellor", Role.RETENTION_COUNSELLOR)
        use_staff_picker(self, "guidance_counsellor", Role.YOUTH_GUIDANCE_COUNSELLOR)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("education_effort") or cleaned.get("leisure_job_effort")):
            # On the field, not the form: an errored field is left out of the model's
            # constraint check, which would otherwise add its technical name as a second error.
            self.add_error(
                "education_effort", _("Choose at least one effort: education or leisure job.")
            )
        start = cleaned.get("start")
        if start:
            try:
                rules.check_age_at_start(date_of_birth=self.person.date_of_birth, start=start)
            except ValidationError as exc:
                self.add_error("start", exc)
        return cleaned

    def data_dict(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


def hours_per_week_field(**kwargs) -> DecimalCommaField:
    """Hours per week as typed ("12,5"), within the youth rules' limits."""
    return DecimalCommaField(
        label=_("Hours per week"),
        min_value=rules.HOURS_PER_WEEK_MIN,
        max_value=rules.HOURS_PER_WEEK_MAX,
        max_digits=4,
        decimal_places=1,
        **kwargs,
    )


class _RecordForm(_DatesInOrder, VersionedModelForm):
    def data_dict(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class LeisureJobForm(_RecordForm):
    hours_per_week = hours_per_week_field()

    class Meta:
        model = LeisureJob
        fields = ["employer", "hours_per_week", "start", "end"]
        widgets = {"start": DATE_WIDGET, "end": DATE_WIDGET}


class ExamPreparationForm(_RecordForm):
    danish_written_before = GradeField(label=_("Danish, written, before"))
    danish_oral_before = GradeField(label=_("Danish, oral, before"))
    maths_before = GradeField(label=_("Mathematics, before"))
    danish_written_after = GradeField(label=_("Danish, written, after (exam)"))
    danish_oral_after = GradeField(label=_("Danish, oral, after (exam)"))
    maths_after = GradeField(label=_("Mathematics, after (exam)"))
    hours_per_week = hours_per_week_field(
        required=False,
    )

    class Meta:
        model = ExamPreparation
        fields = [
            "exam_date",
            *ExamPreparation.HELP_FIELDS,
            *ExamPreparation.GRADE_FIELDS,
        ]
        widgets = {"exam_date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The help given on one row; grades before and after side by side, one row per subject.
        self.helper.layout = Layout(
            Row(Column("exam_date", css_class="col-md-6")),
            Row(
                Column("subject", css_class="col-md-4"),
                Column("provider", css_class="col-md-5"),
                Column("hours_per_week", css_class="col-md-3"),
            ),
            Row(Column("danish_written_before"), Column("danish_written_after")),
            Row(Column("danish_oral_before"), Column("danish_oral_after")),
            Row(Column("maths_before"), Column("maths_after")),
            "version",
        )

    def clean(self):
        cleaned = forms.ModelForm.clean(self)
        for name in ExamPreparation.GRADE_FIELDS:
            value = cleaned.get(name)
            if value is not None:
                try:
                    rules.validate_grade(value)
                except ValidationError as exc:
                    self.add_error(name, exc)
        if not self.errors and not (
            cleaned.get("exam_date")
            or any(
                cleaned.get(name) not in (None, "")
                for name in (*ExamPreparation.HELP_FIELDS, *ExamPreparation.GRADE_FIELDS)
            )
        ):
            raise ValidationError(_("Give the exam date, the help given or at least one grade."))
        return cleaned


class GuidanceSessionForm(_RecordForm):
    class Meta:
        model = GuidanceSession
        fields = ["date", "education_choice", "note"]
        widgets = {"date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}


class ClarificationForm(_RecordForm):
    class Meta:
        model = Clarification
        fields = ["date", "academic_gaps", "language_gaps", "text"]
        widgets = {"date": DATE_WIDGET, "text": forms.Textarea(attrs={"rows": 3})}


class CompanyInternshipForm(_RecordForm):
    end_fields = ("planned_end", "actual_end")
    # Longer than 8: people write "DK 1234 5678"; clean_cvr normalises before the model checks.
    cvr = forms.CharField(
        label=_("CVR number"), max_length=20, required=False, help_text=_("8 digits; optional.")
    )
    hours_per_week = hours_per_week_field(
        required=False,
        help_text=_("E.g. 12 or 12,5"),
    )

    class Meta:
        model = CompanyInternship
        fields = [
            "company",
            "cvr",
            "industry",
            "start",
            "planned_end",
            "hours_per_week",
            "actual_end",
            "end_reason",
            "note",
        ]
        widgets = {
            "start": DATE_WIDGET,
            "planned_end": DATE_WIDGET,
            "actual_end": DATE_WIDGET,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_cvr(self):
        return normalize_cvr(self.cleaned_data.get("cvr") or "")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("end_reason") and not cleaned.get("actual_end"):
            self.add_error(
                "actual_end", _("Give the actual end when you record how the internship ended.")
            )
        return cleaned


class ApplicationForm(_RecordForm):
    class Meta:
        model = ApprenticeshipApplication
        fields = ["company", "applied_on", "status"]
        widgets = {"applied_on": DATE_WIDGET}


class RetentionContactForm(_RecordForm):
    class Meta:
        model = RetentionContact
        fields = ["date", "school", "risk", "note"]
        widgets = {"date": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})}


class EnrolmentForm(_RecordForm):
    class Meta:
        model = Enrolment
        fields = ["institution", "programme", "start", "end", "end_reason"]
        widgets = {"start": DATE_WIDGET, "end": DATE_WIDGET}
        help_texts = {
            "end_reason": _(
                "A transfer carries on until the next enrolment starts; a drop-out ends it."
            )
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("end") and not cleaned.get("end_reason"):
            self.add_error("end_reason", _("Say how the enrolment ended."))
        if cleaned.get("end_reason") and not cleaned.get("end"):
            self.add_error("end", _("Give the end date of the enrolment."))
        return cleaned


class FollowUpForm(_CrispyMixin, forms.Form):
    answer = forms.ChoiceField(
        label=_("Education status on the follow-up date"),
        choices=FollowUpAnswer.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=textlimits.NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, derived_in_education: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.derived_in_education = derived_in_education
        self.initial.setdefault(
            "answer",
            FollowUpAnswer.IN_EDUCATION
            if derived_in_education
            else FollowUpAnswer.NOT_IN_EDUCATION,
        )

    def clean(self):
        cleaned = super().clean()
        answer = cleaned.get("answer")
        says_in_education = answer == FollowUpAnswer.IN_EDUCATION
        if (
            answer
            and says_in_education != self.derived_in_education
            and not cleaned.get("note", "").strip()
        ):
            self.add_error(
                "note",
                _(
                    "Your answer differs from the registered enrolments. Record the enrolment "
                    "(or its end) first, or explain the difference in a note."
                ),
            )
        return cleaned
