"""Mit arbejde in headless Chromium (issue 16 §1): a caseworker with many families finds a
family's items under its collapsed group, snoozes one with a reason, finds it under "Udsat"
and puts it back."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bi18.audit.models import AuditEvent
from families.worklist.models import Snooze
from networkgroup import selectors
from networkgroup import services as plan
from tests.browser.conftest import log_in
from tests.factories import FamilyFactory, PersonFactory, add_member

pytestmark = pytest.mark.browser


def _family(caseworker, name, *actions):
    family = FamilyFactory()
    person = PersonFactory(family=family, first_name=name, last_name="Nasser")
    add_member(family, caseworker, coordinator=True)
    goal = plan.goal_create(
        actor=caseworker,
        plan=selectors.plan_for_family(family=family),
        area="employment",
        text="Arbejde",
        person=person,
    )
    today = timezone.localdate()
    for what, days in actions:
        plan.action_create(
            actor=caseworker,
            goal=goal,
            what=what,
            responsible=caseworker,
            deadline=today + datetime.timedelta(days=days),
        )
    return family


def test_caseworker_opens_a_family_group_snoozes_an_item_and_puts_it_back(
    page, screenshot, caseworker
):
    families = [
        _family(caseworker, f"Navn{i}", (f"Opgave {i}a", -5 - i), (f"Opgave {i}b", -2))
        for i in range(7)
    ]
    karim = _family(caseworker, "Karim", ("Kontakt Netto", -30), ("Ring til skolen", 3))
    log_in(page, caseworker)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(reverse("home"))
    screenshot("grouped")

    # 16 overdue items in 8 families: the groups start collapsed, with their counts.
    assert page.locator("nav a[href='#overdue']").count() == 1
    group = page.locator(f"#overdue details[data-family='{karim.case_number}']")
    assert group.locator("summary").inner_text().count("1 opgave") == 1
    # A collapsed family is its header only; opening it loads its items.
    task = group.get_by_role("link", name="Kontakt Netto", exact=True)
    assert task.count() == 0
    group.locator("summary").click()
    task.wait_for(state="visible")
    assert group.locator("li[data-kind]").count() == 1
    screenshot("family-opened")

    # Snooze it: bad input first (no reason), then a reason.
    group.get_by_role("link", name="Udsæt: Kontakt Netto").click()
    page.wait_for_url(f"**{reverse('worklist:snooze')}?item=*")
    page.get_by_role("button", name="Udsæt").click()
    assert "Skriv, hvorfor opgaven ikke kan løses endnu." in page.locator("main").inner_text()
    screenshot("snooze-error")
    page.get_by_label("Hvorfor kan den ikke løses endnu?").fill("Netto svarer først efter jul")
    page.get_by_role("button", name="Udsæt").click()
    page.wait_for_url(f"**{reverse('home')}")
    assert "er udsat til" in page.locator("main .alert").inner_text()
    assert page.locator("#overdue").get_by_text("Kontakt Netto").count() == 0
    assert Snooze.objects.get().reason == "Netto svarer først efter jul"
    assert AuditEvent.objects.filter(event="worklist.item.snoozed").count() == 1

    # "Udsat" is collapsed at the bottom; opened it shows the reason, and puts it back.
    snoozed = page.locator("#snoozed details.worklist-snoozed")
    assert snoozed.get_by_text("Netto svarer først efter jul").count() == 0
    snoozed.locator("summary").first.click()
    snoozed.get_by_text("Netto svarer først efter jul").wait_for(state="visible")
    screenshot("snoozed-opened")
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("snoozed-390")
    snoozed.get_by_role("button", name="Tilbage på listen: Kontakt Netto").click()
    page.wait_for_url(f"**{reverse('home')}")
    assert not Snooze.objects.exists()
    assert page.locator("#snoozed").count() == 0

    # Filter to one family: the filter is remembered on the next visit.
    page.get_by_label("Familie").select_option(str(families[0].pk))
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_url(f"**{reverse('home')}")
    page.goto(reverse("home"))
    assert page.get_by_text("Opgave 0a").is_visible()
    assert page.locator("main").get_by_text("Kontakt Netto").count() == 0
    page.get_by_role("button", name="Vis alt").click()
    page.wait_for_url(f"**{reverse('home')}")
    assert page.locator(f"#overdue details[data-family='{karim.case_number}']").count() == 1


def test_a_phone_shows_mit_arbejde_short_and_a_family_opens_with_its_items(
    browser, live_server, transactional_db
):
    """The demo caseworker's front page at 390 px was ≈ 3,600 px tall (issue 16 §1): every
    family's header, two lines each. Now a section shows its first families, one line each,
    the rest on request; without sideways scrolling. Screenshots at 1366 and 390 px."""
    from bi18.accounts.models import User
    from families import demo
    from tests.browser.conftest import SCREENSHOT_ROOT

    demo.seed_demo()
    user = User.objects.get(username="sagsbehandler")
    directory = SCREENSHOT_ROOT / "worklist-demo"
    directory.mkdir(parents=True, exist_ok=True)
    heights = {}
    for width in (1366, 390):
        context = browser.new_context(
            base_url=live_server.url, locale="da-DK", viewport={"width": width, "height": 844}
        )
        try:
            page = context.new_page()
            log_in(page, user, demo.DEMO_PASSWORD)
            page.goto(reverse("home"))
            heights[width] = page.evaluate("document.body.scrollHeight")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(directory / f"home-{width}.png"), full_page=True)
            # Open the first overdue family: its items arrive and are the task links.
            group = page.locator("#overdue details.worklist-family").first
            assert group.locator("li[data-kind]").count() == 0
            group.locator("summary").click()
            group.locator("li[data-kind] a.fw-semibold").first.wait_for(state="visible")
            badge = group.locator("summary .badge").inner_text()
            assert group.locator("li[data-kind]").count() == int(badge.split()[0])
            # The rest of the section on request.
            more = page.locator("#overdue .worklist-more a")
            if more.count():
                before = page.locator("#overdue details.worklist-family").count()
                more.click()
                page.locator("#overdue .worklist-more").wait_for(state="detached")
                assert page.locator("#overdue details.worklist-family").count() > before
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(directory / f"opened-{width}.png"), full_page=True)
        finally:
            context.close()
    assert heights[390] < 1600, heights
