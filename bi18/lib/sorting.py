"""Sortable columns on every list (issue 16 §4): one whitelist, one header cell.

A view declares which columns may be sorted, each as the ORM ordering it stands for, and a
default; `sort_order(request, columns, default)` reads `?sort=key` or `?sort=-key` and
returns a `Sorting`. A key that is not declared (a typo, an old bookmark, an attempt to
order by a field the user may not see) falls back to the default: no 500, and nothing from
the URL ever reaches `order_by` except through the whitelist. The ordering always ends with
the primary key, so rows with equal values keep one order and pagination neither repeats nor
skips a row.

Declare only columns that are indexed or cheap; never a decrypted or hashed CPR number.

In the template (`{% load sorting %}`), a header cell is
`{% sortable_th sorting "case_number" _("Case number") %}`: a link that toggles the
direction, keeps the other query parameters (filters, search) and goes back to page 1, with
`aria-sort` on the active column and a visually hidden "Sort by …" for screen readers.
A list whose rows are computed in Python (a summary) sorts them with `sort_rows`.
"""

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django import template
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.expressions import BaseExpression, OrderBy
from django.http import HttpRequest

SORT_PARAM = "sort"

# One column's ordering: a field lookup ("case_number", "-created_at") or an expression
# (F("deadline").asc(nulls_last=True)), or several of them.
Ordering = str | BaseExpression | Sequence[str | BaseExpression]

T = TypeVar("T")


def _reverse(term: str | BaseExpression) -> str | BaseExpression:
    if isinstance(term, str):
        return term[1:] if term.startswith("-") else f"-{term}"
    if isinstance(term, OrderBy):
        # Not Django's reverse_ordering(), which swaps nulls_last for nulls_first: rows without
        # a value (no deadline yet) stay at the end whichever way the column is sorted.
        return OrderBy(
            term.expression,
            descending=not term.descending,
            nulls_first=term.nulls_first,
            nulls_last=term.nulls_last,
        )
    if isinstance(term, F) or hasattr(term, "desc"):
        return term.desc()
    raise TypeError(f"Cannot reverse the ordering {term!r}")


def _terms(ordering: Ordering) -> list[str | BaseExpression]:
    if isinstance(ordering, str | BaseExpression):
        return [ordering]
    return list(ordering)


@dataclass(frozen=True)
class Sorting:
    """The chosen column and direction, and what `order_by` and the header cells need."""

    key: str
    descending: bool
    ordering: tuple[str | BaseExpression, ...]
    param: str = SORT_PARAM

    @property
    def value(self) -> str:
        """The `?sort=` value of the current order (a filter form keeps it)."""
        return f"-{self.key}" if self.descending else self.key

    def next_value(self, key: str) -> str:
        """The `?sort=` value a click on column `key` asks for: the other direction of the
        active column, ascending for any other."""
        if key == self.key and not self.descending:
            return f"-{key}"
        return key

    def aria_sort(self, key: str) -> str:
        if key != self.key:
            return ""
        return "descending" if self.descending else "ascending"


def _chosen(
    request: HttpRequest, keys: Iterable[str], default: str, param: str
) -> tuple[str, bool]:
    """(key, descending) from `?param=`, or from `default` if the URL names no known key."""
    keys = set(keys)
    if default.lstrip("-") not in keys:
        raise ValueError(f"The default sort {default!r} is not one of the columns")
    asked = request.GET.get(param, "")
    if asked.lstrip("-") not in keys or asked.count("-") > 1:
        asked = default
    return asked.lstrip("-"), asked.startswith("-")


def sort_order(
    request: HttpRequest,
    columns: Mapping[str, Ordering],
    default: str,
    *,
    param: str = SORT_PARAM,
    tiebreaker: str = "pk",
) -> Sorting:
    """The ordering `request` asks for among `columns` (key -> ORM ordering).

    `default` is a key of `columns`, with a leading "-" for descending. A descending column
    reverses each of its terms. `tiebreaker` (the primary key unless the rows are not model
    instances, e.g. `.values()` groups: then "") is appended in the column's direction.
    """
    key, descending = _chosen(request, columns, default, param)
    terms = _terms(columns[key])
    if descending:
        terms = [_reverse(term) for term in terms]
    if tiebreaker:
        terms.append(f"-{tiebreaker}" if descending else tiebreaker)
    return Sorting(key=key, descending=descending, ordering=tuple(terms), param=param)


def choice_order(field: str, choices: Iterable[tuple[Any, Any]], *, by_label: bool = False) -> Case:
    """An ordering of a choices field as the user reads it, not by its stored code.

    In the order the choices are declared (a lifecycle: screened before enrolled before
    active), or with `by_label` alphabetically by the label in the active language (Danish
    letters æ, ø, å after z). A CASE over a handful of values: cheap on a filtered list.
    Call it in the view, per request, so the labels are in the user's language; the CASE
    itself is built once per process for each order of the values (a list page declares
    its columns on every request, and building the expressions cost more than the rest of
    its sorting).
    """
    pairs = list(choices)
    if by_label:
        pairs.sort(key=lambda pair: danish_key(str(pair[1])))
    return _choice_case(field, tuple(value for value, _label in pairs))


@functools.lru_cache(maxsize=256)
def _choice_case(field: str, values: tuple[Any, ...]) -> Case:
    # Shared between queries: an expression is copied, never changed, when a query uses it.
    return Case(
        *(When(**{field: value}, then=Value(rank)) for rank, value in enumerate(values)),
        default=Value(len(values)),
        output_field=IntegerField(),
    )


def name_order(prefix: str = "") -> tuple[str, str]:
    """A person's or a user's name as it is shown, first name first; `prefix` is the path
    to the row's person ("user__"). Names are stored in plain text (only CPR numbers are
    encrypted), so this sorts in the database."""
    return (f"{prefix}first_name", f"{prefix}last_name")


_DANISH_LAST = str.maketrans({"æ": "z\u0001", "ø": "z\u0002", "å": "z\u0003"})


def danish_key(text: str) -> str:
    """A sort key that puts æ, ø and å after z, as a Danish reader expects."""
    return text.casefold().translate(_DANISH_LAST)


def sort_rows(
    request: HttpRequest,
    rows: Iterable[T],
    keys: Mapping[str, Callable[[T], Any]],
    default: str,
    *,
    param: str = SORT_PARAM,
) -> tuple[list[T], Sorting]:
    """Rows computed in Python (a summary, not a queryset), sorted by the column the request
    asks for; `keys` maps each column to a function of a row. Python's sort is stable, so
    rows with equal values keep the order they came in."""
    key, descending = _chosen(request, keys, default, param)
    ordered = sorted(rows, key=keys[key], reverse=descending)
    return ordered, Sorting(key=key, descending=descending, ordering=(), param=param)


register = template.Library()


@register.inclusion_tag("includes/sortable_th.html", takes_context=True)
def sortable_th(context, sorting: Sorting, key: str, label: str, css_class: str = "") -> dict:
    """A table header cell that sorts the list by column `key`."""
    next_value = sorting.next_value(key)
    # As {% querystring %} does, with the parameter's name from the view: the filters and
    # the search stay, the page goes (page 3 of another order is a different set of rows).
    query = context["request"].GET.copy()
    query[sorting.param] = next_value
    query.pop("page", None)
    return {
        "href": f"?{query.urlencode()}",
        "next_descending": next_value.startswith("-"),
        "aria_sort": sorting.aria_sort(key),
        "label": label,
        "css_class": css_class,
    }
