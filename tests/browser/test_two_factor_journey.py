"""A local administrator sets up two-factor at the first log-in in Chromium (reads the key off
the page, as an authenticator app would), then must give a code at the next log-in."""

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _totp(secret: str, *, offset: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    totp.time += offset
    return f"{totp.token():06d}"


def _password_step(page, user):
    page.goto(reverse("accounts:login"))
    page.locator("main input[name=username]").fill(user.username)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_local_admin_sets_up_and_then_gives_a_totp_code(page, administrator, screenshot):
    _password_step(page, administrator)
    assert reverse("accounts:second_factor_enrol") in page.url
    screenshot("enrol")
    assert page.locator("main svg").count() == 1  # the QR code
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.locator("main input[name=otp_token]").fill(_totp(secret))
    page.get_by_role("button", name="Slå totrinsbekræftelse til").click()
    page.wait_for_load_state()
    screenshot("recovery-codes")
    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", c) for c in codes)
    page.get_by_role("link", name="Jeg har gemt koderne – fortsæt").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Administration").count() >= 1

    page.locator("nav .dropdown-toggle").last.click()
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_load_state()

    # Next log-in: the password alone opens nothing.
    _password_step(page, administrator)
    assert reverse("accounts:second_factor_verify") in page.url
    page.goto(reverse("accounts:user_list"))
    assert reverse("accounts:second_factor_verify") in page.url
    page.locator("main input[name=otp_token]").fill("000000")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    screenshot("wrong-code")
    assert page.get_by_text("Koden er forkert eller udløbet").is_visible()
    # The code of the next 30-s step (the one just used for set-up cannot be used again).
    page.wait_for_timeout(1100)  # django-otp holds the device back 1 s after a wrong code
    page.locator("main input[name=otp_token]").fill(_totp(secret, offset=30))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    screenshot("verified")
    assert reverse("accounts:user_list") in page.url
    assert page.get_by_role("heading", name="Brugere").count() >= 1
