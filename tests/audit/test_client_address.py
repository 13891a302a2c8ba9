"""Where a request comes from (the audit log's "from where", the lock-out): the
connecting address, and X-Forwarded-For only when a configured proxy sent it."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from bi18.audit.context import client_ip
from bi18.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

CLIENT = "198.51.100.20"
PROXY = "10.0.0.5"


def _ip(remote, forwarded=None) -> str | None:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


@pytest.mark.parametrize("trusted", [[], [PROXY]])
def test_a_client_cannot_forge_its_address(settings, trusted):
    settings.TRUSTED_PROXIES = trusted
    # The reproduction: the client claims to be 203.0.113.77 behind localhost.
    assert _ip(CLIENT, "203.0.113.77, 127.0.0.1") == CLIENT


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert _ip(PROXY, "203.0.113.77") == PROXY


def test_behind_a_trusted_proxy_the_address_it_saw_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert _ip(PROXY, "203.0.113.77") == "203.0.113.77"
    # The client wrote "1.2.3.4" itself; the proxy appended what it really saw.
    assert _ip(PROXY, "1.2.3.4, 203.0.113.77") == "203.0.113.77"
    # Two trusted proxies in a row are skipped.
    assert _ip(PROXY, "203.0.113.77, 10.0.0.9") == "203.0.113.77"
    assert _ip(PROXY, "2001:db8::7") == "2001:db8::7"
    assert _ip(PROXY, "[2001:db8::7]:4711") == "2001:db8::7"
    assert _ip(PROXY, "203.0.113.77:4711") == "203.0.113.77"


@pytest.mark.parametrize(
    "garbage",
    ["garbage", "", " , ,", "999.1.1.1", "203.0.113.77, garbage", "<script>", "1" * 5000],
)
def test_a_malformed_header_falls_back_to_the_last_good_address(settings, garbage):
    settings.TRUSTED_PROXIES = [PROXY]
    assert _ip(PROXY, garbage) == PROXY
    assert _ip(CLIENT, garbage) == CLIENT


def test_a_garbage_header_is_recorded_nowhere_and_fails_nothing(settings, client, caseworker):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.force_login(caseworker)
    response = client.get(reverse("families:list"), HTTP_X_FORWARDED_FOR="garbage")
    assert response.status_code == 200
    assert "Familier" in response.text
    response = client.post(reverse("accounts:logout"), HTTP_X_FORWARDED_FOR="garbage, 300.1.1.1")
    assert response.status_code == 302
    row = AuditEvent.objects.get(event="accounts.user.logged_out")
    assert row.ip_address == "127.0.0.1"


@pytest.mark.parametrize("header", ["garbage", "203.0.113.77, 127.0.0.1"])
def test_login_post_with_a_bad_header_is_answered_and_logged_with_the_real_address(
    settings, client, caseworker, header
):
    settings.TRUSTED_PROXIES = []
    response = client.post(
        reverse("accounts:login"),
        {"username": caseworker.username, "password": "wrong password"},
        HTTP_X_FORWARDED_FOR=header,
        REMOTE_ADDR=CLIENT,
    )
    assert response.status_code == 200
    assert "Indtast venligst korrekt" in response.text
    failed = AuditEvent.objects.get(event="accounts.user.login_failed")
    assert failed.ip_address == CLIENT
    assert AccessAttempt.objects.get().ip_address == CLIENT

    response = client.post(
        reverse("accounts:login"),
        {"username": caseworker.username, "password": "Sikker-Adgangskode-2026"},
        HTTP_X_FORWARDED_FOR=header,
        REMOTE_ADDR=CLIENT,
    )
    assert response.status_code == 302
    assert AuditEvent.objects.get(event="accounts.user.logged_in").ip_address == CLIENT


def test_every_page_answers_a_garbage_header_behind_a_trusted_proxy(
    settings, client, caseworker, family
):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]
    client.force_login(caseworker)
    for url in (
        reverse("home"),
        reverse("families:list"),
        reverse("families:detail", args=[family.pk]),
    ):
        response = client.get(url, HTTP_X_FORWARDED_FOR="garbage", follow=True)
        assert response.status_code == 200, url
    row = AuditEvent.objects.filter(event="families.family.viewed").get()
    assert row.ip_address == "127.0.0.1"
