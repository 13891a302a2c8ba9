"""Checks /healthz runs besides the database and the broker, registered by the apps that
own them (in their AppConfig.ready()), so that bi18 imports no app above it."""

from collections.abc import Callable

_checks: dict[str, Callable[[], bool]] = {}


def register_health_check(name: str, check: Callable[[], bool]) -> None:
    """`check()` returns True when healthy; it runs only when the database answers."""
    if name in _checks:
        raise ValueError(f"health check {name!r} is registered twice")
    _checks[name] = check


def health_checks() -> dict[str, Callable[[], bool]]:
    return dict(_checks)
