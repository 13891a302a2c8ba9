"""`check --deploy`: live meeting mode needs a shared channel layer in production.
Registered in NetworkgroupConfig.ready()."""

from django.conf import settings
from django.core import checks


def check_channel_layer(app_configs, **kwargs):
    backend = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "")
    if backend.endswith("InMemoryChannelLayer"):
        return [
            checks.Warning(
                "Live meeting mode uses the in-memory channel layer: a save made in one process "
                "(a gunicorn worker) never reaches the sockets held by another (the ASGI server).",
                hint="Set REDIS_URL (channels-redis).",
                id="networkgroup.W001",
            )
        ]
    return []
