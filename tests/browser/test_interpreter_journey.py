"""A caseworker books an interpreter for a meeting, records the invoiced cost, and the budget
officer finds it on BIU 18.21 under the interpreters' share (headless Chromium)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budget.models import Category, Expenditure
from networkgroup import services
from networkgroup.models import InterpreterBooking
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_caseworker_books_an_interpreter_and_its_cost_lands_on_18_21(
    page, screenshot, family, caseworker, budget_officer
):
    starts = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate() + datetime.timedelta(days=7), datetime.time(10)
        )
    )
    meeting = services.meeting_create(
        actor=caseworker,
        family=family,
        data=services.MeetingData(
            starts_at=starts, place="Rådhuset", attending_members=[caseworker], attending_people=[]
        ),
    )
    meeting_url = reverse("networkgroup:meeting", args=[family.pk, meeting.pk])
    log_in(page, caseworker)
    page.goto(meeting_url)
    page.get_by_role("link", name="Bestil tolk").click()
    page.wait_for_url("**/tolk/ny/")
    form = page.locator("main form[method=post]")
    form.locator("input[name=language]").fill("Arabisk")
    form.locator("input[name=supplier]").fill("Tolkeservice København")
    form.locator("input[name=cost]").fill("tusind")  # not a number first
    screenshot("booking-form")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_cost.is-invalid").count() == 1
    assert not InterpreterBooking.objects.exists()
    # What was typed is kept; leave the cost for the invoice and request the interpreter.
    assert page.locator("input[name=supplier]").input_value() == "Tolkeservice København"
    page.locator("input[name=cost]").fill("")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**{meeting_url}")
    bookings = page.locator("#interpreter-bookings")
    assert "Arabisk" in bookings.inner_text() and "Bestilt" in bookings.inner_text()
    screenshot("meeting-with-booking")

    # The invoice arrives: confirm and record the cost.
    bookings.get_by_role("link", name="Rediger").click()
    page.locator("select[name=status]").select_option("confirmed")
    page.locator("input[name=cost]").fill("1450,75")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**{meeting_url}")
    assert "1.450,75" in page.locator("#interpreter-bookings").inner_text()
    [expenditure] = Expenditure.objects.filter(category=Category.INTERPRETER)
    assert expenditure.amount == Decimal("1450.75") and expenditure.line.code == "18.21"

    page.context.clear_cookies()
    log_in(page, budget_officer)
    page.goto(reverse("budget:expenditures"))
    assert "Tolk (Arabisk), Tolkeservice København" in page.content()
    page.goto(reverse("budget:overview"))
    shares = page.locator("#shares")
    assert "Tolk" in shares.inner_text() and "200.000" in shares.inner_text()
    screenshot("budget-split-of-18-21")
