from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from bi18.accounts.login import local_login_allowed
from bi18.accounts.models import GrantStatus, RoleGrant, User
from bi18.accounts.roles import Role


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not local_login_allowed(user):
            # LOCAL_LOGIN: this account signs in through the municipality's provider.
            raise forms.ValidationError(
                _("This account signs in with single sign-on, not with a password here."),
                code="local_login_off",
            )


class _CrispyMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token


def _roles_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
        help_text=_(
            "A user may hold more than one role; each role adds its permissions. The "
            "administrator role, and an account's first role that works with case data, "
            "take effect only when another administrator approves them."
        ),
    )


def _check_email_free(email: str, *, user_pk: int | None = None) -> str:
    """One user per e-mail address: the daily digest and password mails go to it."""
    others = User.objects.filter(email__iexact=email)
    if user_pk is not None:
        others = others.exclude(pk=user_pk)
    if email and others.exists():
        raise forms.ValidationError(
            _("Another user already has this e-mail address."), code="email_taken"
        )
    return email


class _NamesRequiredMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True


class UserFilterForm(forms.Form):
    ACTIVE = "active"
    INACTIVE = "inactive"

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active and inactive")), (ACTIVE, _("Active")), (INACTIVE, _("Inactive"))],
    )

    def active(self) -> bool | None:
        status = self.cleaned_data.get("status")
        return {self.ACTIVE: True, self.INACTIVE: False}.get(status)


class UserCreateForm(_CrispyMixin, _NamesRequiredMixin, UserCreationForm):
    """Username (unique regardless of case), names, e-mail, roles and an initial
    password checked by AUTH_PASSWORD_VALIDATORS against the new user's own data."""

    roles = _roles_field()

    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "roles",
        "password1",
        "password2",
    ]

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("Initial password")
        self.fields["password2"].label = _("Confirm the initial password")

    def clean_email(self):
        return _check_email_free(self.cleaned_data["email"])


class UserEditForm(_CrispyMixin, forms.Form):
    """A plain form (not a ModelForm) so that a refused change leaves the user
    object untouched; the service compares against the database."""

    first_name = User._meta.get_field("first_name").formfield(required=True)
    last_name = User._meta.get_field("last_name").formfield(required=True)
    email = User._meta.get_field("email").formfield(required=True)
    roles = _roles_field()
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("An inactive user cannot log in. Users are never deleted."),
    )

    def __init__(self, *args, user: User, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                # Roles awaiting a second administrator's approval stay ticked: saving
                # the form unchanged must not withdraw them.
                "roles": [g.name for g in user.groups.all() if g.name in Role.values]
                + list(
                    RoleGrant.objects.filter(user=user, status=GrantStatus.PENDING).values_list(
                        "role", flat=True
                    )
                ),
                "is_active": user.is_active,
            },
        )
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        return _check_email_free(self.cleaned_data["email"], user_pk=self.user.pk)


class UserSetPasswordForm(_CrispyMixin, SetPasswordForm):
    """Validates the new password for this user; the service sets it (and logs it)."""

    def save(self, commit=True):  # pragma: no cover - the view calls the service
        raise NotImplementedError("Use bi18.accounts.services.user_set_password().")
