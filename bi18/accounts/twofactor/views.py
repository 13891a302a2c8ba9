"""The second-factor pages: enrolment (first log-in), the code at every log-in, and the user's
own page for new recovery codes."""

import segno
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from bi18.accounts.lockout import lockout_username
from bi18.accounts.models import User
from bi18.accounts.twofactor import services
from bi18.accounts.twofactor.forms import CodeForm
from bi18.accounts.twofactor.policy import second_factor_required
from bi18.audit.services import audit_log


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def _verified(request, device) -> None:
    otp_login(request, device)
    # Only now is the log-in complete: clear the failed attempts (see AXES_RESET_ON_SUCCESS).
    axes_reset(username=lockout_username(request.user.get_username()))


@sensitive_post_parameters("otp_token")
@never_cache
@login_required
def verify(request):
    """The code from the authenticator app (or a recovery code), at every local log-in."""
    user = request.user
    if user.is_verified() or not second_factor_required(request):
        return redirect(_next_url(request))
    if not services.has_second_factor(user):
        return redirect("accounts:second_factor_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.second_factor_check(user=user, token=form.cleaned_data["otp_token"])
        if device is not None:
            _verified(request, device)
            audit_log(
                actor=user,
                action="login",
                event="accounts.user.second_factor_verified",
                detail={
                    "device": "recovery_code" if device.name == services.RECOVERY_NAME else "totp"
                },
            )
            if device.name == services.RECOVERY_NAME:
                left = services.recovery_codes_left(user)
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)d are left.") % {"left": left},
                )
            return redirect(_next_url(request))
        # A wrong code counts like a wrong password: audited, and towards the lock-out.
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.get_username()},
            request=request,
            reason="second_factor",
        )
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return render(
                request,
                "accounts/locked_out.html",
                {"cooloff_timedelta": settings.AXES_COOLOFF_TIME},
                status=429,
            )
        form.add_error("otp_token", _("The code is wrong or has expired. Try again."))
    return render(
        request,
        "accounts/second_factor_verify.html",
        {"form": form, "next": _next_url(request)},
    )


@sensitive_post_parameters("otp_token")
@never_cache
@login_required
def enrol(request):
    """Set up the authenticator app: scan the QR code, type the first code, get recovery codes."""
    user = request.user
    if services.has_second_factor(user):
        return redirect("accounts:second_factor_verify")
    if not second_factor_required(request):
        return redirect(_next_url(request))
    device = services.totp_pending_device(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = "".join(form.cleaned_data["otp_token"].split())
        codes = services.second_factor_enrol(user=user, device=device, token=token)
        if codes is not None:
            device.refresh_from_db()
            _verified(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
        form.add_error("otp_token", _("The code is wrong or has expired. Try again."))
    return render(
        request,
        "accounts/second_factor_enrol.html",
        {
            "form": form,
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(
                scale=5, title=_("QR code for the authenticator app")
            ),
            "secret": services.secret_for_display(device),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def manage(request):
    """The user's own second-factor page: status and new recovery codes."""
    user = request.user
    return render(
        request,
        "accounts/second_factor_manage.html",
        {
            "enrolled": services.has_second_factor(user),
            "codes_left": services.recovery_codes_left(user),
            "local_account": user.has_usable_password(),
        },
    )


@never_cache
@login_required
@require_POST
def recovery_codes_new(request):
    user = request.user
    if not (services.has_second_factor(user) and user.is_verified()):
        return redirect("accounts:second_factor_manage")
    codes = services.recovery_codes_regenerate(user=user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": settings.LOGIN_REDIRECT_URL, "first_time": False},
    )


@login_required
@permission_required("accounts.manage_users", raise_exception=True)
def user_reset(request, pk):
    """An administrator removes a user's second-factor devices (a lost or new phone)."""
    subject = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        try:
            services.user_second_factor_reset(actor=request.user, user=subject)
        except services.SecondFactorResetRefused:
            messages.error(
                request, _("You cannot reset your own two-factor. Ask another administrator.")
            )
        else:
            messages.success(
                request,
                _(
                    "The two-factor of %(user)s was reset; they set it up again at their next log-in."
                )
                % {"user": subject},
            )
        return redirect("accounts:user_edit", pk=subject.pk)
    return render(
        request,
        "accounts/user_confirm.html",
        {
            "subject": subject,
            "action": "accounts:user_second_factor_reset",
            "title": _("Reset two-factor"),
            "question": _(
                "%(user)s's authenticator app and recovery codes stop working. At their next "
                "log-in with a password they must set up an authenticator app again. Do this only "
                "when you are sure who asked for it."
            )
            % {"user": subject},
            "button": _("Reset two-factor"),
            "button_class": "btn-danger",
            "refusal": _("You cannot reset your own two-factor. Ask another administrator.")
            if subject.pk == request.user.pk
            else "",
            "nav_active": "admin",
        },
    )
