"""What ends a user's access also ends their open live sockets at once (notify.recheck_user):
logging out, a membership removed or changed, the account changed (deactivated). A changed
membership or user also resets the cached audience classes the saves render for (push)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from families.models import NetworkMember, PersonAssignment
from networkgroup.live.notify import recheck_user
from networkgroup.live.push import forget_classes


def _membership_changed(sender, instance, **kwargs):
    transaction.on_commit(forget_classes)
    recheck_user(instance.user_id)


def _user_changed(sender, instance, update_fields=None, **kwargs):
    if not (update_fields and set(update_fields) <= {"last_login"}):  # not each log-in
        transaction.on_commit(forget_classes)
    recheck_user(instance.pk)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        session = getattr(request, "session", None)
        recheck_user(user.pk, ended_session=getattr(session, "session_key", None))


def connect() -> None:
    for model in (NetworkMember, PersonAssignment):
        post_save.connect(
            _membership_changed, sender=model, dispatch_uid=f"live-{model.__name__}-save"
        )
        post_delete.connect(
            _membership_changed, sender=model, dispatch_uid=f"live-{model.__name__}-delete"
        )
    post_save.connect(_user_changed, sender=get_user_model(), dispatch_uid="live-user-save")
    user_logged_out.connect(_logged_out, dispatch_uid="live-logged-out")
