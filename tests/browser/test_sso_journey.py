"""Single sign-on in Chromium against a real OpenID provider (node-oidc-provider on loopback):
two users with different group claims sign in through the provider's own log-in form, land on
their role's page, sign out (at the provider too), and an unmapped group gets a clear page."""

import pytest
from django.urls import reverse

from bi18.accounts.models import OidcIdentity
from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from tests.factories import UserFactory, add_member
from tests.oidc import PASSWORD, running_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(live_server, settings, tmp_path):
    with running_provider(
        tmp_path,
        redirect_uris=[live_server.url + reverse("accounts:oidc_callback")],
        post_logout_uris=[live_server.url + reverse("accounts:login")],
    ) as running:
        running.configure(settings)
        yield running


def _sign_in(page, login: str):
    page.goto(reverse("accounts:login"))
    page.get_by_role("link", name="Log ind med Københavns Kommune").click()
    page.wait_for_url("**/interaction/**")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()


def _sign_out(page, provider):
    page.locator("nav .dropdown-toggle").last.click()
    page.get_by_role("button", name="Log ud").click()
    # The provider asks to confirm ending its own session, then sends us back.
    page.wait_for_url(f"{provider.issuer}/**")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url("**" + reverse("accounts:login") + "**")


def test_two_users_sign_in_by_sso_land_on_their_pages_and_sign_out(
    page, provider, family, screenshot
):
    # Anna was registered before her first sign-in (subject from the provider) and put in
    # the family's network group.
    anna = UserFactory(username="anna.hansen", role=Role.FAMILY_CASEWORKER)
    OidcIdentity.objects.create(user=anna, issuer=provider.issuer, subject="anna")
    add_member(family, anna)

    _sign_in(page, "anna")
    screenshot("caseworker-home")
    assert page.url.rstrip("/").endswith(reverse("home").rstrip("/")) or page.url.endswith("/")
    assert page.get_by_role("heading", name="Mit arbejde").count() >= 1
    page.get_by_role("link", name="Familier").first.click()
    page.wait_for_load_state()
    screenshot("caseworker-families")
    assert page.get_by_text(family.case_number).count() >= 1
    _sign_out(page, provider)
    screenshot("signed-out")
    assert page.locator("form[action='/konto/logout/']").count() == 0

    _sign_in(page, "lars")
    screenshot("manager-dashboard")
    assert reverse("targets_home") in page.url
    _sign_out(page, provider)

    _sign_in(page, "ekstern")
    screenshot("no-access")
    assert page.get_by_role("heading", name="Du har ikke adgang til BI18").is_visible()
    assert page.locator("form[action='/konto/logout/']").count() == 0

    logins = AuditEvent.objects.filter(event="accounts.user.logged_in", detail__method="sso")
    assert sorted(e.actor_username for e in logins) == ["anna.hansen", "lars"]
    refused = AuditEvent.objects.get(event="accounts.user.login_failed")
    assert refused.actor_username == "ekstern"
