"""The navigation, filled by the apps from their AppConfig.ready() (issue 10 §3), so that
bi18 names no app above it: the navbar's items, the cards of the administration page, and
where the home page sends a user without case work."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

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


@dataclass(frozen=True)
class AdminCard:
    """A card on the administration page: a linked title and a sentence saying what it is for."""

    key: str
    title: Any  # lazy translations
    text: Any
    url_name: str
    order: int
    visible: Callable[[Any], bool]


_admin_cards: dict[str, AdminCard] = {}


def register_admin_card(card: AdminCard) -> None:
    register_once(_admin_cards, card.key, card, "Administration card")


def admin_cards(user) -> list[tuple[AdminCard, str]]:
    """The cards this user may open, in order, each with its URL."""
    cards = sorted(_admin_cards.values(), key=lambda c: c.order)
    return [(card, reverse(card.url_name)) for card in cards if card.visible(user)]


@dataclass(frozen=True)
class LandingPage:
    """Where the home page sends a user without case work (a manager to the targets, an
    evaluator to the decision basis); the first that applies, by order."""

    key: str
    url_name: str
    order: int
    applies: Callable[[Any], bool]


_landing_pages: dict[str, LandingPage] = {}


def register_landing_page(page: LandingPage) -> None:
    register_once(_landing_pages, page.key, page, "Landing page")


def landing_url(user) -> str | None:
    for page in sorted(_landing_pages.values(), key=lambda p: p.order):
        if page.applies(user):
            return reverse(page.url_name)
    return None
