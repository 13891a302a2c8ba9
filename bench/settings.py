"""Settings for the benchmark only (bench/run.py): the production settings plus the floor.

Never used outside bench/: the floor page, its 100,000-row table and the Server-Timing
header exist only under these settings, so a production deployment has none of them.
"""

from bi18.settings import *  # noqa: F403
from bi18.settings import INSTALLED_APPS, MIDDLEWARE

# The floor: a minimal page (25 rows of a 100,000-row table through a template) that every
# page is compared with in the same run, on the same machine, under the same load.
BENCH_FLOOR = True
INSTALLED_APPS = [*INSTALLED_APPS, "bench.floor"]
ROOT_URLCONF = "bench.urls"
# Outermost, so that it times the whole middleware stack and counts every query.
MIDDLEWARE = ["bench.middleware.ServerTimingMiddleware", *MIDDLEWARE]
