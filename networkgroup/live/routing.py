from django.urls import path

from networkgroup.live.consumers import LiveConsumer

# Beside the pages they serve (networkgroup/urls.py), under /ws/ so that a proxy can route
# sockets to the ASGI server (deploy/haproxy.cfg).
websocket_urlpatterns = [
    path("ws/netvaerk/<int:family_pk>/plan/", LiveConsumer.as_asgi(), name="live_plan"),
    path(
        "ws/netvaerk/<int:family_pk>/moeder/<int:meeting_pk>/",
        LiveConsumer.as_asgi(),
        name="live_meeting",
    ),
]


def socket_path(family_id: int, meeting_id: int | None = None) -> str:
    """The socket a plan (or meeting) page opens, as the routes above spell it."""
    if meeting_id:
        return f"/ws/netvaerk/{int(family_id)}/moeder/{int(meeting_id)}/"
    return f"/ws/netvaerk/{int(family_id)}/plan/"
