"""What must happen before a user can be deactivated.

The accounts layer does not know families; the apps that give users
responsibilities register a check here (from their AppConfig.ready()) that says
what the user still holds and where to hand it over. Deactivation is refused while
any check answers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bi18.lib.registry import register_once


@dataclass(frozen=True)
class DeactivationBlock:
    message: str  # translated: what the user still holds
    url: str  # where to hand it over
    link_text: str  # translated


_checks: dict[str, Callable[[Any], DeactivationBlock | None]] = {}


def register_deactivation_check(key: str, check: Callable[[Any], DeactivationBlock | None]):
    register_once(_checks, key, check, "Deactivation check")


def deactivation_blocks(user) -> list[DeactivationBlock]:
    return [block for check in _checks.values() if (block := check(user)) is not None]
