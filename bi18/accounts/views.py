"""Administration landing page and user administration. Thin: reads through
selectors, writes through services (which write the audit rows)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from bi18.accounts import selectors, services
from bi18.accounts.deactivation import deactivation_blocks
from bi18.accounts.forms import (
    LoginForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    UserSetPasswordForm,
)
from bi18.accounts.models import User
from bi18.accounts.twofactor.services import has_second_factor
from bi18.lib.sorting import sort_order
from bi18.navigation import admin_cards

PAGE_SIZE = 25

manage_users_required = permission_required("accounts.manage_users", raise_exception=True)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own view (old password, validators, keeps this session), with the
    change written to the audit log through the service."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        services.user_set_password(
            actor=self.request.user,
            user=self.request.user,
            password=form.cleaned_data["new_password1"],
        )
        user = self.request.user
        user.refresh_from_db(fields=["password"])
        # Keep this session; the user's other sessions end.
        update_session_auth_hash(self.request, user)
        return redirect(self.get_success_url())


def _is_administrator(user) -> bool:
    return any(
        user.has_perm(f"accounts.{p}")
        for p in ("manage_users", "view_audit_log", "import_target_group", "manage_network_groups")
    )


@login_required
def admin_home(request):
    if not _is_administrator(request.user):
        raise PermissionDenied
    return render(
        request,
        "accounts/admin_home.html",
        {"admin_cards": admin_cards(request.user), "nav_active": "admin"},
    )


@login_required
@manage_users_required
def user_list(request):
    form = UserFilterForm(request.GET or None)
    criteria = {}
    if form.is_valid():
        criteria = {
            "q": form.cleaned_data["q"].strip(),
            "role": form.cleaned_data["role"],
            "active": form.active(),
        }
    sorting = sort_order(
        request,
        {
            "name": ("last_name", "first_name", "username"),
            "username": "username",
            "email": "email",
            "status": "-is_active",
            "last_login": F("last_login").asc(nulls_last=True),
        },
        "name",
    )
    users = selectors.user_search(**criteria).order_by(*sorting.ordering)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    locked = selectors.locked_usernames(u.username for u in page.object_list)
    rows = [(u, selectors.role_labels(u), u.username in locked) for u in page.object_list]
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "sorting": sorting,
            "rows": rows,
            "filter_form": form,
            "filtered": any(criteria.get(k) not in (None, "") for k in ("q", "role", "active")),
            "nav_active": "admin",
        },
    )


@sensitive_post_parameters("password1", "password2")
@login_required
@manage_users_required
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                roles=data["roles"],
                password=data["password1"],
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The user %(user)s was created.") % {"user": user.username})
            _tell_pending_roles(request, user)
            return redirect("accounts:user_edit", pk=user.pk)
    return render(request, "accounts/user_create.html", {"form": form, "nav_active": "admin"})


def _subject(pk) -> User:
    return get_object_or_404(User.objects.prefetch_related("groups"), pk=pk)


@login_required
@manage_users_required
def user_edit(request, pk):
    subject = _subject(pk)
    form = UserEditForm(request.POST or None, user=subject)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.user_update(actor=request.user, user=subject, **form.cleaned_data)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if changed:
                messages.success(request, _("The changes were saved."))
                _tell_pending_roles(request, subject)
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("accounts:user_edit", pk=subject.pk)
    return render(
        request,
        "accounts/user_edit.html",
        {
            "subject": subject,
            "roles": selectors.role_labels(subject),
            "pending_grants": selectors.pending_role_grants(subject),
            "locked": selectors.is_locked_out(subject),
            "second_factor": has_second_factor(subject),
            "sso_identities": subject.oidc_identities.exists(),
            "form": form,
            "deactivation_blocks": deactivation_blocks(subject) if subject.is_active else [],
            "nav_active": "admin",
        },
    )


def _tell_pending_roles(request, user) -> None:
    if pending := selectors.pending_role_grants(user):
        messages.info(
            request,
            _(
                "%(roles)s: takes effect when another administrator approves it "
                "(Administration → Approvals)."
            )
            % {"roles": ", ".join(str(g.get_role_display()) for g in pending)},
        )


def _confirm(
    request, subject, *, action, title, question, button, button_class, refusal="", blocks=()
):
    return render(
        request,
        "accounts/user_confirm.html",
        {
            "subject": subject,
            "blocks": blocks,
            "action": action,
            "title": title,
            "question": question,
            "button": button,
            "button_class": button_class,
            "refusal": refusal,
            "nav_active": "admin",
        },
    )


def _set_active(request, pk, *, is_active: bool):
    subject = _subject(pk)
    if request.method == "POST":
        try:
            changed = services.user_set_active(
                actor=request.user, user=subject, is_active=is_active
            )
        except services.DeactivationBlocked as exc:
            messages.error(request, str(exc))
            return redirect(exc.blocks[0].url)
        except services.ServiceError as exc:
            messages.error(request, str(exc))
        else:
            if not changed:
                messages.info(request, _("Nothing was changed."))
            elif is_active:
                messages.success(request, _("%(user)s can log in again.") % {"user": subject})
            else:
                messages.success(request, _("%(user)s was deactivated.") % {"user": subject})
        return redirect("accounts:user_edit", pk=subject.pk)
    if is_active:
        return _confirm(
            request,
            subject,
            action="accounts:user_reactivate",
            title=_("Reactivate user"),
            question=_("%(user)s will be able to log in again with their roles.")
            % {"user": subject},
            button=_("Reactivate"),
            button_class="btn-primary",
        )
    blocks = deactivation_blocks(subject) if subject.pk != request.user.pk else []
    return _confirm(
        request,
        subject,
        action="accounts:user_deactivate",
        blocks=blocks,
        title=_("Deactivate user"),
        question=_(
            "%(user)s will no longer be able to log in, and any open session ends. "
            "The user is kept, with their history in the audit log, and can be reactivated."
        )
        % {"user": subject},
        button=_("Deactivate"),
        button_class="btn-danger",
        refusal=_("You cannot deactivate your own account.")
        if subject.pk == request.user.pk
        else "",
    )


@login_required
@manage_users_required
def user_deactivate(request, pk):
    return _set_active(request, pk, is_active=False)


@login_required
@manage_users_required
def user_reactivate(request, pk):
    return _set_active(request, pk, is_active=True)


@login_required
@manage_users_required
def user_unlock(request, pk):
    subject = _subject(pk)
    if request.method == "POST":
        services.user_unlock(actor=request.user, user=subject)
        messages.success(request, _("%(user)s can try to log in again.") % {"user": subject})
        return redirect("accounts:user_edit", pk=subject.pk)
    locked = selectors.is_locked_out(subject)
    return _confirm(
        request,
        subject,
        action="accounts:user_unlock",
        title=_("Unlock user"),
        question=(
            _(
                "%(user)s is locked out after too many failed log-ins. Unlock the account "
                "only when you are sure the user themselves made the attempts."
            )
            if locked
            else _("%(user)s is not locked out. Unlocking clears any failed log-ins recorded.")
        )
        % {"user": subject},
        button=_("Unlock"),
        button_class="btn-primary",
    )


@sensitive_post_parameters("new_password1", "new_password2")
@login_required
@manage_users_required
def user_set_password(request, pk):
    subject = _subject(pk)
    form = UserSetPasswordForm(subject, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_set_password(
            actor=request.user, user=subject, password=form.cleaned_data["new_password1"]
        )
        if subject.pk == request.user.pk:
            # Keep the administrator logged in; their other sessions end.
            subject.refresh_from_db()
            update_session_auth_hash(request, subject)
        messages.success(request, _("The password of %(user)s was changed.") % {"user": subject})
        return redirect("accounts:user_edit", pk=subject.pk)
    return render(
        request,
        "accounts/user_set_password.html",
        {"subject": subject, "form": form, "nav_active": "admin"},
    )


def sso_button_text() -> str:
    return settings.OIDC_BUTTON_TEXT or str(_("Log in with Copenhagen Municipality"))


class LoginView(auth_views.LoginView):
    """The log-in page: single sign-on button, and the local password form where
    LOCAL_LOGIN allows."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    form_class = LoginForm

    def post(self, request, *args, **kwargs):
        if settings.LOCAL_LOGIN == "off":
            return HttpResponseNotAllowed(["GET"])
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from bi18.accounts.sso.client import is_configured

        context = super().get_context_data(**kwargs)
        context.update(
            sso_enabled=is_configured(),
            sso_button_text=sso_button_text(),
            local_login=settings.LOCAL_LOGIN,
        )
        return context
