"""The person form in Chromium (issue 16 §4): the date of birth follows the CPR number as
it is typed, and parent-only and child-only fields follow the role; no inline script."""

import pytest
from django.urls import reverse

from families.models import Person

pytestmark = pytest.mark.browser


def test_typing_a_cpr_number_fills_the_birth_date_and_the_role_picks_the_fields(
    page, browser_login, caseworker, family, screenshot
):
    browser_login(caseworker)
    page.goto(reverse("families:person_create", args=[family.pk]))
    page.locator("[name=cpr]").press_sequentially("120312-")  # 7th digit not yet typed
    page.locator("[name=cpr]").press_sequentially("4321")  # 4: born 2012
    assert page.locator("[name=date_of_birth]").input_value() == "2012-03-12"

    page.locator("[name=role]").select_option("child")
    assert page.locator("#div_id_benefit_category").is_hidden()
    assert page.locator("#div_id_school_status").is_visible()
    page.locator("[name=role]").select_option("parent")
    assert page.locator("#div_id_benefit_category").is_visible()
    assert page.locator("#div_id_school_status").is_hidden()
    screenshot("parent-fields")

    page.locator("[name=role]").select_option("child")
    page.locator("[name=first_name]").fill("Lina")
    page.locator("[name=last_name]").fill("Hassan")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Lina Hassan blev tilføjet." in page.locator("main").inner_text()
    assert str(Person.objects.get(first_name="Lina").date_of_birth) == "2012-03-12"
