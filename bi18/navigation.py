"""The main navigation, filled by the apps from their AppConfig.ready() (issue 10 §3), so
that bi18 names no app above it. The navbar shows the items the user may open, by order."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bi18.lib.registry import register_once


@dataclass(frozen=True)
class NavItem:
    key: str  # also marks the active link
    label: Any  # a lazy translation
    url_name: str
    order: int
    visible: Callable[[Any], bool]  # visible(user) for an authenticated user


_items: dict[str, NavItem] = {}


def register_nav_item(item: NavItem) -> None:
    register_once(_items, item.key, item, "Navigation item")


def nav_items() -> list[NavItem]:
    return sorted(_items.values(), key=lambda i: i.order)
