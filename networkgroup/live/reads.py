"""One audited read per open live page, not one per pushed update (issue 14).

When a socket is admitted it writes the audit row "live plan opened" and marks, in the
cache, that this session's reads of this family's plan are covered for COVER_SECONDS
(refreshed while the socket stays open). The fragments the page then fetches on its own,
marked with the background header, are not audited again while the mark stands. Anything
else — a click, a fragment fetched without the header, or no mark because the cache is
down — is audited as always: when in doubt, audit.
"""

import hashlib
import logging

from django.core.cache import cache

from bi18.accounts.middleware import is_background

logger = logging.getLogger(__name__)

COVER_SECONDS = 150


def _key(session_key: str, family_id: int) -> str:
    # The session key is a credential: only its hash goes into a cache key.
    digest = hashlib.sha256(session_key.encode()).hexdigest()[:32]
    return f"networkgroup:live-read:{digest}:{int(family_id)}"


def cover_reads(*, session_key: str, family_id: int) -> None:
    try:
        cache.set(_key(session_key, family_id), 1, COVER_SECONDS)
    except Exception:
        logger.warning("Live read cover not stored: the cache did not answer", exc_info=True)


def read_is_covered(request, family_id: int) -> bool:
    """A live refresh of a fragment of this family, within a socket's audited read."""
    session_key = getattr(request.session, "session_key", None)
    if not (session_key and is_background(request)):
        return False
    try:
        return bool(cache.get(_key(session_key, family_id)))
    except Exception:
        return False
