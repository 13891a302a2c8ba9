from unittest import mock

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse

HEALTHZ = "/healthz"


def test_healthz_is_at_the_documented_url():
    assert reverse("healthz") == HEALTHZ


@pytest.mark.django_db
def test_healthz_reports_ok_when_the_database_answers_and_no_broker_is_configured(client, settings):
    settings.REDIS_URL = ""
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] != "error"


@pytest.mark.django_db
def test_healthz_reports_ok_when_the_configured_broker_answers(client, settings):
    settings.REDIS_URL = "redis://broker.invalid:6379/0"
    with mock.patch("redis.Redis.from_url") as from_url:
        from_url.return_value.ping.return_value = True
        response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cpr_keys": "ok", "broker": "ok"}
    from_url.assert_called_once()
    assert from_url.call_args.args[0] == "redis://broker.invalid:6379/0"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client, settings):
    settings.REDIS_URL = ""
    broken = mock.Mock()
    broken.cursor.side_effect = OperationalError("connection refused")
    with mock.patch("bi18.views.connection", broken):
        response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["checks"]["database"] == "error"


@pytest.mark.django_db
def test_healthz_is_503_when_the_configured_broker_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"] == {"database": "ok", "cpr_keys": "ok", "broker": "error"}


@pytest.mark.django_db
def test_healthz_needs_no_login_and_is_never_cached(client, settings):
    settings.REDIS_URL = ""
    response = client.get(HEALTHZ)
    assert response.status_code == 200  # not a redirect to the log-in page
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control and "no-store" in cache_control


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_healthz_answers_plain_http_when_everything_else_redirects_to_https(client, settings):
    settings.REDIS_URL = ""
    assert client.get(reverse("accounts:login")).status_code == 301  # the redirect is on
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_healthz_answers_get_only(client, settings):
    settings.REDIS_URL = ""
    assert client.post(HEALTHZ).status_code == 405
