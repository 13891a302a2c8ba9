"""The product-wide form conventions (issue 16 §4): a Danish prompt instead of Django's
"---------", a decimal comma in typed numbers, and one date format on the pages."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from bi18.lib.forms import DecimalCommaField
from budget.forms import ExpenditureForm
from families.forms import PersonForm
from youth.forms import LeisureJobForm


def test_every_select_offers_a_danish_prompt_not_django_dashes(db):
    html = str(PersonForm(roles=None))  # role, language, benefit category: blank choices
    assert "---------" not in html
    assert "Vælg …" in html
    assert "---------" not in str(ExpenditureForm())


def test_a_radio_list_with_a_blank_choice_gets_the_prompt_too():
    class F(forms.Form):
        pick = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], widget=forms.RadioSelect)

    html = str(F())
    assert "---------" not in html and "Vælg …" in html


@pytest.mark.parametrize("typed", ["7,5", "7.5", " 7,5 "])
def test_a_typed_number_takes_a_decimal_comma_or_point(typed):
    assert DecimalCommaField(max_digits=4, decimal_places=1).clean(typed) == Decimal("7.5")


def test_a_stored_number_is_shown_with_a_comma_and_bad_input_is_a_danish_error():
    field = DecimalCommaField(max_digits=4, decimal_places=1)
    assert field.widget.attrs["inputmode"] == "decimal"
    assert field.widget.format_value(Decimal("7.5")) == "7,5"
    with pytest.raises(forms.ValidationError, match="Angiv et tal"):
        field.clean("syv")


def test_a_number_out_of_range_names_the_limit_with_a_comma():
    field = DecimalCommaField(min_value=Decimal("0.5"), max_digits=4, decimal_places=1)
    with pytest.raises(forms.ValidationError, match="større end eller lig 0,5"):
        field.clean("-1")


def test_the_youth_leisure_job_form_takes_hours_with_a_comma(db):
    form = LeisureJobForm(
        {"employer": "Netto", "hours_per_week": "7,5", "start": "01.02.2026", "end": ""}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["hours_per_week"] == Decimal("7.5")


@pytest.mark.parametrize("language", ["da", "en"])
def test_dates_and_times_are_shown_one_way_in_both_languages(language, settings):
    settings.TIME_ZONE = "Europe/Copenhagen"
    day = datetime.date(2026, 7, 27)
    moment = datetime.datetime(2026, 7, 27, 11, 24)
    template = Template(
        '{{ day }}|{{ day|date:"SHORT_DATE_FORMAT" }}|{{ moment|date:"SHORT_DATETIME_FORMAT" }}'
        "|{{ moment|date }}"
    )
    with translation.override(language):
        text = template.render(Context({"day": day, "moment": moment}))
    assert text == "27.07.2026|27.07.2026|27.07.2026 11:24|27.07.2026"


def test_pagination_reads_side_1_af_2(rf):
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    page = Paginator(range(30), 25).get_page(1)
    html = render_to_string("includes/pagination.html", {"page": page}, request=rf.get("/"))
    assert "Side 1 af 2" in html and "Næste" in html
