"""The demo users: one or more per role, pools growing with the number of families."""

import math
import random
from base64 import b32decode

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from bi18.accounts.roles import Role
from families.demo.data import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    NAMED_USERS,
    ROLE_USERS,
    STAFF_FIRST_NAMES,
    STAFF_LAST_NAMES,
)

BATCH_SIZE = 2000


def demo_username(role: str, index: int) -> str:
    base = ROLE_USERS[role][0]
    return base if index == 0 else f"{base}{index + 1}"


def pool_sizes(total_families: int) -> dict[str, int]:
    """How many demo users of each role a pilot of this size gets."""
    sizes = {}
    for role, (_base, per_user, minimum) in ROLE_USERS.items():
        sizes[role] = max(minimum, math.ceil(total_families / per_user)) if per_user else minimum
    return sizes


def ensure_demo_users(total_families: int, rng: random.Random) -> tuple[dict[str, list], int]:
    """Get or create the demo users (pool sizes grow with the pilot) and their role groups.

    Existing users keep their password; new ones get DEMO_PASSWORD. Returns
    ({role: [users, first is the named log-in]}, number created)."""
    User = get_user_model()
    sizes = pool_sizes(total_families)
    wanted = {role: [demo_username(role, i) for i in range(n)] for role, n in sizes.items()}
    usernames = [u for names in wanted.values() for u in names]
    existing = {u.username: u for u in User.objects.filter(username__in=usernames)}
    password_hash = None
    new_users = []
    named = set(NAMED_USERS.values())
    taken = set(named)
    for role, names in wanted.items():
        for username in names:
            # Draw a name for every pooled user (created or not) so the rng stays in step;
            # avoid the log-in users' names and, while the lists last, repeats.
            for _attempt in range(10):
                drawn = (rng.choice(STAFF_FIRST_NAMES), rng.choice(STAFF_LAST_NAMES))
                if drawn not in taken:
                    break
            while drawn in named:
                drawn = (rng.choice(STAFF_FIRST_NAMES), rng.choice(STAFF_LAST_NAMES))
            taken.add(drawn)
            if username in existing:
                continue
            first, last = NAMED_USERS.get(username, drawn)
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.example",
                is_staff=role == Role.ADMIN,
            )
            if password_hash is None:
                validate_password(DEMO_PASSWORD, user=user)
                # One hash for all: these are throwaway demo log-ins; hashing costs ~0.3 s each.
                password_hash = make_password(DEMO_PASSWORD)
            user.password = password_hash
            new_users.append(user)
    User.objects.bulk_create(new_users, batch_size=BATCH_SIZE)
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    groups = {g.name: g for g in Group.objects.filter(name__in=[str(r) for r in sizes])}
    through = User.groups.through
    through.objects.bulk_create(
        [
            through(user_id=users[username].pk, group_id=groups[str(role)].pk)
            for role, names in wanted.items()
            for username in names
        ],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    _demo_second_factor([users[u.username] for u in new_users])
    return {role: [users[n] for n in names] for role, names in wanted.items()}, len(new_users)


def _demo_second_factor(users) -> None:
    """New demo users get the documented authenticator-app key, so that a local log-in's
    second factor can be tried at once (`manage.py demo_otp` prints the current code)."""
    key = b32decode(DEMO_TOTP_SECRET).hex()
    TOTPDevice.objects.bulk_create(
        [TOTPDevice(user=u, name="Authenticator-app", key=key, confirmed=True) for u in users],
        batch_size=BATCH_SIZE,
    )
