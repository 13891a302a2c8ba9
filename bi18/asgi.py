"""ASGI entry point: HTTP (the Django app) and WebSockets (live meeting mode, issue 14).

A socket gets the same session as the page (AuthMiddlewareStack reads the session cookie)
and is refused unless its Origin is one of ALLOWED_HOSTS (AllowedHostsOriginValidator), so
another site cannot open a socket with a member's cookie. Each consumer then applies the
page's own access rule (networkgroup.live.consumers).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bi18.settings")
# Django must be set up before the consumers (and the models they import) are loaded.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from networkgroup.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
