"""API rate limits that survive a cache outage (issue 9 §3).

Django REST framework counts requests in the cache (Redis). If the cache cannot be reached,
a request is let through (and logged) rather than answered with a 500: a limit that cannot be
counted for a while is a smaller harm than an API that is down with Redis.
"""

import logging

from rest_framework import throttling

logger = logging.getLogger(__name__)


class _LetThroughWithoutCache:
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # any cache backend's connection error or timeout
            logger.warning("Rate limit not applied: the cache did not answer", exc_info=True)
            return True


class UserRateThrottle(_LetThroughWithoutCache, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_LetThroughWithoutCache, throttling.ScopedRateThrottle):
    pass
