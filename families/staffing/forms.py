from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bi18.accounts.roles import Role
from families.staffing.selectors import caseworkers, users_for_role


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class HandoverForm(forms.Form):
    """One successor per membership and assignment the leaving user holds; a colleague
    chosen under "give everything to" fills every row left empty that their role fits."""

    default_successor = _UserChoiceField(
        label=_("Give everything to"),
        queryset=None,
        required=False,
        empty_label=_("Choose per family below"),
        help_text=_("Fills every row left empty whose role this colleague has."),
    )
    deactivate = forms.BooleanField(
        label=_("Deactivate the user when the families are handed over"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, leaving, memberships, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_successor"].queryset = caseworkers().exclude(pk=leaving.pk)
        self.fields["default_successor"].widget.attrs["class"] = "form-select"
        self.leaving = leaving
        # One query per role, not per row: a leaver may hold hundreds of families.
        self._colleagues: dict[str, dict[int, object]] = {}
        self.rows = []
        for member in memberships:
            if member.handover is None:
                self._row(f"m{member.pk}", member, member.group_role)
        for assignment in assignments:
            if assignment.handover is None:
                self._row(f"a{assignment.pk}", assignment, assignment.role)

    def _row(self, name, item, role):
        if role not in self._colleagues:
            users = users_for_role(role).exclude(pk=self.leaving.pk)
            self._colleagues[role] = {u.pk: u for u in users}
        colleagues = self._colleagues[role]
        self.fields[name] = forms.TypedChoiceField(
            label=Role(role).label,
            choices=[("", "–")]
            + [(pk, u.get_full_name() or u.get_username()) for pk, u in colleagues.items()],
            coerce=int,
            required=False,
            empty_value=None,
        )
        self.rows.append((name, item, role))

    def _successor(self, name, role):
        pk = self.cleaned_data.get(name)
        return self._colleagues[role].get(pk) if pk is not None else None

    def clean(self):
        cleaned = super().clean()
        default = cleaned.get("default_successor")
        missing = 0
        for name, _item, role in self.rows:
            cleaned[name] = self._successor(name, role)
            if (
                cleaned[name] is None
                and default is not None
                and default.pk in self._colleagues[role]
            ):
                cleaned[name] = default
            if cleaned.get(name) is None:
                missing += 1
                if cleaned.get("deactivate"):
                    self.add_error(name, _("Choose a colleague with this role."))
        if cleaned.get("deactivate") and missing:
            raise ValidationError(
                _(
                    "Every family and assignment needs a colleague before the user can be "
                    "deactivated. Choose one per row, or untick deactivation to hand over "
                    "some now and the rest later."
                )
            )
        if self.rows and missing == len(self.rows):
            raise ValidationError(_("Choose at least one colleague."))
        return cleaned

    def successors(self) -> tuple[dict, dict]:
        """({NetworkMember id: user}, {PersonAssignment id: user}) for the chosen rows."""
        memberships, assignments = {}, {}
        for name, item, _role in self.rows:
            user = self.cleaned_data.get(name)
            if user is not None:
                (memberships if name.startswith("m") else assignments)[item.pk] = user
        return memberships, assignments
