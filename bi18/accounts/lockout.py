"""What django-axes (the log-in lock-out) and the audit log keep of a typed user name.

Someone may type their CPR number into the user name field. The lock-out still
counts those attempts (per typed value), but stores a keyed hash in place of the
number, so that axes' tables never hold a CPR number in clear.
"""

import hashlib
import hmac
import re

from django.conf import settings

from bi18.lib.cpr import CPR_IN_TEXT as CPR_LIKE

MASKED_CPR = "••••••-••••"


def mask_cpr(text: str) -> str:
    """`text` with every CPR-shaped number replaced by a mask (for the audit log)."""
    return CPR_LIKE.sub(MASKED_CPR, text)


def _pseudonym(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    key = settings.CPR_HASH_KEY.encode()
    return "cpr-" + hmac.new(key, b"axes:" + digits.encode(), hashlib.sha256).hexdigest()[:16]


def lockout_username(username: str) -> str:
    """The user name as the lock-out records it: CPR-shaped numbers pseudonymised."""
    return CPR_LIKE.sub(_pseudonym, username)[:150]


def axes_username(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: the typed user name, CPR numbers pseudonymised."""
    field = settings.AXES_USERNAME_FORM_FIELD
    source = credentials or getattr(request, "POST", {})
    username = source.get(field)
    return lockout_username(str(username or ""))
