"""One rule for every extension registry: a key is registered once.

Apps register in their AppConfig.ready(); a second registration under the same key is
a configuration error (two apps claiming one name would silently shadow each other).
Registering the very same (or an equal) object again is allowed, so that a ready()
that runs twice does no harm.
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured


def register_once(registry: dict, key: Any, value: Any, what: str) -> None:
    """Add `value` under `key`, or raise ImproperlyConfigured if another is there."""
    if key in registry:
        existing = registry[key]
        if existing is value or existing == value:
            return
        raise ImproperlyConfigured(f"{what} {key!r} is already registered.")
    registry[key] = value
