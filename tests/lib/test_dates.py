"""The one set of date input formats (bi18.lib.dates): every form and both imports."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django import forms
from django.db.models import F
from django.utils import translation

from bi18.lib.dates import (
    DATE_INPUT_FORMATS,
    AddDays,
    AddMonths,
    add_months,
    age_on,
    months_back,
    parse_date,
    whole_months,
)

D = datetime.date(2026, 1, 31)
TYPED = [
    "31-01-2026",
    "31.01.2026",
    "31/01/2026",
    "2026-01-31",
    "31-01-26",
    "31.1.26",
    " 31/1/2026 ",
]


@pytest.mark.parametrize("text", TYPED)
def test_the_ways_danes_type_a_date_are_read(text):
    assert parse_date(text) == D


@pytest.mark.parametrize("text", ["", "31-13-2026", "30.02.2026", "januar 2026", "2026/01/31"])
def test_anything_else_is_not_a_date(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("text", TYPED)
def test_every_date_field_accepts_the_same_formats_in_either_language(language, text):
    with translation.override(language):
        assert forms.DateField().clean(text) == D


def test_the_formats_are_defined_once():
    from django.utils.formats import get_format

    for language in ("da", "en"):
        assert tuple(get_format("DATE_INPUT_FORMATS", language)) == DATE_INPUT_FORMATS


# --- Calendar arithmetic: add_months, its inverse and its SQL twin ---------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2024, 8, 31), 6, datetime.date(2025, 2, 28)),
        (datetime.date(2023, 8, 31), 6, datetime.date(2024, 2, 29)),  # leap year
        (datetime.date(2025, 11, 30), 3, datetime.date(2026, 2, 28)),
        (datetime.date(2025, 1, 15), 3, datetime.date(2025, 4, 15)),
        (datetime.date(2025, 12, 31), 3, datetime.date(2026, 3, 31)),
    ],
)
def test_add_months_clamps_to_the_last_day_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("months", [1, 3, 6, 12])
def test_months_back_is_the_exact_inverse_of_add_months_on_every_day(months):
    one = datetime.timedelta(days=1)
    for until in (datetime.date(2023, 12, 1) + n * one for n in range(800)):
        latest = months_back(until, months)
        assert add_months(latest, months) <= until < add_months(latest + one, months), until


@pytest.mark.parametrize("start", [datetime.date(2024, 1, 15), datetime.date(2024, 1, 31)])
def test_whole_months_is_the_count_that_add_months_reaches_on_every_day(start):
    for n in range(800):
        end = start + datetime.timedelta(days=n)
        months = whole_months(start, end)
        assert add_months(start, months) <= end < add_months(start, months + 1), end
    assert whole_months(datetime.date(2023, 1, 31), datetime.date(2023, 2, 28)) == 1


def test_the_direct_arithmetic_is_relativedeltas_on_every_day():
    """add_months, whole_months and age_on compute relativedelta's rule without building
    one (they run millions of times in the matching and the demo seeding)."""
    one = datetime.timedelta(days=1)
    days = [datetime.date(2023, 11, 20) + n * one for n in range(500)]  # two month-ends of Feb
    for day in days:
        for months in (-25, -13, -12, -6, -1, 0, 1, 2, 3, 6, 11, 12, 13, 24, 600):
            assert add_months(day, months) == day + relativedelta(months=months), (day, months)
    for start in days[::7] + [datetime.date(2024, 2, 29), datetime.date(2023, 1, 31)]:
        for end in days:
            delta = relativedelta(end, start)
            assert whole_months(start, end) == delta.years * 12 + delta.months, (start, end)
            assert age_on(start, end) == delta.years, (start, end)
    moment = datetime.datetime(2024, 1, 31, 9, 30)  # a datetime keeps its time
    assert add_months(moment, 1) == datetime.datetime(2024, 2, 29, 9, 30)


def test_age_on_counts_whole_years_and_a_leap_day_birthday():
    born = datetime.date(2008, 2, 29)
    assert age_on(born, datetime.date(2026, 2, 27)) == 17
    assert age_on(born, datetime.date(2026, 2, 28)) == 18
    assert age_on(born, datetime.date(2028, 2, 29)) == 20
    assert age_on(datetime.date(2000, 6, 1), datetime.date(2026, 5, 31)) == 25


@pytest.mark.django_db
@pytest.mark.parametrize("months", [3, 6])
def test_the_sql_twins_agree_with_python_on_every_day(months):
    from employment.models import EmploymentTrack
    from tests.employment_factories import TrackFactory
    from tests.factories import FamilyFactory, PersonFactory

    family = FamilyFactory()
    starts = [datetime.date(2023, 8, 25) + datetime.timedelta(days=n) for n in range(0, 400, 3)]
    starts += [datetime.date(y, m, d) for y, m, d in ((2024, 8, 31), (2023, 8, 31), (2024, 2, 29))]
    for start in starts:
        TrackFactory(person=PersonFactory(family=family), start=start)
    rows = EmploymentTrack.objects.annotate(
        later=AddMonths(F("start"), months), d42=AddDays(F("start"), 42)
    ).values_list("start", "later", "d42")
    for start, later, d42 in rows:
        assert later == add_months(start, months), start
        assert d42 == start + datetime.timedelta(days=42), start
