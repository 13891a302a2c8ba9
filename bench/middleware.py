"""Server-Timing for the benchmark: in-process time, SQL time and the number of queries.

Installed only by bench.settings. The load generator reads the header of every response,
so the figures are those of the requests it timed, under the same load."""

import time

from django.db import connection


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        stats = {"queries": 0, "sql": 0.0}

        def count(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                stats["queries"] += 1
                stats["sql"] += time.perf_counter() - started

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        response["Server-Timing"] = (
            f"app;dur={elapsed * 1000:.2f}, sql;dur={stats['sql'] * 1000:.2f}, "
            f'queries;desc="{stats["queries"]}"'
        )
        return response
