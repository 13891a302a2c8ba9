from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bi18.accounts.models import User


@shared_task(name="accounts.send_password_reset", time_limit=60, soft_time_limit=50)
def send_password_reset(*, user_id: int, base_url: str) -> bool:
    """E-mail a password-reset link to an active local account; returns whether one was sent.

    The link's token is made here, so no secret passes through the broker. A retry sends a
    second, equally valid link (harmless); both stop working once the password changes.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password() or not user.email:
        return False
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "url": base_url + path,
        "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        "site_url": base_url,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/email/password_reset_subject.txt", context)
        body = render_to_string("accounts/email/password_reset.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
    return True


@shared_task(name="accounts.clear_expired_sessions", time_limit=600)
def clear_expired_sessions() -> None:
    """Delete expired sessions (Django's `clearsessions`), so that a session's
    content does not outlive it in the database and its backups.

    Idempotent and safe to retry.
    """
    call_command("clearsessions")
