"""A real ASGI server for browser journeys: uvicorn in a thread, serving bi18.asgi with
static files from the finders (as pytest-django's live_server does for WSGI)."""

import socket
import threading
import time


class AsgiServer:
    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, 0))
        self.port = self._socket.getsockname()[1]
        self.url = f"http://{host}:{self.port}"

    def _application(self):
        from channels.routing import ProtocolTypeRouter
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from bi18 import asgi

        return ProtocolTypeRouter(
            {
                "http": ASGIStaticFilesHandler(asgi.django_application),
                "websocket": asgi.application.application_mapping["websocket"],
            }
        )

    def start(self) -> None:
        import uvicorn

        config = uvicorn.Config(
            self._application(),
            lifespan="off",
            log_level="warning",
            ws="websockets-sansio",
            access_log=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the ASGI test server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self._socket.close()
        # The sockets' database threads keep their connections (networkgroup.live.db); close
        # them with the server, or the test database cannot be dropped at the end of the run.
        from networkgroup.live import db

        db.shutdown()
