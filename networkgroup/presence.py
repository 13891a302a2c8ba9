"""Who else has a family's plan open (SPEC §9: who else is in the meeting).

Kept in the cache (Redis in production, locmem otherwise), never in the database:
each open page polls every POLL_SECONDS and refreshes its entry; an entry older
than STALE_SECONDS is gone. The read-modify-write of the one key per family can
lose a concurrent refresh; the next poll puts it back, which is good enough for
a "who is here" list and avoids a key scan that locmem cannot do.

Presence is a nicety: when the cache is down (Redis outage) the list is empty and the page
works (issue 9 §3); the cache's short socket timeouts (settings) bound the wait.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

POLL_SECONDS = 20
STALE_SECONDS = 45
KEY_TTL_SECONDS = 120


def _key(family_id: int) -> str:
    return f"networkgroup:presence:{family_id}"


def presence_touch(*, family_id: int, user) -> list[dict]:
    """Mark `user` as present and return everyone present (the user included)."""
    now = time.time()
    entries = cache.get(_key(family_id)) or {}
    entries = {uid: e for uid, e in entries.items() if now - e["at"] <= STALE_SECONDS}
    entries[str(user.pk)] = {"name": user.get_full_name() or user.get_username(), "at": now}
    cache.set(_key(family_id), entries, KEY_TTL_SECONDS)
    return sorted(
        ({"user_id": int(uid), "name": e["name"]} for uid, e in entries.items()),
        key=lambda e: e["name"],
    )


def presence_others(*, family_id: int, user) -> list[dict] | None:
    """Everyone else present; None (unknown, no list) when the cache cannot be reached:
    degrade, never fail the page."""
    try:
        present = presence_touch(family_id=family_id, user=user)
    except Exception:  # any cache backend's connection error or timeout
        logger.warning("Presence unavailable: the cache did not answer", exc_info=True)
        return None
    return [e for e in present if e["user_id"] != user.pk]
