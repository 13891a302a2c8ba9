"""The one sorting helper (bi18/lib/sorting.py); every list's own test is in
tests/test_sortable_lists.py."""

import pytest
from django.db.models import F
from django.template import Context, Template
from django.test import RequestFactory

from bi18.lib.sorting import danish_key, sort_order, sort_rows

COLUMNS = {"name": ("last_name", "first_name"), "due": F("deadline").asc(nulls_last=True)}


def _sorting(query, default="name"):
    return sort_order(RequestFactory().get("/", query), COLUMNS, default)


@pytest.mark.parametrize(
    ("query", "key", "descending", "ordering"),
    [
        ({}, "name", False, ("last_name", "first_name", "pk")),
        ({"sort": "name"}, "name", False, ("last_name", "first_name", "pk")),
        ({"sort": "-name"}, "name", True, ("-last_name", "-first_name", "-pk")),
        # Not on the whitelist: the default, never the field the URL names.
        ({"sort": "password"}, "name", False, ("last_name", "first_name", "pk")),
        ({"sort": "--name"}, "name", False, ("last_name", "first_name", "pk")),
        ({"sort": "name;drop"}, "name", False, ("last_name", "first_name", "pk")),
    ],
)
def test_sort_order_reads_only_whitelisted_keys_and_ends_with_the_primary_key(
    query, key, descending, ordering
):
    sorting = _sorting(query)
    assert (sorting.key, sorting.descending, sorting.ordering) == (key, descending, ordering)


def test_a_descending_expression_is_reversed_and_keeps_its_nulls_last():
    sorting = _sorting({"sort": "-due"})
    term = sorting.ordering[0]
    assert term.descending and term.nulls_last
    assert sorting.ordering[1] == "-pk"


def test_a_default_outside_the_columns_is_a_programming_error():
    with pytest.raises(ValueError):
        _sorting({}, default="age")


def test_header_cell_toggles_direction_keeps_filters_and_drops_the_page():
    request = RequestFactory().get("/", {"sort": "name", "district": "valby", "page": "3"})
    sorting = sort_order(request, COLUMNS, "name")
    html = Template(
        '{% load sorting %}{% sortable_th s "name" "Navn" %}{% sortable_th s "due" "Frist" %}'
    ).render(Context({"s": sorting, "request": request}))
    active, other = html.split("</th>")[:2]
    assert 'aria-sort="ascending"' in active and "aria-sort" not in other
    assert 'href="?sort=-name&amp;district=valby"' in active
    assert 'href="?sort=due&amp;district=valby"' in other
    assert "Sorter efter Navn, faldende" in active
    assert "Sorter efter Frist, stigende" in other


def test_danish_letters_sort_after_z():
    assert sorted(["Østerbro", "Amager Øst", "Amager Vest", "Valby"], key=danish_key) == [
        "Amager Vest",
        "Amager Øst",
        "Valby",
        "Østerbro",
    ]


def test_rows_computed_in_python_sort_stably_and_fall_back_to_the_default():
    rows = [("b", 2), ("a", 1), ("c", 1)]
    keys = {"name": lambda r: r[0], "n": lambda r: r[1]}
    for query, expected in (
        ({"sort": "-n"}, [("b", 2), ("a", 1), ("c", 1)]),  # equal values keep their order
        ({"sort": "n"}, [("a", 1), ("c", 1), ("b", 2)]),
        ({"sort": "__class__"}, [("a", 1), ("b", 2), ("c", 1)]),
    ):
        ordered, sorting = sort_rows(RequestFactory().get("/", query), rows, keys, "name")
        assert ordered == expected
        assert sorting.ordering == ()
