"""The load generator of bench/run.py: N connections in a closed loop, no think time.

Plain threads and http.client: each thread sends a request, reads the whole answer, and
sends the next, for a fixed time. (locust was tried first; its gevent timers fired early
on this machine, ending each run after a fraction of a second.) For a search page a thread
POSTs the search and GETs the page it is redirected to, timed together as one sample.
Each sample keeps the server's Server-Timing (bench.middleware): in-process time and the
number of queries of the requests it took.
"""

import http.client
import itertools
import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

_TIMING = re.compile(r'(\w+);(?:dur=([\d.]+)|desc="(\d+)")')


@dataclass
class Sample:
    started: float  # seconds since the run began
    ms: float  # client-side latency
    app_ms: float | None  # in-process time (Server-Timing "app"), summed over the requests
    queries: int | None
    status: int


def _server_timing(header: str | None) -> tuple[float | None, int | None]:
    values = {m[0]: m[1] or m[2] for m in _TIMING.findall(header or "")}
    app = float(values["app"]) if "app" in values else None
    queries = int(values["queries"]) if "queries" in values else None
    return app, queries


def _request(base, method, path, headers, body=None):
    """One request on a new connection (gunicorn's sync workers close it after each answer)."""
    connection = http.client.HTTPConnection(base.hostname, base.port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location"), response.getheader("Server-Timing")
    finally:
        connection.close()


def drive(
    *,
    base_url: str,
    urls: list[str],
    cookies: dict[str, str],
    post: dict | None,
    seconds: float,
    connections: int,
) -> list[Sample]:
    base = urlsplit(base_url)
    headers = {"Accept-Language": "da", "Host": f"{base.hostname}:{base.port}"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if "csrftoken" in cookies:
        headers["X-CSRFToken"] = cookies["csrftoken"]
    samples: list[Sample] = []
    lock = threading.Lock()
    t0 = time.perf_counter()
    deadline = t0 + seconds

    def worker(n: int) -> None:
        # Each connection starts elsewhere in the list, so that they do not move in step.
        start = (n * 7) % len(urls)
        cycle = itertools.cycle(urls[start:] + urls[:start])
        while time.perf_counter() < deadline:
            path = next(cycle)
            began = time.perf_counter()
            app_total, queries_total = 0.0, 0
            try:
                if post:
                    status, location, timing = _request(
                        base,
                        "POST",
                        post["url"],
                        {**headers, "Content-Type": "application/x-www-form-urlencoded"},
                        urlencode(post["data"]),
                    )
                    app, queries = _server_timing(timing)
                    app_total += app or 0
                    queries_total += queries or 0
                    if status != 302 or not location:
                        raise RuntimeError(status)
                    path = location
                status, _location, timing = _request(base, "GET", path, headers)
                app, queries = _server_timing(timing)
                sample = Sample(
                    began - t0,
                    (time.perf_counter() - began) * 1000,
                    app_total + app if app is not None else None,
                    queries_total + queries if queries is not None else None,
                    status,
                )
            except (OSError, RuntimeError, http.client.HTTPException) as exc:
                code = exc.args[0] if isinstance(exc, RuntimeError) else 0
                sample = Sample(began - t0, (time.perf_counter() - began) * 1000, None, None, code)
            with lock:
                samples.append(sample)
            if sample.status in (0, 301, 302, 403, 404):
                return  # logged out, refused or down: the run is void, stop early

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 180)
    return samples
