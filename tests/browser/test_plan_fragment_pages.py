"""An inline plan editor opened as a page of its own (a link opened in a new tab, or a
bookmark) still saves: its form posts as a plain form, since the hx-target it names on the
plan page is not there (issue 16 §2)."""

import re

import pytest
from django.urls import reverse

from networkgroup import selectors, services
from networkgroup.models import Action, PlanArea
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_adding_an_action_on_its_own_page_saves_it(page, caseworker, family):
    plan = selectors.plan_for_family(family=family)
    goal = services.goal_create(
        actor=caseworker, plan=plan, area=PlanArea.ECONOMY, text="Et budget, familien kan holde"
    )
    log_in(page, caseworker)
    page.goto(reverse("networkgroup:action_create", args=[family.pk, goal.pk]))
    page.fill("main [name=what]", "Kontakt Netto")
    page.locator("main form button[type=submit]").click()
    plan_url = reverse("networkgroup:plan", args=[family.pk])
    page.wait_for_url(re.compile(re.escape(plan_url)))
    assert Action.objects.filter(goal=goal, what="Kontakt Netto").count() == 1
    assert "Kontakt Netto" in page.locator("main").inner_text()
