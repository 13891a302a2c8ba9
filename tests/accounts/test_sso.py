"""Single sign-on against a real OpenID provider (node-oidc-provider on loopback, tests/oidc.py).

The Django test client plays BI18's side of the browser; requests plays the provider's side
(its own log-in form). Nothing of the protocol is mocked.
"""

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from bi18.accounts.middleware import SESSION_AUTH_AT
from bi18.accounts.models import OidcIdentity, User
from bi18.accounts.roles import Role
from bi18.accounts.sso import client as sso_client
from bi18.accounts.sso import services as sso_services
from bi18.accounts.sso.logging import RedactAuthorizationResponse
from bi18.audit.models import AuditEvent
from families.models import NetworkMember
from tests.factories import UserFactory, add_member
from tests.oidc import CLIENT_SECRET, USERS, idp_user, provider_sign_in, running_provider

CALLBACK = "http://testserver/konto/oidc/callback/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    with running_provider(
        tmp_path_factory.mktemp("idp"),
        redirect_uris=[CALLBACK],
        post_logout_uris=["http://testserver/konto/login/"],
    ) as running:
        yield running


@pytest.fixture
def sso(db, settings, provider):
    provider.configure(settings)
    provider.set_users(USERS)
    return provider


def _start(client, next_url: str = "") -> str:
    response = client.get(reverse("accounts:oidc_login"), {"next": next_url} if next_url else {})
    assert response.status_code == 302
    return response["Location"]


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in(client, login: str, *, session=None, next_url: str = ""):
    """The whole round trip; returns (BI18's answer to the callback, the callback URL)."""
    callback = provider_sign_in(_start(client, next_url), login, session=session)
    return client.get(_path(callback)), callback


def _events(name: str):
    return AuditEvent.objects.filter(event=name).order_by("pk")


# --- The authorization request ----------------------------------------------------------------


def test_sign_in_starts_the_code_flow_with_pkce_state_and_nonce(client, sso):
    url = _start(client)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(sso.issuer + "/auth")
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["bi18-test"]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert set(query["scope"][0].split()) == {"openid", "profile", "email"}
    # The secret never travels through the browser.
    assert CLIENT_SECRET not in url


def test_login_page_offers_the_configurable_sso_button(client, sso, settings):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Log ind med Københavns Kommune" in page
    assert reverse("accounts:oidc_login") in page
    settings.OIDC_BUTTON_TEXT = "Log ind med KK-login"
    assert "Log ind med KK-login" in client.get(reverse("accounts:login")).content.decode()


def test_without_configuration_there_is_no_button_and_no_sso(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Københavns Kommune</a>" not in page
    assert client.get(reverse("accounts:oidc_login")).status_code == 404
    assert client.get(reverse("accounts:oidc_callback")).status_code == 404


# --- Users and roles from the claims ----------------------------------------------------------


def test_first_sign_in_creates_the_user_with_the_role_of_their_group(client, sso):
    response, _callback = sign_in(client, "anna")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(username="anna")
    assert (user.first_name, user.last_name, user.email) == ("Anna", "Test", "anna@idp.example")
    assert user.role_names == {Role.FAMILY_CASEWORKER}
    assert not user.has_usable_password()
    identity = OidcIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (sso.issuer, "anna")
    assert client.session["_auth_user_id"] == str(user.pk)
    # Lands on the caseworker's page.
    home = client.get(reverse("home")).content.decode()
    assert "Mit arbejde" in home and "Anna Test" in home
    assert _events("accounts.user.created").get().detail["method"] == "sso"
    roles = _events("accounts.user.roles_from_claims").get()
    assert roles.detail["roles_added"] == ["family_caseworker"]
    login = _events("accounts.user.logged_in").get()
    assert (login.actor_id, login.detail) == (user.pk, {"method": "sso"})


def test_the_next_page_survives_the_round_trip(client, sso):
    response, _ = sign_in(client, "anna", next_url="/familier/")
    assert response["Location"] == "/familier/"


def test_an_unsafe_next_page_is_ignored(client, sso):
    response, _ = sign_in(client, "anna", next_url="https://evil.example/")
    assert response["Location"] == reverse("home")


def test_a_manager_lands_on_the_dashboard(client, sso):
    response, _ = sign_in(client, "lars")
    assert User.objects.get(username="lars").role_names == {Role.MANAGER}
    assert client.get(response["Location"])["Location"] == reverse("targets_home")


def test_one_group_can_map_to_several_roles(client, sso):
    sso.set_users({**USERS, "ung": idp_user("ung", ["BI18-Ungeteam"])})
    sign_in(client, "ung")
    assert User.objects.get(username="ung").role_names == {
        Role.YOUTH_GUIDANCE_COUNSELLOR,
        Role.RETENTION_COUNSELLOR,
    }


def test_an_unmapped_group_gets_a_clear_page_and_no_account(client, sso):
    response, _ = sign_in(client, "ekstern")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Du har ikke adgang til BI18" in page
    assert f"{sso.issuer}/session/end" in page  # sign out at the provider to switch user
    assert not User.objects.filter(username="ekstern").exists()
    assert "_auth_user_id" not in client.session
    failed = _events("accounts.user.login_failed").get()
    assert (failed.actor_username, failed.detail) == (
        "ekstern",
        {"method": "sso", "reason": "no_role"},
    )


def test_a_mover_gets_the_new_roles_at_the_next_sign_in_and_keeps_memberships(client, sso, family):
    sign_in(client, "anna")
    anna = User.objects.get(username="anna")
    add_member(family, anna)
    client.post(reverse("accounts:logout"))
    sso.set_users(
        {**USERS, "anna": idp_user("anna", ["BI18-Leder"], given_name="Anna", family_name="Holm")}
    )

    sign_in(client, "anna", session=requests.Session())

    anna = User.objects.get(pk=anna.pk)
    assert anna.role_names == {Role.MANAGER}
    assert anna.last_name == "Holm"
    assert NetworkMember.objects.filter(user=anna, family=family).exists()  # until handed over
    change = _events("accounts.user.roles_from_claims").last()
    assert change.detail["roles_added"] == ["manager"]
    assert change.detail["roles_removed"] == ["family_caseworker"]
    assert _events("accounts.user.changed").get().detail["fields"] == ["last_name"]


def test_a_user_whose_groups_no_longer_map_loses_the_roles_and_gets_no_access(client, sso):
    sign_in(client, "anna")
    client.post(reverse("accounts:logout"))
    sso.set_users({**USERS, "anna": idp_user("anna", ["Alle-medarbejdere"], given_name="Anna")})
    response, _ = sign_in(client, "anna", session=requests.Session())
    assert response.status_code == 403
    assert "Du har ikke adgang til BI18" in response.content.decode()
    assert User.objects.get(username="anna").role_names == set()
    assert "_auth_user_id" not in client.session


def test_a_deactivated_user_is_refused(client, sso):
    sign_in(client, "anna")
    client.post(reverse("accounts:logout"))
    User.objects.filter(username="anna").update(is_active=False)
    response, _ = sign_in(client, "anna", session=requests.Session())
    assert response.status_code == 403
    assert "deaktiveret" in response.content.decode()
    assert "_auth_user_id" not in client.session


# --- The claim mapping as plain functions -------------------------------------------------------


def test_roles_from_claims_reads_a_list_or_a_single_value_and_ignores_unknown_groups(settings):
    settings.OIDC_ROLE_MAP = {"A": "manager", "B": ["admin", "budget_officer"], "C": "no_such_role"}
    assert sso_services.roles_from_claims({"groups": ["A", "X"]}) == {"manager"}
    assert sso_services.roles_from_claims({"groups": "B"}) == {"admin", "budget_officer"}
    assert sso_services.roles_from_claims({"groups": ["C"]}) == set()
    assert sso_services.roles_from_claims({}) == set()
    settings.OIDC_GROUPS_CLAIM = "roles"
    assert sso_services.roles_from_claims({"roles": ["A"], "groups": ["B"]}) == {"manager"}


def _claims(**extra):
    return {
        "sub": "s-1",
        "preferred_username": "mette",
        "given_name": "Mette",
        "groups": ["G"],
        **extra,
    }


def test_a_role_given_by_hand_outside_the_mapping_stays(db, settings):
    settings.OIDC_ROLE_MAP = {"G": "family_caseworker", "L": "manager"}
    user = sso_services.user_sign_in_from_claims(issuer="https://idp", claims=_claims()).user
    user.groups.add(Group.objects.get(name=Role.BUDGET_OFFICER))
    again = sso_services.user_sign_in_from_claims(
        issuer="https://idp", claims=_claims(groups=["L"])
    ).user
    assert User.objects.get(pk=again.pk).role_names == {Role.MANAGER, Role.BUDGET_OFFICER}


def test_the_subject_not_the_name_identifies_the_user(db, settings):
    settings.OIDC_ROLE_MAP = {"G": "manager"}
    first = sso_services.user_sign_in_from_claims(issuer="https://idp", claims=_claims()).user
    renamed = sso_services.user_sign_in_from_claims(
        issuer="https://idp", claims=_claims(preferred_username="mette.nielsen")
    ).user
    other_provider = sso_services.user_sign_in_from_claims(
        issuer="https://other-idp", claims=_claims()
    ).user
    assert renamed.pk == first.pk
    assert other_provider.pk != first.pk
    assert other_provider.username == "mette-2"  # the user name was taken


def test_an_existing_local_account_is_not_taken_over_by_default(db, settings):
    settings.OIDC_ROLE_MAP = {"G": "family_caseworker"}
    local = UserFactory(username="mette", role=Role.FAMILY_CASEWORKER)
    new = sso_services.user_sign_in_from_claims(issuer="https://idp", claims=_claims()).user
    assert new.pk != local.pk
    assert new.username == "mette-2"
    assert not OidcIdentity.objects.filter(user=local).exists()


def test_linking_takes_over_the_local_account_with_its_memberships(db, settings, family):
    settings.OIDC_ROLE_MAP = {"G": "family_caseworker"}
    settings.OIDC_LINK_EXISTING_USERS = True
    local = UserFactory(username="mette", role=Role.FAMILY_CASEWORKER)
    add_member(family, local)
    outcome = sso_services.user_sign_in_from_claims(issuer="https://idp", claims=_claims())
    assert outcome.user.pk == local.pk
    assert OidcIdentity.objects.get(user=local).subject == "s-1"
    assert _events("accounts.user.sso_linked").count() == 1


def test_claims_without_a_subject_are_refused(db, settings):
    settings.OIDC_ROLE_MAP = {"G": "manager"}
    outcome = sso_services.user_sign_in_from_claims(issuer="https://idp", claims=_claims(sub=""))
    assert (outcome.user, outcome.refusal) == (None, sso_services.NO_SUBJECT)


def test_an_unknown_role_in_the_mapping_fails_the_system_check(settings):
    settings.OIDC_ROLE_MAP = {"BI18-X": "superhero"}
    with pytest.raises(SystemCheckError, match="accounts.E002"):
        call_command("check")


# --- Attacks on the flow ----------------------------------------------------------------------


def test_a_forged_state_is_refused(client, sso):
    callback = provider_sign_in(_start(client), "anna")
    forged = callback.replace("state=", "state=forged")
    response = client.get(_path(forged))
    assert response.status_code == 400
    assert "Log-ind mislykkedes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="anna").exists()
    assert _events("accounts.user.login_failed").get().detail == {
        "method": "sso",
        "reason": "state",
    }


def test_a_callback_from_another_browser_is_refused(client, sso, django_user_model):
    # Log-in CSRF: an attacker's own code and state, planted in the victim's browser.
    from django.test import Client

    attacker = Client()
    callback = provider_sign_in(_start(attacker), "anna")
    response = client.get(_path(callback))
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_replayed_code_is_refused(client, sso):
    response, callback = sign_in(client, "anna")
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))

    # The same answer again: its state was used up.
    assert client.get(_path(callback)).status_code == 400
    assert "_auth_user_id" not in client.session

    # The old code under a fresh state: the provider refuses a code it has redeemed.
    fresh_state = parse_qs(urlsplit(_start(client)).query)["state"][0]
    old_code = parse_qs(urlsplit(callback).query)["code"][0]
    replay = client.get(reverse("accounts:oidc_callback"), {"code": old_code, "state": fresh_state})
    assert replay.status_code == 400
    assert "_auth_user_id" not in client.session
    reasons = [e.detail["reason"] for e in _events("accounts.user.login_failed")]
    assert reasons == ["state", "provider:invalid_grant"]


def test_an_expired_id_token_is_refused(client, sso, monkeypatch, settings):
    callback = provider_sign_in(_start(client), "anna")
    # The token is checked two hours after it was issued (ttl 10 minutes, skew 60 s).
    real_clock = sso_client.clock
    monkeypatch.setattr(sso_client, "clock", lambda: real_clock() + 7200)
    response = client.get(_path(callback))
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="anna").exists()
    assert _events("accounts.user.login_failed").get().detail["reason"] == (
        "id_token:ExpiredTokenError"
    )


def test_the_provider_cancelling_is_a_failed_sign_in(client, sso):
    state = parse_qs(urlsplit(_start(client)).query)["state"][0]
    response = client.get(
        reverse("accounts:oidc_callback"), {"error": "access_denied", "state": state}
    )
    assert response.status_code == 400
    assert _events("accounts.user.login_failed").get().detail["reason"] == "provider:access_denied"


def test_an_unreachable_provider_gives_a_clear_page_not_a_500(client, settings, db):
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = "x", "y"
    response = client.get(reverse("accounts:oidc_login"))
    assert response.status_code == 503
    assert "kan ikke nås" in response.content.decode()


# --- Log-out and sessions ----------------------------------------------------------------------


def test_log_out_ends_the_local_session_and_goes_on_to_the_provider(client, sso):
    session = requests.Session()
    sign_in(client, "anna", session=session)
    response = client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session
    location = response["Location"]
    assert location.startswith(f"{sso.issuer}/session/end?")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/konto/login/"]
    assert query["client_id"] == ["bi18-test"]
    assert query["id_token_hint"][0].count(".") == 2
    # The provider knows the hint and asks to confirm the log-out of its own session.
    confirm = session.get(location, timeout=10)
    assert confirm.status_code == 200 and "logout" in confirm.text.lower()
    assert _events("accounts.user.logged_out").count() == 1


def test_a_local_log_out_stays_local(client, caseworker):
    client.force_login(caseworker)
    assert client.post(reverse("accounts:logout"))["Location"] == reverse("accounts:login")


def test_the_absolute_session_limit_holds_for_single_sign_on(client, sso):
    sign_in(client, "anna")
    session = client.session
    session[SESSION_AUTH_AT] -= 13 * 3600
    session.save()
    response = client.get(reverse("families:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_the_csp_lets_the_log_out_form_continue_to_the_provider(client, sso):
    csp = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert f"form-action 'self' {sso.issuer}" in csp


# --- No secret in the logs ---------------------------------------------------------------------


def test_no_secret_is_logged_during_sign_in_and_out(client, sso, caplog):
    caplog.set_level(logging.DEBUG)
    response, callback = sign_in(client, "anna")
    assert response.status_code == 302
    id_token = client.session["_bi18_oidc_id_token"]
    client.post(reverse("accounts:logout"))
    code = parse_qs(urlsplit(callback).query)["code"][0]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert CLIENT_SECRET not in logged
    assert code not in logged
    assert "code_verifier" not in logged
    assert id_token not in logged


def test_request_lines_with_the_authorization_response_are_redacted():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"GET /konto/oidc/callback/?code=%s&state=%s HTTP/1.1" 302 0',
        ("abc123", "xyz"),
        None,
    )
    RedactAuthorizationResponse().filter(record)
    assert "abc123" not in record.getMessage() and "xyz" not in record.getMessage()
    assert "code=[redacted]" in record.getMessage()


def test_gunicorn_access_lines_carry_no_query_and_no_reset_token():
    import runpy

    from django.conf import settings

    conf = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    assert "%(U)s" in conf["access_log_format"]
    assert "%(r)s" not in conf["access_log_format"] and "%(q)s" not in conf["access_log_format"]
    assert conf["logconfig_dict"]["handlers"]["console"]["filters"] == ["redact"]
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        '127.0.0.1 "GET /konto/adgangskode/ny/MQ/cz6ebn-0123456789abcdef/ HTTP/1.1" 302',
        None,
        None,
    )
    RedactAuthorizationResponse().filter(record)
    assert "0123456789abcdef" not in record.getMessage()
    assert "/konto/adgangskode/ny/MQ/[redacted]/" in record.getMessage()


def test_the_configured_log_handlers_redact(settings):
    # runserver's request lines and everything else reach stdout through the redacting filter.
    server = settings.LOGGING["loggers"]["django.server"]
    assert server["handlers"] == ["console"] and server["propagate"] is False
    assert "redact_oidc" in settings.LOGGING["handlers"]["console"]["filters"]


def test_the_audit_pages_say_how_and_why_in_danish(db):
    from bi18.audit.labels import detail_summary

    def summary(**detail):
        return detail_summary(AuditEvent(detail=detail, event="accounts.user.login_failed"))

    assert summary(method="sso", reason="id_token:ExpiredTokenError") == [
        "via single sign-on",
        "ugyldigt ID-token (ExpiredTokenError)",
    ]
    assert summary(reason="no_role") == ["brugerens grupper giver ingen rolle i BI18"]
    assert summary(roles_added=["manager"], roles_removed=["family_caseworker"]) == [
        "Roller tilføjet: manager",
        "Roller fjernet: family_caseworker",
    ]
