"""Keeps OpenID Connect secrets out of the logs."""

import logging
import re

# The authorization response (?code=…&state=…) and the log-out hint appear in request lines
# (runserver's django.server logger); the code is single-use, but a log is no place for it.
_SECRET_PARAMS = re.compile(r"([?&](?:code|state|id_token_hint|session_state)=)[^&\s\"']+")
# The password-reset link's token sits in the path (accounts/urls.py).
_RESET_TOKEN = re.compile(r"(/adgangskode/ny/[\w-]+/)(?!set-password/)[\w-]+")


class RedactAuthorizationResponse(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _RESET_TOKEN.sub(r"\1[redacted]", _SECRET_PARAMS.sub(r"\1[redacted]", message))
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
