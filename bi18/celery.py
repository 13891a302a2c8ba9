"""The Celery application.

Without REDIS_URL the settings make every task run eagerly in-process, so the
embedded default (SQLite, no broker) still runs everything.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bi18.settings")

app = Celery("bi18")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
