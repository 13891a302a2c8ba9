"""Extension points that higher apps (networkgroup, employment, youth, budget) plug into.

The family page lives low in the layers and must not import the track apps; instead
each app registers its panel here from its
AppConfig.ready() — the same idea as Django's admin site registry.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bi18.lib.registry import register_once

# --- Family page panels ------------------------------------------------------------


@dataclass(frozen=True)
class FamilyPanel:
    """A section of the family page.

    `context` gets (request, family, people) – `people` are the Person rows the
    user may see – and returns the template context, or None to hide the panel.
    It must make a fixed number of queries whatever the data size.
    """

    key: str
    order: int
    template: str
    context: Callable[[Any, Any, list], dict | None]


_family_panels: dict[str, FamilyPanel] = {}


def register_family_panel(panel: FamilyPanel) -> None:
    register_once(_family_panels, panel.key, panel, "Family panel")


def family_panels() -> list[FamilyPanel]:
    return sorted(_family_panels.values(), key=lambda p: p.order)


# --- Pages about one family that other apps own -------------------------------------------


@dataclass(frozen=True)
class FamilyPage:
    """A page of a higher app about one family, which the families pages link by key
    (e.g. "network_group": the group's members, in networkgroup). `url_name` takes the
    family's pk."""

    key: str
    url_name: str


_family_pages: dict[str, FamilyPage] = {}


def register_family_page(page: FamilyPage) -> None:
    register_once(_family_pages, page.key, page, "Family page")


def family_page_url(key: str, family_pk: int) -> str | None:
    """The URL of that page for this family, or None if no app offers it."""
    from django.urls import reverse

    page = _family_pages.get(key)
    return reverse(page.url_name, args=[family_pk]) if page else None


# --- Demo data (manage.py seed_demo) ------------------------------------------------------


@dataclass(frozen=True)
class DemoSeeder:
    """A step of `manage.py seed_demo` contributed by an app (e.g. employment tracks).

    `seed(rng=random.Random, family_ids=list[int], users=dict[role value -> User],
    today=date)` adds the app's demo data for those families. It must be
    deterministic for the rng, insert plain tuples with bi18.lib.bulk.insert_rows (or
    bulk.create; 50,000 families must finish in minutes) and load people in chunks rather
    than one query per family. It runs with the foreign keys dropped on PostgreSQL
    (checked when seed_demo adds them back at the end), so it must not rely on an
    immediate foreign-key error.
    """

    key: str
    order: int
    seed: Callable[..., None]


_demo_seeders: dict[str, DemoSeeder] = {}


def register_demo_seeder(seeder: DemoSeeder) -> None:
    register_once(_demo_seeders, seeder.key, seeder, "Demo seeder")


def demo_seeders() -> list[DemoSeeder]:
    return sorted(_demo_seeders.values(), key=lambda s: s.order)


# --- Personal data held by each app (GDPR: insight, art. 15, and erasure) ----------------


@dataclass(frozen=True)
class PersonalData:
    """What one app holds about the people of a family.

    `insight(person)` returns {section title: [row, …]} where a row is a dict of
    translated label → text: everything the app holds about that person, and the
    whole-family items that concern them, never another person's items.
    `erase(family)` removes the personal content of the family's rows (free text,
    names) while keeping the dates, statuses and links that past targets count, and
    returns the number of rows it changed. Both run in a fixed number of queries.
    """

    key: str
    order: int
    insight: Callable[[Any], dict[str, list[dict]]]
    erase: Callable[[Any], int]


_personal_data: dict[str, PersonalData] = {}


def register_personal_data(source: PersonalData) -> None:
    register_once(_personal_data, source.key, source, "Personal data source")


def personal_data_sources() -> list[PersonalData]:
    return sorted(_personal_data.values(), key=lambda s: s.order)


# --- Data encrypted under CPR_ENCRYPTION_KEY (re-encrypted by rotate_encryption_key) -----


@dataclass(frozen=True)
class EncryptedStore:
    """`rotate(fernet)` re-encrypts every item under the MultiFernet's first key
    (fernet.rotate(token)) and returns how many it re-encrypted; safe to repeat."""

    key: str
    rotate: Callable[[Any], int]


_encrypted_stores: dict[str, EncryptedStore] = {}


def register_encrypted_store(store: EncryptedStore) -> None:
    register_once(_encrypted_stores, store.key, store, "Encrypted store")


def encrypted_stores() -> list[EncryptedStore]:
    return list(_encrypted_stores.values())


# --- What every family comes with (e.g. its network-group plan) --------------------------


@dataclass(frozen=True)
class FamilyCreatedHook:
    """Rows an app keeps for every family (networkgroup: the family's plan), created with
    the family by every path that creates families: the family-create service, the
    target-group import, seed_demo and the test factories all call `families_created`.
    So no page has to create them on first use, and a GET never writes.

    `create(family_ids)` creates the rows for those of the families that lack them, in
    the caller's transaction, in a fixed number of queries per batch (an import or the
    demo may create 50,000 families at once).
    """

    key: str
    create: Callable[[list[int]], None]


_family_created_hooks: dict[str, FamilyCreatedHook] = {}


def register_family_created_hook(hook: FamilyCreatedHook) -> None:
    register_once(_family_created_hooks, hook.key, hook, "Family-created hook")


def families_created(family_ids: Iterable[int]) -> None:
    """Tell the apps that these families were just created (see FamilyCreatedHook)."""
    ids = list(family_ids)
    if not ids:
        return
    for hook in _family_created_hooks.values():
        hook.create(ids)
