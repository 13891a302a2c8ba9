"""A company consultant clears an overdue internship deadline from "Mit arbejde" (headless Chromium)."""

import datetime

import pytest
from django.urls import reverse

from bi18.accounts.roles import Role
from employment.models import EmploymentTrack, Internship
from tests.browser.conftest import log_in
from tests.factories import add_member

pytestmark = pytest.mark.browser

KIND = "employment.internship_deadline"


def test_company_consultant_registers_an_internship_and_the_overdue_deadline_disappears(
    page, screenshot, family, company_consultant
):
    today = datetime.date.today()
    add_member(family, company_consultant, Role.COMPANY_CONSULTANT)
    amina = family.people.get(first_name="Amina")
    # Started 50 days ago: week 6 (start + 42 days) was 8 days ago and no internship exists.
    EmploymentTrack.objects.create(
        person=amina,
        kind="intensive",
        start=today - datetime.timedelta(days=50),
        company_consultant=company_consultant,
    )

    log_in(page, company_consultant)
    page.goto(reverse("home"))
    overdue = page.locator(f"#overdue li[data-kind='{KIND}']")
    assert overdue.count() == 1
    # The family's group names the family and whom its items are about.
    group = page.locator(f"#overdue details[data-family='{family.case_number}']")
    assert family.case_number in group.locator("summary").inner_text()
    assert "Amina Hassan" in group.locator("summary").inner_text()
    screenshot("my-work-with-overdue-deadline")

    # The item links to where it is resolved: the internship form for Amina.
    overdue.locator("a").first.click()
    page.wait_for_url(f"**{reverse('employment:internship_create', args=[amina.pk])}")
    form = page.locator("main form[method=post]").first
    form.locator("input[name=new_company_name]").fill("Kløver Køkken ApS")
    form.locator("input[name=new_company_cvr]").fill("1234")  # wrong length first
    form.locator("input[name=start]").fill(today.isoformat())
    form.locator("input[name=planned_end]").fill((today + datetime.timedelta(weeks=13)).isoformat())
    form.locator("input[name=hours]").fill("12")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_new_company_cvr.is-invalid").count() == 1
    assert not Internship.objects.exists()
    screenshot("cvr-error")

    # What was typed is kept; correct the CVR number and save.
    assert page.locator("input[name=new_company_name]").input_value() == "Kløver Køkken ApS"
    page.locator("input[name=new_company_cvr]").fill("64942212")
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_url(f"**{reverse('employment:parent', args=[amina.pk])}")
    assert "Kløver Køkken ApS" in page.locator("#h-internships").locator("..").inner_text()
    screenshot("parent-with-internship")
    assert Internship.objects.get().company.cvr == "64942212"

    page.goto(reverse("home"))
    assert page.locator(f"[data-kind='{KIND}']").count() == 0
    screenshot("my-work-cleared")
