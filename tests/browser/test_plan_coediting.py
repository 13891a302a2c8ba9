"""Two network-group members edit the same plan action at once, in two separate
browser contexts (two sessions). The second save is refused by the database write;
the second member sees both versions side by side, merges and saves. No page reloads."""

import datetime
import uuid

import pytest
from django.urls import reverse

from bi18.accounts.roles import Role
from networkgroup import selectors, services
from networkgroup.models import Action, PlanArea, PlanChange
from tests.browser.conftest import SCREENSHOT_ROOT, log_in
from tests.factories import add_member

pytestmark = pytest.mark.browser


@pytest.fixture
def shared_plan(settings, family, caseworker, employment_consultant):
    # Presence lives in the cache: a key space of this test's own.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }
    add_member(family, employment_consultant, role=Role.EMPLOYMENT_CONSULTANT)
    plan = selectors.plan_for_family(family=family)
    goal = services.goal_create(
        actor=caseworker,
        plan=plan,
        person=family.people.get(first_name="Amina"),
        area=PlanArea.EMPLOYMENT,
        text="I virksomhedspraktik inden for seks måneder",
    )
    action = services.action_create(
        actor=caseworker,
        goal=goal,
        what="Find en praktikplads",
        responsible=employment_consultant,
        deadline=datetime.date(2030, 5, 20),
    )
    return family, action


def _context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="da-DK", viewport={"width": 1366, "height": 768}
    )
    context.set_default_timeout(10_000)
    return context


def test_two_members_edit_the_same_action_and_the_second_merges(
    browser, live_server, shared_plan, caseworker, employment_consultant
):
    family, action = shared_plan
    shots = SCREENSHOT_ROOT / "test_plan_coediting"
    shots.mkdir(parents=True, exist_ok=True)
    plan_url = reverse("networkgroup:plan", args=[family.pk])
    row = f"#action-{action.pk}"
    first_ctx, second_ctx = _context(browser, live_server), _context(browser, live_server)
    try:
        first, second = first_ctx.new_page(), second_ctx.new_page()
        log_in(first, caseworker)
        log_in(second, employment_consultant)
        for page in (first, second):
            page.goto(plan_url)
            page.evaluate("window.__samePage = true")  # gone if the page reloads

        # Presence: the second member sees that the first has the plan open.
        expect_presence = second.locator(f"#presence [data-presence-user='{caseworker.pk}']")
        assert expect_presence.count() == 1

        # Both open the action's editor; the second one with the keyboard only.
        first.locator(f"{row} a[href$='/rediger/']").click()
        second.locator(f"{row} a[href$='/rediger/']").focus()
        second.keyboard.press("Enter")
        for page in (first, second):
            page.locator(f"{row} textarea[name=what]").wait_for()
        # Focus moved into the editor after the swap.
        second.wait_for_function("document.activeElement.name === 'what'")

        # The first saves.
        first.locator(f"{row} textarea[name=what]").fill("Find en praktikplads i et bageri")
        first.locator(f"{row} button[type=submit]").click()
        first.locator(f"{row} [data-action-what]").wait_for()
        assert first.locator(f"{row} [data-action-what]").inner_text() == (
            "Find en praktikplads i et bageri"
        )
        # Focus returns to the action's Edit link (htmx focuses [autofocus] on settle).
        first.wait_for_function(
            "suffix => (document.activeElement.getAttribute('href') || '').endsWith(suffix)",
            arg=f"/handlinger/{action.pk}/rediger/",
        )
        first.screenshot(path=str(shots / "01-first-saved.png"), full_page=True)

        # The second saves over the stale version: refused, both versions shown.
        second.locator(f"{row} textarea[name=what]").fill("Find en praktikplads i et supermarked")
        second.locator(f"{row} button[type=submit]").click()
        conflict = second.locator(f"[data-conflict='action-{action.pk}']")
        conflict.wait_for()
        second.screenshot(path=str(shots / "02-second-conflict.png"), full_page=True)
        assert conflict.locator("[data-theirs-what]").inner_text() == (
            "Find en praktikplads i et bageri"
        )
        mine = conflict.locator("textarea[name=what]")
        assert mine.input_value() == "Find en praktikplads i et supermarked"  # nothing lost
        second.wait_for_function("document.activeElement.getAttribute('role') === 'alert'")
        action.refresh_from_db()
        assert action.what == "Find en praktikplads i et bageri"  # the first save stands

        # The second merges and saves.
        mine.fill("Find en praktikplads i et bageri eller et supermarked")
        conflict.locator("button[type=submit]").click()
        second.locator(f"{row} [data-action-what]").wait_for()
        second.screenshot(path=str(shots / "03-second-merged.png"), full_page=True)
        assert second.locator(f"{row} [data-action-what]").inner_text() == (
            "Find en praktikplads i et bageri eller et supermarked"
        )
        assert second.locator("[data-conflict]").count() == 0

        # No full page reloads on either side.
        for page in (first, second):
            assert page.evaluate("window.__samePage === true")
    finally:
        first_ctx.close()
        second_ctx.close()

    action.refresh_from_db()
    assert action.what == "Find en praktikplads i et bageri eller et supermarked"
    assert action.version == 3
    assert action.updated_by == employment_consultant
    afters = list(
        PlanChange.objects.filter(action=action, field="what")
        .order_by("at", "id")
        .values_list("actor__username", "after")
    )
    assert afters[-2:] == [
        ("caseworker", "Find en praktikplads i et bageri"),
        ("employment_consultant", "Find en praktikplads i et bageri eller et supermarked"),
    ]
    assert Action.objects.count() == 1
