from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bi18.accounts.roles import CASEWORKER_ROLES
from bi18.lib import textlimits
from bi18.lib.dates import age_on
from bi18.lib.pickers import PickerField, PickerFormMixin
from bi18.rules import rule
from families.cpr import parse_cpr
from families.models import District, Family, FamilyStatus, Person, PersonRole

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _CrispyMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class VersionedModelForm(_CrispyMixin, forms.ModelForm):
    """Carries the version the user started from, for the conditional update."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean_version(self):
        return self.cleaned_data.get("version") or self.instance.version

    def changed_data_dict(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class FamilyForm(VersionedModelForm):
    class Meta:
        model = Family
        fields = [
            "district",
            "cohort",
            "enrolment_date",
            "preferred_language",
            "interpreter_needed",
            "consent_given_on",
            "target_group_source",
            "target_group_date",
            "notes",
        ]
        widgets = {
            "enrolment_date": DATE_WIDGET,
            "consent_given_on": DATE_WIDGET,
            "target_group_date": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "target_group_source": _("E.g. the register extract the family was found in."),
        }

    def _not_in_the_future(self, name):
        day = self.cleaned_data.get(name)
        if day and day > timezone.localdate():
            raise ValidationError(_("This date cannot be in the future."))
        return day

    # Consent is given, and a register extract made, before they are recorded.
    def clean_consent_given_on(self):
        return self._not_in_the_future("consent_given_on")

    def clean_target_group_date(self):
        return self._not_in_the_future("target_group_date")


def implausible_age_warning(*, role, date_of_birth, today) -> str:
    """A warning (not an error) when the age does not fit the role: a parent over 80 or a
    "child" of 30 or more is more likely a typo in the CPR number than a fact."""
    if date_of_birth is None:
        return ""
    age = age_on(date_of_birth, today)
    if role == PersonRole.PARENT and age > rule("parent_age_warning_years"):
        return _("Note: a parent aged %(age)s. Check the CPR number and the date of birth.") % {
            "age": age
        }
    if role == PersonRole.CHILD and age >= rule("child_age_warning_years"):
        return _("Note: a child aged %(age)s. Check the role and the date of birth.") % {"age": age}
    return ""


class PersonForm(VersionedModelForm):
    # Shown only for that role (static/js/person_form.js); clean() empties a child's.
    PARENT_ONLY = ("benefit_category", "benefit_since", "in_other_effort")
    CHILD_ONLY = ("school_status",)
    # The CPR number first: it gives the date of birth.
    field_order = ["cpr", "role", "first_name", "last_name", "date_of_birth"]

    cpr = forms.CharField(
        label=_("CPR number"),
        required=False,
        max_length=20,
        help_text=_("DDMMYY-SSSS. Leave empty if the person has no CPR number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    class Meta:
        model = Person
        fields = [
            "role",
            "first_name",
            "last_name",
            "date_of_birth",
            "language",
            "interpreter_needed",
            "danish_level",
            "highest_education",
            "benefit_category",
            "benefit_since",
            "in_other_effort",
            "school_status",
        ]
        widgets = {"date_of_birth": DATE_WIDGET, "benefit_since": DATE_WIDGET}
        help_texts = {"date_of_birth": _("Filled in from the CPR number when one is given.")}

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cpr_warning = ""
        self.age_warning = ""
        if roles is not None:
            # Writing follows seeing: a member in a youth role registers young people only.
            self.fields["role"].choices = [c for c in PersonRole.choices if c[0] in roles]
        if self.instance.pk and self.instance.has_cpr:
            self.fields["cpr"].help_text = _(
                "A CPR number is registered (%(masked)s). Type a new one only to replace it."
            ) % {"masked": self.instance.cpr_masked}

    def clean_cpr(self):
        value = self.cleaned_data.get("cpr", "").strip()
        if not value:
            return None
        cpr = parse_cpr(value)
        if not cpr.passes_modulus_11:
            # Not an error: numbers issued since 2007 need not pass modulus 11.
            self.cpr_warning = _("Note: the CPR number does not pass the modulus-11 check.")
        return cpr

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == PersonRole.PARENT and not cleaned.get("benefit_category"):
            self.add_error("benefit_category", _("Choose the benefit category of a parent."))
        if role == PersonRole.CHILD:
            cleaned["benefit_category"] = ""
            cleaned["benefit_since"] = None
        cpr = cleaned.get("cpr")
        self.age_warning = implausible_age_warning(
            role=role,
            date_of_birth=cpr.birth_date if cpr else cleaned.get("date_of_birth"),
            today=timezone.localdate(),
        )
        return cleaned

    def person_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self._meta.fields}
        cpr = self.cleaned_data.get("cpr")
        if cpr is not None:
            data["date_of_birth"] = cpr.birth_date
        for name in (
            "benefit_category",
            "language",
            "danish_level",
            "highest_education",
            "school_status",
        ):
            data[name] = data[name] or ""
        return data


class StatusChangeForm(_CrispyMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    reason = forms.CharField(
        label=_("Reason"), max_length=textlimits.REASON, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, family: Family, **kwargs):
        super().__init__(*args, **kwargs)
        # No status preselected: a slip of the Enter key must not complete a family.
        self.fields["to_status"].choices = [
            ("", _("Choose the new status")),
            *((s, FamilyStatus(s).label) for s in family.allowed_statuses()),
        ]


class FamilyFilterForm(forms.Form):
    district = forms.ChoiceField(
        label=_("District"), required=False, choices=[("", _("All districts")), *District.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *FamilyStatus.choices]
    )


class FamilySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Case number, name or exact CPR number"),
    )


class CprRevealForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("Why do you need the full CPR number? The purpose is logged."),
    )


def _caseworker_roles(user) -> str:
    """The caseworker roles a user holds: two caseworkers may share a name, and the role is
    what the coordinator chooses by."""
    labels = {r.value: r.label for r in CASEWORKER_ROLES}
    return ", ".join(sorted(str(labels[g.name]) for g in user.groups.all() if g.name in labels))


class MemberAddForm(PickerFormMixin, _CrispyMixin, forms.Form):
    # A picker, not a <select>: at national scale there are thousands of caseworkers.
    user = PickerField(
        label=_("Caseworker"),
        queryset=get_user_model().objects.none(),
        search_fields=("first_name", "last_name"),
        describe=_caseworker_roles,
    )
    group_role = forms.ChoiceField(
        label=_("Role in the group"), choices=[(r.value, r.label) for r in CASEWORKER_ROLES]
    )
    is_coordinator = forms.BooleanField(label=_("Coordinator"), required=False)

    def __init__(self, *args, family: Family | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        users = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[r.value for r in CASEWORKER_ROLES])
            .distinct()
            .order_by("first_name", "last_name", "pk")
            .prefetch_related("groups")
        )
        if family is not None:
            # Members already in the group are not offered again.
            users = users.exclude(network_memberships__family=family)
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean(self):
        cleaned = super().clean()
        user, role = cleaned.get("user"), cleaned.get("group_role")
        if user and role and not user.has_role(role):
            raise ValidationError(_("The user does not have the chosen role."))
        return cleaned
