"""The one set of date input formats (bi18.lib.dates): every form and both imports."""

import datetime

import pytest
from django import forms
from django.utils import translation

from bi18.lib.dates import DATE_INPUT_FORMATS, parse_date

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
