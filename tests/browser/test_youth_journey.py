"""A retention counsellor's journey in headless Chromium: records an enrolment and a
contact for the young person they follow, finds the 3-month follow-up on "Mit arbejde"
(the effort ended 3 months ago) and records it, after which it is gone.

Driven by URLs and form field names, not texts, so that it holds in Danish and English.
"""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import log_in
from youth import services
from youth.models import Enrolment, FollowUp, RetentionContact

pytestmark = pytest.mark.browser


@pytest.fixture
def followed(family, caseworker, retention_counsellor):
    """Sara, whose education effort ended 3 months ago today; followed by the retention counsellor."""
    sara = family.people.get(first_name="Sara")
    ended = timezone.localdate() - relativedelta(months=3)
    services.track_create(
        actor=caseworker,
        person=sara,
        education_effort=True,
        leisure_job_effort=False,
        start=ended - datetime.timedelta(days=180),
        planned_end=ended,
        actual_end=ended,
        retention_counsellor=retention_counsellor,
        guidance_counsellor=None,
    )
    return sara


def test_retention_counsellor_records_enrolment_and_contact_and_finds_the_follow_up(
    page, screenshot, retention_counsellor, followed
):
    sara = followed
    person_url = reverse("youth:person", args=[sara.pk])
    follow_up_url = reverse("youth:follow_up", args=[sara.pk])
    today = timezone.localdate()

    log_in(page, retention_counsellor)
    screenshot("mit-arbejde")
    # The follow-up is on "Mit arbejde", due today.
    item = page.locator(f"main a[href='{follow_up_url}']")
    assert item.count() == 1, page.content()
    assert sara.full_name in page.locator("main").inner_text()

    # Open the young person from the family page, as one would.
    page.goto(reverse("families:detail", args=[sara.family_id]))
    page.locator(f"main a[href='{person_url}']").first.click()
    page.wait_for_url(re.compile(re.escape(person_url) + "$"))
    screenshot("young-person")

    # Record an enrolment that started a month ago.
    page.locator(
        f"main a[href='{reverse('youth:record_create', args=[sara.pk, 'enrolment'])}']"
    ).click()
    page.fill("input[name=institution]", "TEC – Technical Education Copenhagen")
    page.fill("input[name=programme]", "Elektriker")
    page.fill("input[name=start]", (today - relativedelta(months=1)).isoformat())
    screenshot("enrolment-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(person_url) + "$"))
    assert "Elektriker" in page.locator("main").inner_text()

    # Record a contact with a high drop-out risk.
    page.locator(
        f"main a[href='{reverse('youth:record_create', args=[sara.pk, 'contact'])}']"
    ).click()
    page.fill("input[name=date]", today.isoformat())
    page.fill("input[name=school]", "TEC Frederiksberg")
    page.select_option("select[name=risk]", "high")
    page.fill("textarea[name=note]", "Aftalt ugentlig opfølgning.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(person_url) + "$"))
    assert "TEC Frederiksberg" in page.locator("main").inner_text()
    screenshot("recorded")

    # Back on "Mit arbejde": open the follow-up, which now knows about the enrolment.
    page.goto(reverse("home"))
    page.locator(f"main a[href='{follow_up_url}']").click()
    page.wait_for_url(re.compile(re.escape(follow_up_url) + "$"))
    assert page.locator("main input[name=answer][value=in_education]").is_checked()
    screenshot("follow-up")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(person_url) + "$"))

    page.goto(reverse("home"))
    assert page.locator(f"main a[href='{follow_up_url}']").count() == 0
    screenshot("mit-arbejde-done")

    assert Enrolment.objects.get(person=sara).programme == "Elektriker"
    assert RetentionContact.objects.get(track__person=sara).risk == "high"
    follow_up = FollowUp.objects.get(track__person=sara)
    assert follow_up.answer == "in_education" and follow_up.derived_in_education
    assert follow_up.recorded_by == retention_counsellor


def test_caseworker_records_the_help_given_for_the_exam_with_a_decimal_comma(
    page, screenshot, caseworker, followed
):
    sara = followed
    person_url = reverse("youth:person", args=[sara.pk])
    log_in(page, caseworker)
    page.goto(person_url)
    page.locator(f"main a[href='{reverse('youth:record_create', args=[sara.pk, 'exam'])}']").click()
    page.fill("input[name=subject]", "Dansk")
    page.fill("input[name=provider]", "Lektiecafé Nørrebro")
    page.fill("input[name=hours_per_week]", "3,5")
    page.select_option("select[name=danish_written_before]", "2")
    screenshot("exam-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(person_url) + "$"))
    help_row = page.locator("main tr.exam-help")
    assert (
        help_row.inner_text().split("\t")[-1].strip() == "Dansk · Lektiecafé Nørrebro · 3,5 t/uge"
    )
    help_row.scroll_into_view_if_needed()
    screenshot("exam-help-shown")


def test_the_young_persons_page_fits_a_phone(page, caseworker, followed):
    """At 390 px the section headings and their long "Registrer eksamensforberedelse"-style
    links wrap instead of widening the page (issue 16 §5)."""
    log_in(page, caseworker)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("youth:person", args=[followed.pk]))
    exam_link = page.locator(
        f"main a[href='{reverse('youth:record_create', args=[followed.pk, 'exam'])}']"
    )
    assert exam_link.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
