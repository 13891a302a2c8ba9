"""A coordinator adds a network-group member with the type-ahead picker, keyboard only
(headless Chromium): type, arrow down, Enter, Tab on, Enter to submit."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from bi18.accounts.roles import Role
from families.models import NetworkMember
from tests.browser.conftest import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_coordinator_adds_a_member_with_the_keyboard_only(page, screenshot, family, caseworker):
    for i in range(25):
        UserFactory(
            username=f"birgitte{i}",
            first_name="Birgitte",
            last_name=f"Andersen{i:02d}",
            role=Role.FAMILY_CASEWORKER,
        )
    wanted = UserFactory(
        username="vibeke", first_name="Vibeke", last_name="Holm", role=Role.COMPANY_CONSULTANT
    )
    UserFactory(username="vibse", first_name="Vibse", last_name="Holm", role=Role.JOB_MENTOR)

    log_in(page, caseworker)
    page.goto(reverse("networkgroup:group", args=[family.pk]))
    box = page.locator("#id_user")
    assert box.get_attribute("role") == "combobox"
    # With JavaScript the plain-search button and the <select> are gone from view.
    assert page.locator("[data-picker-search]").count() == 0
    assert not page.locator("#id_user_value").is_visible()

    box.focus()
    page.keyboard.type("birg")
    page.wait_for_selector("#id_user_listbox:not([hidden]) [role=option]")
    assert page.locator("#id_user_listbox [role=option][data-value]").count() == 20
    assert "Kun de første 20 vises" in page.locator("#id_user_listbox").inner_text()
    screenshot("more-than-20")

    page.keyboard.press("Control+A")
    page.keyboard.type("vib holm")
    expect(page.locator("#id_user_listbox [role=option][data-value]")).to_have_count(2)
    assert box.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    active = box.get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").get_attribute("data-value") == str(wanted.pk)
    screenshot("arrowed-to-vibeke")
    page.keyboard.press("Enter")  # chooses; does not submit the form
    assert box.input_value() == "Vibeke Holm"
    assert box.get_attribute("aria-expanded") == "false"
    assert page.locator("#id_user_value").input_value() == str(wanted.pk)
    assert "Valgt: Vibeke Holm" in page.locator("#id_user_status").inner_text()
    assert not NetworkMember.objects.filter(family=family, user=wanted).exists()

    page.keyboard.press("Tab")  # the role
    assert page.evaluate("document.activeElement.id") == "id_group_role"
    page.keyboard.type("Virk")
    page.keyboard.press("Tab")  # coordinator checkbox
    page.keyboard.press("Tab")  # the add button
    screenshot("ready-to-add")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert NetworkMember.objects.filter(
        family=family, user=wanted, group_role=Role.COMPANY_CONSULTANT
    ).exists()
    assert page.locator('tr[data-member="vibeke"]').count() == 1
    screenshot("added")
