"""Self-service password reset by e-mail, and the password rules with Danish messages."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from tests.factories import UserFactory

NEW_PASSWORD = "Ny-Staerk-Adgang-2027"


@pytest.fixture(autouse=True)
def _eager_tasks(monkeypatch):
    # With REDIS_URL set, .delay() would hand the e-mail to a worker that tests do not run.
    from bi18.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def _ask(client, django_capture_on_commit_callbacks):
    def ask(_client, email):
        # The e-mail goes out from a task queued on commit (eager in tests).
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("accounts:password_reset"), {"email": email}, follow=True)

    return ask


def _link(message) -> str:
    return re.search(r"http://testserver(/konto/adgangskode/ny/\S+/)", message.body).group(1)


def test_the_answer_is_the_same_whether_the_address_exists_or_not(client, caseworker, _ask):
    known = _ask(client, caseworker.email)
    unknown = _ask(client, "nobody@kk.example")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    text = "Hvis adressen hører til en BI18-konto"
    assert text in known.content.decode() and text in unknown.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [caseworker.email]


def test_the_e_mail_is_danish_and_the_link_sets_a_new_password(client, caseworker, _ask):
    _ask(client, caseworker.email.upper())
    message = mail.outbox[0]
    assert message.subject == "Ny adgangskode til BI18 Familieindsats"
    assert "Åbn dette link inden for 60 minutter" in message.body
    assert f"Dit brugernavn er: {caseworker.username}" in message.body
    form = client.get(_link(message), follow=True)
    assert "Vælg en ny adgangskode" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Din nye adgangskode er gemt" in done.content.decode()
    caseworker.refresh_from_db()
    assert caseworker.check_password(NEW_PASSWORD)
    events = [e.event for e in AuditEvent.objects.order_by("pk")]
    assert "accounts.user.password_reset_requested" in events
    assert "accounts.user.password_reset" in events
    # The link works once.
    again = client.get(_link(message), follow=True)
    assert "Linket er ikke længere gyldigt" in again.content.decode()


def test_weak_passwords_get_danish_messages(client, caseworker, _ask):
    _ask(client, caseworker.email)
    url = client.get(_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    def errors(password):
        page = client.post(url, {"new_password1": password, "new_password2": password})
        return page.content.decode()

    assert "mindst 12 tegn" in errors("Kort-1a")
    assert "for almindelig" in errors("password1234")
    assert "minder for meget om din/dit brugernavn" in errors(f"{caseworker.username}2026")
    caseworker.refresh_from_db()
    assert not caseworker.check_password("password1234")


def test_no_mail_for_single_sign_on_inactive_or_shut_out_accounts(client, settings, db, _ask):
    sso_user = UserFactory(username="sso", role=Role.FAMILY_CASEWORKER)
    sso_user.set_unusable_password()
    sso_user.save()
    inactive = UserFactory(username="gone", role=Role.FAMILY_CASEWORKER, is_active=False)
    for user in (sso_user, inactive):
        _ask(client, user.email)
    settings.LOCAL_LOGIN = "admins"
    caseworker = UserFactory(username="cw", role=Role.FAMILY_CASEWORKER)
    _ask(client, caseworker.email)
    assert mail.outbox == []
    admin = UserFactory(username="breakglass", role=Role.ADMIN)
    _ask(client, admin.email)
    assert [m.to for m in mail.outbox] == [[admin.email]]


def test_requests_for_one_address_are_rate_limited(client, caseworker, _ask):
    for _ in range(3):
        _ask(client, caseworker.email)
    page = _ask(client, caseworker.email)
    assert "For mange anmodninger om ny adgangskode" in page.content.decode()
    assert len(mail.outbox) == 3


def test_requests_from_one_client_are_rate_limited(client, settings, db, _ask):
    settings.PASSWORD_RESET_RATE_PER_IP = "5/h"
    for n in range(5):
        assert "For mange" not in _ask(client, f"person{n}@kk.example").content.decode()
    assert "For mange" in _ask(client, "person9@kk.example").content.decode()


def test_with_local_log_in_off_there_is_no_reset(client, settings, db):
    settings.LOCAL_LOGIN = "off"
    assert client.get(reverse("accounts:password_reset")).status_code == 404


def test_the_log_in_page_links_to_the_reset(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:password_reset") in page and "Glemt din adgangskode?" in page


# --- LOCAL_LOGIN ------------------------------------------------------------------------------


def test_local_log_in_for_admins_only_refuses_a_caseworker(client, settings, caseworker):
    settings.LOCAL_LOGIN = "admins"
    page = client.post(
        reverse("accounts:login"),
        {"username": caseworker.username, "password": "Sikker-Adgangskode-2026"},
    )
    assert page.status_code == 200
    assert "logger ind med kommunens log-ind" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_local_log_in_for_admins_only_lets_the_administrator_in(client, settings, administrator):
    settings.LOCAL_LOGIN = "admins"
    response = client.post(
        reverse("accounts:login"),
        {"username": administrator.username, "password": "Sikker-Adgangskode-2026"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(administrator.pk)


def test_local_log_in_off_shows_no_form_and_takes_no_password(client, settings, administrator):
    settings.LOCAL_LOGIN = "off"
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'name="password"' not in page
    response = client.post(
        reverse("accounts:login"),
        {"username": administrator.username, "password": "Sikker-Adgangskode-2026"},
    )
    assert response.status_code == 405
    assert "_auth_user_id" not in client.session
