"""What "Mit arbejde" lists: the kinds of deadline and forecast that the apps register
from their AppConfig.ready() (one registry; a duplicate key is refused), and the item
they derive. The engine (families.worklist.engine) collects them."""

import datetime
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from bi18.lib.registry import register_once
from families.models import Person

# --- Deadlines ("Mit arbejde", the daily digest) ---------------------------------------


@dataclass(frozen=True)
class Deadline:
    kind: str  # registered kind key, e.g. "employment.internship_deadline"
    label: str  # translated, short: what is due
    due: datetime.date
    url: str  # where it is resolved
    family_case_number: str = ""
    family_id: int | None = None
    person_name: str = ""
    detail: str = ""
    extra: dict = field(default_factory=dict)
    # The task in the user's own words where there is one (a plan action's "what"); the
    # work list links it instead of the kind's label.
    task: str = ""

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due < today

    @property
    def title(self) -> str:
        return self.task or self.label

    @property
    def key(self) -> str:
        """A stable identity of the item across days (a snooze refers to it): its kind and
        where it is resolved, which names the track, internship, action or plan."""
        return f"{self.kind}:{self.url}"

    @classmethod
    def about(cls, kind: str, label: str, due, url: str, row: dict, detail: str = ""):
        """An item about one person, from a row of their id, names, family id and case
        number (the columns `person_id`, `person__first_name`, `person__last_name`,
        `person__family`, `person__family__case_number` of a track's values())."""
        return cls(
            kind=kind,
            label=label,
            due=due,
            url=url,
            family_case_number=row["person__family__case_number"],
            family_id=row["person__family"],
            person_name=Person.name_of(row["person__first_name"], row["person__last_name"]),
            detail=detail,
            extra={"person_id": row["person_id"]},
        )


_MARK = 987654321


def pk_url(name: str, *args) -> Callable[[int], str]:
    """`reverse(name, args=[*args, pk])` for every row of a collector at the cost of one
    reverse() (resolving the URL per item was a tenth of the page's time)."""
    head, _mark, tail = reverse(name, args=[*args, _MARK]).partition(str(_MARK))
    return lambda pk: f"{head}{int(pk)}{tail}"


@dataclass
class _Collection:
    kinds: frozenset[str] | None  # None: every kind
    memo: dict = field(default_factory=dict)


_collection: ContextVar[_Collection | None] = ContextVar("worklist_collection", default=None)


@contextmanager
def one_collection(kinds: Iterable[str] | None = None):
    """One reading of the work list (the engine's items_for) for `kinds` (default: all):
    kinds that derive their items from the same rows read them once within it (`shared`),
    and a reading leaves out what no kind asked for needs (`wanted`)."""
    token = _collection.set(_Collection(None if kinds is None else frozenset(kinds)))
    try:
        yield
    finally:
        _collection.reset(token)


def shared(key: tuple, build: Callable[[], Any]) -> Any:
    """`build()` once per `one_collection()` (every kind of an app from one reading of its
    rows); outside one, on every call. Not kept longer: the next reading sees new data."""
    collection = _collection.get()
    if collection is None:
        return build()
    if key not in collection.memo:
        collection.memo[key] = build()
    return collection.memo[key]


def wanted(kind: str) -> bool:
    """Whether the current reading asks for `kind` (outside one_collection(): yes)."""
    collection = _collection.get()
    return collection is None or collection.kinds is None or kind in collection.kinds


@dataclass(frozen=True)
class DeadlineKind:
    """`collect(user, today, until, family_id=None)` returns the user's Deadline items due
    on or before `until` (overdue ones included), in a fixed number of queries; with
    `family_id`, only that family's (opening one family on the page reads only its rows).

    A `forecast` kind lists people at risk of missing a target clock unless something
    happens (due = the clock at risk, e.g. week 6 / month 6 of the employment track); the
    page shows those apart, and the digest leaves them out."""

    key: str
    label: str
    collect: Callable[..., list[Deadline]]
    forecast: bool = False


_deadline_kinds: dict[str, DeadlineKind] = {}


def register_deadline_kind(kind: DeadlineKind) -> None:
    register_once(_deadline_kinds, kind.key, kind, "Deadline kind")


def deadline_kinds() -> list[DeadlineKind]:
    """The kinds of deadline (not forecasts), in registration order."""
    return [k for k in _deadline_kinds.values() if not k.forecast]


def forecast_kinds() -> list[DeadlineKind]:
    """The kinds of forecast, in registration order."""
    return [k for k in _deadline_kinds.values() if k.forecast]
