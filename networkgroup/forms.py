from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bi18.lib import textlimits
from bi18.lib.forms import DATE_WIDGET, DATETIME_WIDGET, AmountField
from families.models import Person
from networkgroup import access, services
from networkgroup.models import ActionStatus, InterpreterBookingStatus, PlanArea


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class _ChoicesInOneQuery(forms.models.ModelChoiceIterator):
    """The few people or members of a family read with one plain query: Django reads
    choices with .iterator(), on PostgreSQL a server-side cursor (three round trips)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in list(self.queryset):
            yield self.choice(obj)


class _UserChoiceField(forms.ModelChoiceField):
    iterator = _ChoicesInOneQuery

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class _PersonChoiceField(forms.ModelChoiceField):
    iterator = _ChoicesInOneQuery

    def label_from_instance(self, obj):
        return obj.full_name


def _member_users(family):
    return access.responsible_choices(family)


class GoalForm(_Form):
    person = _PersonChoiceField(
        label=_("For"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("The whole family"),
    )
    area = forms.ChoiceField(label=_("Area"), choices=PlanArea.choices)
    text = forms.CharField(
        label=_("Goal"), max_length=textlimits.PLAN_ITEM, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, family, user, prefix_id="", **kwargs):
        super().__init__(*args, **kwargs)
        # Writing follows seeing: only people this user may write goals about.
        self.fields["person"].queryset = access.people_choices(user, family)
        self.prefix_id = prefix_id

    def data_dict(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("person", "area", "text")}


class ActionForm(_Form):
    what = forms.CharField(
        label=_("What"), max_length=textlimits.PLAN_ITEM, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible = _UserChoiceField(
        label=_("Responsible"), queryset=get_user_model().objects.none(), required=False
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE_WIDGET, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, family, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only members who may see whom the goal is about.
        self.fields["responsible"].queryset = access.responsible_choices(family, person)

    def data_dict(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("what", "responsible", "deadline", "status")}


def _goal_label(goal) -> str:
    """Area, goal text and whom it is for: two children often share a goal text."""
    who = goal.person.full_name if goal.person_id else gettext("The whole family")
    return f"{goal.get_area_display()}: {goal.text[:60]} ({who})"


class DecisionForm(_Form):
    """A decision: an action under a goal, a new goal, or a decision on its own."""

    text = forms.CharField(
        label=_("Decision"),
        max_length=textlimits.DECISION,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    kind = forms.ChoiceField(
        label=_("In the plan"),
        choices=[
            (services.DecisionKind.ACTION, _("An action under an existing goal")),
            (services.DecisionKind.NEW_GOAL, _("A new goal")),
            (services.DecisionKind.ALONE, _("Not in the plan: the decision on its own")),
        ],
        initial=services.DecisionKind.ACTION,
        widget=forms.RadioSelect,
        required=False,  # an action under a goal, as before there was a choice
    )
    goal = forms.ModelChoiceField(label=_("Under goal"), queryset=None, required=False)
    person = _PersonChoiceField(
        label=_("About"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("The whole family"),
        help_text=_("For a new goal or a decision on its own."),
    )
    area = forms.ChoiceField(
        label=_("Area of the new goal"),
        choices=[("", "---------")] + PlanArea.choices,
        required=False,
    )
    responsible = _UserChoiceField(label=_("Responsible"), queryset=None, required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, family, goals, user, shown_goals=None, members=None, **kwargs):
        """`goals` validates the choice; `shown_goals` and `members` (the page's goals and
        memberships, already fetched) fill the selects without querying again."""
        super().__init__(*args, **kwargs)
        self.family = family
        self.fields["goal"].queryset = goals
        self.fields["goal"].label_from_instance = _goal_label
        self.fields["person"].queryset = access.people_choices(user, family)
        if self.is_bound or members is None:  # else only the page's members are shown
            self.fields["responsible"].queryset = _member_users(family)
        if not self.is_bound and shown_goals is not None and not shown_goals:
            self.initial["kind"] = services.DecisionKind.NEW_GOAL
        if shown_goals is not None:
            self.fields["goal"].choices = [("", "---------")] + [
                (g.pk, _goal_label(g)) for g in sorted(shown_goals, key=lambda g: (g.area, g.pk))
            ]
        if members is not None:
            users = sorted(
                (m.user for m in members),
                key=lambda u: (u.first_name, u.last_name, u.pk),
            )
            self.fields["responsible"].choices = [("", "---------")] + [
                (u.pk, u.get_full_name() or u.get_username()) for u in users
            ]

    def clean_kind(self):
        return self.cleaned_data["kind"] or services.DecisionKind.ACTION

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        goal, responsible = cleaned.get("goal"), cleaned.get("responsible")
        if kind == services.DecisionKind.ACTION and not goal and "goal" not in self.errors:
            self.add_error("goal", _("Choose the goal the action belongs under."))
        if kind == services.DecisionKind.NEW_GOAL and not cleaned.get("area"):
            self.add_error("area", _("Choose the area of the new goal."))
        if kind == services.DecisionKind.ALONE:
            for name in ("responsible", "deadline"):
                if cleaned.get(name):
                    self.add_error(
                        name,
                        _(
                            "A decision on its own has no responsible person or deadline; "
                            "make it an action or a new goal instead."
                        ),
                    )
        about = goal.person if kind == services.DecisionKind.ACTION and goal else None
        if kind == services.DecisionKind.NEW_GOAL:
            about = cleaned.get("person")
        if responsible and kind != services.DecisionKind.ALONE:
            allowed = access.may_be_responsible(self.family, about)
            if not allowed.filter(user=responsible).exists():
                self.add_error(
                    "responsible",
                    _(
                        "The responsible person may not see whom this goal is about. Choose another."
                    ),
                )
        return cleaned

    def data_dict(self) -> dict:
        data = dict(self.cleaned_data)
        if data["kind"] == services.DecisionKind.ACTION:
            data.pop("person")
        return data


class MeetingForm(_Form):
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=200)
    attending_members = forms.ModelMultipleChoiceField(
        label=_("Attending members"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attending_people = forms.ModelMultipleChoiceField(
        label=_("Attending family members"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interpreter_booked = forms.BooleanField(label=_("Interpreter booked"), required=False)
    interpreter_language = forms.CharField(
        label=_("Interpreter language"), max_length=60, required=False
    )
    interpreting_person = _PersonChoiceField(
        label=_("Family member interpreting"),
        queryset=None,
        required=False,
        help_text=_("Only if the family insists. A child under 18 may never interpret."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=textlimits.AGENDA,
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("Leave empty to have the agenda proposed from the plan."),
    )
    next_meeting_date = forms.DateField(label=_("Next meeting"), widget=DATE_WIDGET, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, family, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        users = _member_users(family)
        self.fields["attending_members"].queryset = users
        self.fields["attending_members"].label_from_instance = lambda u: (
            u.get_full_name() or u.get_username()
        )
        # Only people the user may see (meetings are convened and edited by full members,
        # who see everyone; the filter keeps the rule in one place all the same).
        people = access.people(user, Person.objects.filter(family=family)).order_by(
            "role", "date_of_birth", "id"
        )
        self.fields["attending_people"].queryset = people
        self.fields["attending_people"].label_from_instance = lambda p: p.full_name
        self.fields["interpreting_person"].queryset = people

    def clean(self):
        cleaned = super().clean()
        starts_at = cleaned.get("starts_at")
        person = cleaned.get("interpreting_person")
        if starts_at and person:
            try:
                services.check_interpreter(
                    person, family=self.family, on=timezone.localtime(starts_at).date()
                )
            except services.ServiceError as exc:
                self.add_error("interpreting_person", str(exc))
        if (
            cleaned.get("interpreter_booked")
            and not cleaned.get("interpreter_language", "").strip()
        ):
            self.add_error("interpreter_language", _("Give the interpreter's language."))
        next_date = cleaned.get("next_meeting_date")
        if starts_at and next_date and next_date < timezone.localtime(starts_at).date():
            raise ValidationError(
                {"next_meeting_date": _("The next meeting must be after this one.")}
            )
        return cleaned

    def meeting_data(self) -> services.MeetingData:
        c = self.cleaned_data
        return services.MeetingData(
            starts_at=c["starts_at"],
            place=c["place"],
            attending_members=list(c["attending_members"]),
            attending_people=list(c["attending_people"]),
            interpreter_booked=c["interpreter_booked"],
            interpreter_language=c["interpreter_language"],
            interpreting_person=c["interpreting_person"],
            agenda=c["agenda"],
            next_meeting_date=c["next_meeting_date"],
        )


class MinutesForm(_Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=textlimits.MINUTES,
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AddendumForm(_Form):
    text = forms.CharField(
        label=_("Addendum"), max_length=textlimits.NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )


class InterpreterBookingForm(_Form):
    """Request (or change) an interpreter for a meeting."""

    language = forms.CharField(label=_("Language"), max_length=60)
    starts_at = forms.DateTimeField(label=_("From"), widget=DATETIME_WIDGET)
    minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=15, max_value=600, initial=90
    )
    supplier = forms.CharField(
        label=_("Interpreting supplier"),
        max_length=200,
        help_text=_(
            "The agency or interpreter booked, e.g. the municipality's framework agreement."
        ),
    )
    remote = forms.BooleanField(label=_("By phone or video"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=InterpreterBookingStatus.choices, initial="requested"
    )
    cost = AmountField(
        label=_("Cost (DKK)"),
        positive=False,
        max_digits=10,
        required=False,
        help_text=_(
            "When known (the invoice): booked as an interpreter expenditure on BIU 18.21. "
            "E.g. 1250,50"
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def booking_data(self):
        from networkgroup.services.interpreters import BookingData

        c = self.cleaned_data
        return BookingData(
            language=c["language"],
            starts_at=c["starts_at"],
            minutes=c["minutes"],
            supplier=c["supplier"],
            remote=c["remote"],
            status=c["status"],
            cost=c["cost"],
            note=c["note"],
        )
