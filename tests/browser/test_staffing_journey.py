"""An administrator hands a leaving caseworker's families to a colleague and deactivates
them in one step; a second administrator approves (four eyes); every family has an
active coordinator again."""

import pytest
from django.urls import reverse

from bi18.accounts.roles import Role
from families.models import NetworkMember
from tests.browser.conftest import log_in
from tests.factories import FamilyFactory, UserFactory, add_member

pytestmark = pytest.mark.browser


def test_handover_then_second_administrator_approves(browser, live_server, page, screenshot):
    admin = UserFactory(username="admin1", first_name="Anne", last_name="Admin", role=Role.ADMIN)
    admin2 = UserFactory(username="admin2", first_name="Tobias", last_name="To", role=Role.ADMIN)
    leaver = UserFactory(
        username="leaver", first_name="Lea", last_name="Ver", role=Role.FAMILY_CASEWORKER
    )
    successor = UserFactory(
        username="successor", first_name="Aisha", last_name="Khalil", role=Role.FAMILY_CASEWORKER
    )
    families = [FamilyFactory() for _ in range(3)]
    for family in families:
        add_member(family, leaver, coordinator=True)

    log_in(page, admin)
    page.goto(reverse("accounts:user_deactivate", args=[leaver.pk]))
    assert "3 netværksgrupper (koordinator for 3)" in page.content()
    screenshot("deactivation-needs-handover")
    page.get_by_role("link", name="Overdrag familier").click()
    page.wait_for_load_state()
    # The colleague for everything is found by typing (thousands of caseworkers).
    page.locator("#id_default_successor").fill("Aisha")
    page.locator("#id_default_successor_listbox [role=option]", has_text="Aisha Khalil").click()
    screenshot("handover-form")
    page.get_by_role("button", name="Overdrag", exact=True).click()
    page.wait_for_load_state()
    assert "Lea Ver er deaktiveret" in page.content()
    assert "3 overdragelser giver kolleger ny adgang" in page.content()
    screenshot("handed-over-awaiting-approval")

    second = browser.new_context(base_url=live_server.url, locale="da-DK")
    other = second.new_page()
    log_in(other, admin2)
    other.goto(reverse("staffing:approvals"))
    other.get_by_role("button", name="Godkend alle 3 anmodninger").click()
    other.wait_for_load_state()
    assert "3 anmodninger blev godkendt" in other.content()
    second.close()

    page.goto(reverse("staffing:orphans"))
    assert "Alle åbne familier har en aktiv koordinator" in page.content()
    screenshot("no-family-without-coordinator")

    for family in families:
        coordinator = NetworkMember.objects.get(family=family, is_coordinator=True)
        assert coordinator.user == successor
    assert not NetworkMember.objects.filter(user=leaver).exists()
