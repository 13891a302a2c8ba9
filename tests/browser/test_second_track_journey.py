"""After an outcome, an employment consultant starts a parent's second employment track; the
first is kept and shown as history (headless Chromium)."""

import datetime

import pytest
from django.urls import reverse

from bi18.accounts.roles import Role
from employment.models import EmploymentTrack, Outcome
from tests.browser.conftest import log_in
from tests.employment_factories import TrackFactory
from tests.factories import add_member

pytestmark = pytest.mark.browser


def test_consultant_starts_a_second_track_after_an_outcome(
    page, screenshot, family, employment_consultant
):
    add_member(family, employment_consultant, Role.EMPLOYMENT_CONSULTANT)
    amina = family.people.get(first_name="Amina")
    today = datetime.date.today()
    ended_on = today - datetime.timedelta(days=30)
    TrackFactory(
        person=amina,
        start=today - datetime.timedelta(days=300),
        outcome=Outcome.LEFT,
        outcome_date=ended_on,
        outcome_reason="Sygdom",
        employment_consultant=employment_consultant,
    )
    parent_url = reverse("employment:parent", args=[amina.pk])
    log_in(page, employment_consultant)
    page.goto(parent_url)
    page.get_by_role("link", name="Start nyt forløb").click()
    page.wait_for_url(f"**{reverse('employment:track_new', args=[amina.pk])}")
    form = page.locator("main form[method=post]")
    form.locator("select[name=kind]").select_option("intensive")
    # First a start before the previous track ended: refused, with the date to respect.
    form.locator("input[name=start]").fill((ended_on - datetime.timedelta(days=5)).isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert ended_on.strftime("%d.%m.%Y") in page.locator("main").inner_text()
    assert EmploymentTrack.objects.filter(person=amina).count() == 1
    screenshot("start-before-previous-end")
    page.locator("input[name=start]").fill(today.isoformat())
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**{parent_url}")
    assert EmploymentTrack.objects.filter(person=amina).count() == 2
    earlier = page.locator("#earlier-tracks")
    assert "Forlod indsatsen" in earlier.inner_text() or "Sygdom" in earlier.inner_text()
    assert page.get_by_role("link", name="Start nyt forløb").count() == 0  # the new one is open
    screenshot("second-track-with-history")
