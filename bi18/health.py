"""Checks /healthz runs besides the database and the broker, registered by the apps that
own them (in their AppConfig.ready()), so that bi18 imports no app above it."""

from collections.abc import Callable

from bi18.lib.registry import register_once

_checks: dict[str, Callable[[], bool]] = {}


def register_health_check(name: str, check: Callable[[], bool]) -> None:
    """`check()` returns True when healthy; it runs only when the database answers."""
    register_once(_checks, name, check, "Health check")


def health_checks() -> dict[str, Callable[[], bool]]:
    return dict(_checks)
