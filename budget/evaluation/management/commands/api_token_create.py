"""manage.py api_token_create USERNAME [--days N]: a token for a machine user of the API.

The user must be a manager or an evaluator (the API's scopes). The token is printed
once and stored only hashed (django-rest-knox); it expires after N days (default from
the setting REST_KNOX TOKEN_TTL).
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.models import get_token_model

from bi18.audit.models import AuditAction
from bi18.audit.services import audit_log
from budget.evaluation.api.permissions import AGGREGATE_PERMS


class Command(BaseCommand):
    help = "Create an API token for a manager or evaluator (printed once, stored hashed)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="days until it expires")

    def handle(self, *args, username, days, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        if not any(user.has_perm(p) for p in AGGREGATE_PERMS) or user.has_perm(
            "accounts.access_case_data"
        ):
            raise CommandError("Only managers and evaluators may use the API.")
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        expiry = datetime.timedelta(days=days) if days else None
        kwargs = {"expiry": expiry} if expiry else {}
        instance, token = get_token_model().objects.create(user=user, **kwargs)
        audit_log(
            actor=None,
            actor_username="manage.py api_token_create",
            action=AuditAction.CREATE,
            event="evaluation.api.token_created",
            detail={
                "user": user.username,
                "expiry": instance.expiry.isoformat() if instance.expiry else None,
            },
        )
        self.stdout.write(token)
