from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bi18.accounts.pickers import staff_field
from bi18.accounts.roles import CASEWORKER_ROLES, Role
from bi18.lib.pickers import PickerFormMixin
from families.models import NetworkMember

USE_DEFAULT = ""
LATER = "later"


def leaver_role(user) -> str:
    """The case role a leaver's successor is chosen by (the first they hold)."""
    held = user.role_names
    return next((str(r) for r in CASEWORKER_ROLES if str(r) in held), str(Role.FAMILY_CASEWORKER))


class HandoverForm(PickerFormMixin, forms.Form):
    """One colleague for everything (a type-ahead picker: a municipality has thousands of
    caseworkers), and per row the alternatives that need no list of all staff: a colleague
    already in the family's network group, or "later" to hand that row over in a next step.
    """

    deactivate = forms.BooleanField(
        label=_("Deactivate the user when the families are handed over"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, leaving, memberships, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.leaving = leaving
        self.role = leaver_role(leaving)
        field = staff_field(
            self.role,
            label=_("Give everything to"),
            required=False,
            help_text=_(
                "Fills every row left at “the colleague chosen above” whose role this colleague "
                "has. A colleague already in a family's group can be chosen in its row instead."
            ),
        )
        field.queryset = field.queryset.exclude(pk=leaving.pk)
        self.fields = {"default_successor": field, **self.fields}
        rows = [m for m in memberships if m.handover is None]
        items = [a for a in assignments if a.handover is None]
        # The other active members of these families: one query for every row.
        families = {m.family_id for m in rows} | {a.person.family_id for a in items}
        self._members: dict[int, dict[int, object]] = {}
        for member in (
            NetworkMember.objects.filter(family_id__in=families, user__is_active=True)
            .exclude(user=leaving)
            .select_related("user")
            .prefetch_related("user__groups")
            .order_by("user__first_name", "user__last_name")
        ):
            self._members.setdefault(member.family_id, {})[member.user_id] = member.user
        self.rows = []
        for member in rows:
            self._row(f"m{member.pk}", member, member.group_role, member.family_id)
        for assignment in items:
            self._row(f"a{assignment.pk}", assignment, assignment.role, assignment.person.family_id)

    def _row(self, name, item, role, family_id):
        members = self._members.get(family_id, {})
        if name.startswith("a"):  # an assignment goes only to someone with its role
            members = {
                pk: u for pk, u in members.items() if role in {g.name for g in u.groups.all()}
            }
        in_group = _("already in the group")
        choices = [
            (USE_DEFAULT, _("The colleague chosen above")),
            *((str(pk), f"{u.get_full_name() or u.get_username()} – {in_group}")
              for pk, u in members.items()),
            (LATER, _("Later (keep for a next handover)")),
        ]  # fmt: skip
        self.fields[name] = forms.ChoiceField(
            label=Role(role).label, choices=choices, required=False
        )
        self.rows.append((name, item, role, family_id))

    def clean(self):
        cleaned = super().clean()
        default = cleaned.get("default_successor")
        missing = 0
        for name, _item, role, family_id in self.rows:
            value = cleaned.get(name) or USE_DEFAULT
            successor = None
            if value == USE_DEFAULT:
                if default is not None and default.has_role(role):
                    successor = default
                elif default is not None:
                    self.add_error(name, _("The colleague chosen above does not have this role."))
            elif value != LATER:
                successor = self._members.get(family_id, {}).get(int(value))
            cleaned[name] = successor
            if successor is None:
                missing += 1
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
        for name, item, _role, _family in self.rows:
            user = self.cleaned_data.get(name)
            if user is not None:
                (memberships if name.startswith("m") else assignments)[item.pk] = user
        return memberships, assignments
