"""Reads for user administration."""

from collections.abc import Iterable

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from bi18.accounts.lockout import lockout_username
from bi18.accounts.models import GrantStatus, RoleGrant, User
from bi18.accounts.roles import Role


def user_search(*, q: str = "", role: str = "", active: bool | None = None) -> QuerySet[User]:
    """Users matching every word of `q` in name, user name or e-mail, with their role
    groups prefetched (one query for the whole page)."""
    users = User.objects.all()
    for word in q.split():
        users = users.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    if role:
        users = users.filter(groups__name=role)
    if active is not None:
        users = users.filter(is_active=active)
    return users.order_by("last_name", "first_name", "username").prefetch_related(
        Prefetch("groups", queryset=Group.objects.filter(name__in=Role.values).order_by("name"))
    )


def role_labels(user: User) -> list[str]:
    """Translated role labels from the prefetched groups (see user_search)."""
    return [str(Role(g.name).label) for g in user.groups.all() if g.name in Role.values]


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """The user names among `usernames` that django-axes locks out right now.

    Mirrors axes' database handler with AXES_LOCKOUT_PARAMETERS = ["username"]:
    a user name is locked while the failures recorded within the cool-off period
    (summed over IP addresses and browsers) reach AXES_FAILURE_LIMIT. One query.
    """
    recorded = {lockout_username(u): u for u in usernames}
    if not recorded:
        return set()
    attempts = AccessAttempt.objects.filter(username__in=recorded)
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return {
        recorded[name]
        for name in attempts.values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
    }


def is_locked_out(user: User) -> bool:
    return user.get_username() in locked_usernames([user.get_username()])


def pending_role_grants(user: User) -> list[RoleGrant]:
    return list(
        RoleGrant.objects.filter(user=user, status=GrantStatus.PENDING)
        .select_related("requested_by")
        .order_by("requested_at")
    )


def users_with_role(role: str) -> QuerySet[User]:
    """Active users holding `role`, in name order: whom a form offers for that role."""
    return User.objects.filter(is_active=True, groups__name=str(role)).order_by(
        "first_name", "last_name", "pk"
    )
