"""Meeting decisions in headless Chromium (issue 16 §3): a decision about another person that
creates its own goal, one that stands alone, and approving the minutes after a confirmation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bi18.accounts.roles import Role
from networkgroup import selectors, services
from networkgroup.models import Decision, Goal, Meeting, PlanArea
from tests.browser.conftest import log_in
from tests.factories import add_member

pytestmark = pytest.mark.browser


def test_coordinator_records_a_new_goal_and_a_stand_alone_decision_then_approves(
    page, screenshot, family, caseworker, employment_consultant
):
    add_member(family, employment_consultant, role=Role.EMPLOYMENT_CONSULTANT)
    amina = family.people.get(first_name="Amina")
    omar = family.people.get(first_name="Omar")
    plan = selectors.plan_for_family(family=family)
    services.goal_create(
        actor=caseworker, plan=plan, person=amina, area=PlanArea.EMPLOYMENT, text="Praktik"
    )
    meeting = services.meeting_create(
        actor=caseworker,
        family=family,
        data=services.MeetingData(
            starts_at=timezone.now() - datetime.timedelta(hours=2),
            place="Nørrebro Borgerservice",
            attending_members=[caseworker, employment_consultant],
            attending_people=[amina, omar],
        ),
    )
    log_in(page, caseworker)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(reverse("networkgroup:meeting", args=[family.pk, meeting.pk]))

    # A decision about Omar becomes his own new goal, with the consultant responsible.
    form = page.locator("#decisions form")
    form.locator("textarea[name=text]").fill("Omar starter på sprogskole")
    form.get_by_label("Et nyt mål").check()
    form.locator("select[name=person]").select_option(str(omar.pk))
    form.locator("select[name=area]").select_option(PlanArea.LANGUAGE)
    form.locator("select[name=responsible]").select_option(str(employment_consultant.pk))
    with page.expect_response(lambda r: "/beslutninger/" in r.url):
        form.locator("button[type=submit]").click()
    goal = Goal.objects.get(text="Omar starter på sprogskole")
    assert goal.person == omar
    page.locator(f"#plan-goals #goal-{goal.pk}").wait_for()
    screenshot("new-goal-from-decision")

    # A decision on its own, about nobody in particular: no action, no goal.
    form = page.locator("#decisions form")
    form.locator("textarea[name=text]").fill("Næste møde holdes hjemme hos familien")
    form.get_by_label("Ikke i planen: beslutningen alene").check()
    with page.expect_response(lambda r: "/beslutninger/" in r.url):
        form.locator("button[type=submit]").click()
    page.locator("#decision-list", has_text="Næste møde holdes hjemme").wait_for()
    standing = Decision.objects.get(text="Næste møde holdes hjemme hos familien")
    assert standing.action is None and standing.person is None
    assert "beslutning uden handling" in page.locator("#decision-list").inner_text()

    # Approving asks first, saying it cannot be undone.
    confirm = page.get_by_role("button", name="Ja, godkend og lås referatet")
    assert not confirm.is_visible()
    page.get_by_text("Godkend referatet…").click()
    assert "kan ikke fortrydes" in page.locator(".approve-minutes").inner_text()
    screenshot("approve-confirmation")
    confirm.click()
    page.wait_for_load_state()
    page.get_by_text("Referatet er godkendt", exact=False).first.wait_for()
    assert Meeting.objects.get(pk=meeting.pk).is_locked
    screenshot("approved")
