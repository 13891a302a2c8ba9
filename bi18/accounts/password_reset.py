"""Self-service password reset by e-mail for local accounts (Django's views and tokens).

No user enumeration: the answer is the same whether the address belongs to a user or not,
and the e-mail goes out from a background task so that the answer takes as long either way.
Rate limited per address and per client address. Single sign-on accounts have no password
(unusable), so Django's form never finds them; neither does it find users LOCAL_LOGIN shuts out.
"""

import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from bi18.accounts.login import local_login_allowed
from bi18.accounts.models import User
from bi18.audit.context import client_ip
from bi18.audit.services import audit_log
from bi18.outbox.services import task_enqueue

logger = logging.getLogger(__name__)


class PasswordResetRequestForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "autofocus": True})

    def get_users(self, email):
        return (u for u in super().get_users(email) if local_login_allowed(u))

    def queue(self, *, request, base_url: str) -> None:
        """Queue one reset e-mail per local account with this address (usually one)."""
        for user in self.get_users(self.cleaned_data["email"]):
            audit_log(
                actor=None,
                actor_username=user.get_username(),
                action="change",
                event="accounts.user.password_reset_requested",
                detail={"user_id": user.pk, "username": user.get_username()},
                request=request,
            )
            # Through the outbox: a broker outage neither fails nor delays the answer.
            task_enqueue(
                task="accounts.send_password_reset",
                kwargs={"user_id": user.pk, "base_url": base_url},
            )


def _ip_key(group, request) -> str:
    return client_ip(request) or "unknown"


def rate_limited(request, email: str) -> bool:
    """Counts this request; True once the address or the client exceeds its hourly rate.
    The counts live in the cache: while it cannot be reached, no reset mail is sent (the
    user is asked to try later) rather than the page failing or the limit being lifted."""
    try:
        return _rate_limited(request, email)
    except Exception:  # any cache backend's connection error or timeout
        logger.warning("Password reset refused: the rate-limit cache did not answer", exc_info=True)
        return True


def _rate_limited(request, email: str) -> bool:
    by_ip = is_ratelimited(
        request,
        group="accounts.password_reset.ip",
        key=_ip_key,
        rate=settings.PASSWORD_RESET_RATE_PER_IP,
        increment=True,
    )
    by_address = is_ratelimited(
        request,
        group="accounts.password_reset.address",
        key=lambda group, request: email.strip().lower(),
        rate=settings.PASSWORD_RESET_RATE_PER_ADDRESS,
        increment=True,
    )
    return by_ip or by_address


def _base_url(request) -> str:
    return settings.SITE_URL.rstrip("/") or request.build_absolute_uri("/").rstrip("/")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def dispatch(self, request, *args, **kwargs):
        if settings.LOCAL_LOGIN == "off":
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        if rate_limited(self.request, form.cleaned_data["email"]):
            form.add_error(
                None, _("Too many requests for a new password. Please try again in an hour.")
            )
            return self.form_invalid(form)
        form.queue(request=self.request, base_url=_base_url(self.request))
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def dispatch(self, *args, **kwargs):
        if settings.LOCAL_LOGIN == "off":
            raise Http404
        return super().dispatch(*args, **kwargs)

    def form_valid(self, form):
        user_password_reset(user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


@transaction.atomic
def user_password_reset(*, user: User, password: str) -> None:
    """Set the password chosen through a reset link (already validated by the form).

    The user's open sessions end (session auth hash); the reset link stops working (its token
    covers the password hash). A second factor is still asked at the next log-in.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_log(
        actor=user,
        action="change",
        event="accounts.user.password_reset",
        detail={"user_id": user.pk, "username": user.get_username(), "fields": ["password"]},
    )
