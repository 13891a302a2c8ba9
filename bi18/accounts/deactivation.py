"""What must happen before a user can be deactivated.

The accounts layer does not know families; the apps that give users
responsibilities register a check here (from their AppConfig.ready()) that says
what the user still holds and where to hand it over. Deactivation is refused while
any check answers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DeactivationBlock:
    message: str  # translated: what the user still holds
    url: str  # where to hand it over
    link_text: str  # translated


_checks: dict[str, Callable[[Any], DeactivationBlock | None]] = {}


def register_deactivation_check(key: str, check: Callable[[Any], DeactivationBlock | None]):
    if key in _checks and _checks[key] is not check:
        raise ValueError(f"A deactivation check {key!r} is already registered.")
    _checks[key] = check


def deactivation_blocks(user) -> list[DeactivationBlock]:
    return [block for check in _checks.values() if (block := check(user)) is not None]
