"""Pickers for staff by role (a company consultant, a job mentor, a counsellor, ...).

At national scale each role has hundreds or thousands of users: forms choose them with a
type-ahead picker (bi18/lib/pickers.py) whose search endpoint is `accounts:staff_picker`."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse_lazy

from bi18.accounts.roles import CASEWORKER_ROLES
from bi18.accounts.selectors import users_with_role
from bi18.lib.pickers import PickerField, picker_response


def staff_field(role: str, **kwargs) -> PickerField:
    """A form field choosing one active user with `role`, by name."""
    field = PickerField(
        queryset=users_with_role(role),
        search_fields=("first_name", "last_name"),
        search_url=reverse_lazy("accounts:staff_picker", args=[str(role)]),
        **kwargs,
    )
    field.label_from_instance = lambda user: user.get_full_name() or user.username
    return field


def use_staff_picker(form, name: str, role: str) -> None:
    """Replace a ModelForm's user <select> by a picker, keeping its label and help text."""
    old = form.fields[name]
    form.fields[name] = staff_field(
        role, label=old.label, required=old.required, help_text=old.help_text
    )


@login_required
def staff_picker(request, role):
    """Names of active staff with a caseworker role, at most 20: for those who work with
    case data and so fill in the forms that assign staff, and for the administrators who
    hand families over and import them (others 403). Names only: no user name, e-mail or
    anything else about them."""
    if role not in CASEWORKER_ROLES:
        raise Http404
    if not any(
        request.user.has_perm(f"accounts.{p}")
        for p in ("access_case_data", "manage_network_groups", "import_target_group")
    ):
        raise PermissionDenied
    return picker_response(request, staff_field(role))
