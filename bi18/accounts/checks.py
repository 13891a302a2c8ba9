"""System checks for the sign-in configuration (run by `manage.py check`, and in CI with
production settings by `check --deploy`). Registered in AccountsConfig.ready()."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

from bi18.accounts.roles import Role


def check_oidc(app_configs, **kwargs):
    errors = []
    role_map = settings.OIDC_ROLE_MAP
    if not isinstance(role_map, dict):
        return [checks.Error("OIDC_ROLE_MAP must be a JSON object.", id="accounts.E001")]
    for group, roles in role_map.items():
        for role in (
            [roles] if isinstance(roles, str) else roles if isinstance(roles, list) else [None]
        ):
            if role not in Role.values:
                errors.append(
                    checks.Error(
                        f"OIDC_ROLE_MAP maps {group!r} to an unknown role {role!r}.",
                        hint=f"Roles: {', '.join(Role.values)}.",
                        id="accounts.E002",
                    )
                )
    if settings.OIDC_DISCOVERY_URL:
        if not (settings.OIDC_CLIENT_ID and settings.OIDC_CLIENT_SECRET):
            errors.append(
                checks.Error(
                    "OIDC_DISCOVERY_URL is set but OIDC_CLIENT_ID or OIDC_CLIENT_SECRET is not.",
                    id="accounts.E003",
                )
            )
        if not role_map:
            errors.append(
                checks.Warning(
                    "OIDC_ROLE_MAP is empty: nobody who signs in through the provider gets a role.",
                    id="accounts.W001",
                )
            )
    return errors


def check_oidc_https(app_configs, **kwargs):
    url = urlsplit(settings.OIDC_DISCOVERY_URL)
    if settings.OIDC_DISCOVERY_URL and url.scheme != "https":
        return [
            checks.Warning(
                "OIDC_DISCOVERY_URL does not use https.",
                hint="Outside a laptop, the provider must be reached over TLS.",
                id="accounts.W002",
            )
        ]
    return []
