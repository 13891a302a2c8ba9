import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bi18.health import health_checks

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """Database and (when configured) broker health as JSON: 200 when all is well, else 503."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:
        logger.exception("Health check: database unavailable")
        checks["database"] = "error"
    if checks["database"] == "ok":
        # Checks the apps register (families.custody: the CPR keys), each in its ready().
        for name, check in health_checks().items():
            checks[name] = "ok" if check() else "error"
    if settings.REDIS_URL:
        try:
            import redis

            # Short timeouts: a probe must answer fast, also when Redis hangs.
            redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
            ).ping()
            checks["broker"] = "ok"
        except Exception:
            logger.exception("Health check: broker unavailable")
            checks["broker"] = "error"
    else:
        checks["broker"] = "not configured (tasks run eagerly)"
    healthy = all(v != "error" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def csrf_failure(request, reason=""):
    """A translated page instead of Django's technical CSRF page."""
    return render(request, "403_csrf.html", status=403)
