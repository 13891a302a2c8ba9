"""The plan's print view on a 390 px phone (issue 16 §4/§5): no sideways scrolling.

The accessibility crawl sees one family's print view; longer plans (a name and a role in the
family table, four columns of actions) were 394–402 px wide, so every family's is checked here.
"""

import pytest
from django.urls import reverse

from bi18.accounts.models import User
from families import demo
from families.models import Family
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import WIDTH_JS

pytestmark = pytest.mark.browser


def test_every_print_view_fits_a_phone(browser, live_server, transactional_db):
    demo.seed_demo(families=12, seed=3)
    user = User.objects.get(username="sagsbehandler")
    context = browser.new_context(
        base_url=live_server.url, locale="da-DK", viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        log_in(page, user, demo.DEMO_PASSWORD)
        families = list(Family.objects.visible_to(user))
        assert families
        too_wide = []
        for family in families:
            page.goto(reverse("networkgroup:plan_print", args=[family.pk]))
            assert page.locator("h1").inner_text().endswith(family.case_number)
            width, window, culprits = page.evaluate(WIDTH_JS)
            if width > window:
                too_wide.append((family.case_number, width, culprits))
        assert not too_wide
    finally:
        context.close()
