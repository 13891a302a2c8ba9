"""A caseworker's first journey in headless Chromium, in Danish.

The journey itself is driven by URLs, names and roles that do not depend on the language, so
that it stays robust; the Danish texts are collected along the way and asserted at the end,
listing every one that is missing.
"""

import re

import pytest
from django.urls import reverse

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

# The navbar's accessible blue (static/css, over Bootstrap's bg-primary: 4.5:1 with white).
NAVBAR_BLUE = "rgb(10, 88, 202)"


class DanishTexts:
    """Soft checks of Danish UI texts: record each mismatch, fail once at the end."""

    def __init__(self):
        self.missing: list[str] = []

    def expect(self, where: str, actual: str, expected: str, *, startswith: bool = False):
        actual = " ".join(actual.split())
        ok = actual.startswith(expected) if startswith else actual == expected
        if not ok:
            self.missing.append(f"{where}: expected {expected!r}, got {actual!r}")

    def assert_all_found(self):
        assert not self.missing, "Danish texts missing:\n" + "\n".join(self.missing)


def test_caseworker_logs_in_searches_opens_a_family_and_reads_it_in_danish(
    page, screenshot, caseworker, family
):
    danish = DanishTexts()
    families_url = reverse("families:list")
    detail_url = reverse("families:detail", args=[family.pk])

    page.goto(reverse("accounts:login"))
    screenshot("login-form")
    log_in(page, caseworker)
    screenshot("logged-in")
    assert page.locator("html").get_attribute("lang") == "da"

    # Bootstrap and our stylesheet are served to the live server (vendored, no CDN).
    navbar = page.locator("nav.navbar")
    assert navbar.evaluate("e => getComputedStyle(e).display") == "flex", "Bootstrap not applied"
    assert navbar.evaluate("e => getComputedStyle(e).backgroundColor") == NAVBAR_BLUE

    nav_link = page.locator(f"header nav a[href='{families_url}']")
    danish.expect("main navigation link", nav_link.inner_text(), "Familier")
    nav_link.click()
    page.wait_for_url(re.compile(re.escape(families_url) + r"(\?.*)?$"))
    screenshot("families")

    search = page.locator("main form[role=search]")
    search.locator("input[name=q]").fill("Amina Hassan")
    button = search.locator("button[type=submit]")
    danish.expect("search button", button.inner_text(), "Søg")
    button.click()
    page.wait_for_url(re.compile(re.escape(families_url) + r"\?.*s="))
    screenshot("search-result")
    # The searched name never appears in the URL (it is kept in the session).
    assert "Amina" not in page.url and "Hassan" not in page.url

    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    assert "Amina Hassan" in rows.first.inner_text()
    rows.first.get_by_role("link", name=family.case_number).click()
    page.wait_for_url(re.compile(re.escape(detail_url) + "$"))
    screenshot("family")

    assert page.locator("html").get_attribute("lang") == "da"
    heading = page.locator("main h1")
    assert family.case_number in heading.inner_text()
    danish.expect(
        "family heading", heading.inner_text(), f"Familie {family.case_number}", startswith=True
    )
    danish.expect(
        "parents section heading", page.locator("main #h-parents").inner_text(), "Forældre"
    )
    main_text = page.locator("main").inner_text()
    assert "Amina Hassan" in main_text and "Omar Hassan" in main_text
    assert "120385-4012" not in page.content(), "the CPR number must be masked"

    danish.assert_all_found()


def test_caseworker_outside_the_network_group_gets_404_for_the_family_url(
    page, screenshot, other_caseworker, family
):
    log_in(page, other_caseworker)

    response = page.goto(reverse("families:detail", args=[family.pk]))
    screenshot("not-found")

    assert response.status == 404
    content = page.content()
    assert family.case_number not in content
    assert "Hassan" not in content
