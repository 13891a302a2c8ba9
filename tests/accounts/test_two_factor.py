"""Two-factor for local log-ins: enrolment at the first log-in, a code at every log-in,
recovery codes, lock-out after wrong codes, an administrator's reset."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bi18.accounts.login import AUTH_METHOD_SSO, SESSION_AUTH_METHOD
from bi18.audit.models import AuditEvent
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _two_factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _log_in(client, user, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": password})


def _code(device: TOTPDevice, *, drift: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.drift = drift
    return f"{totp.token():06d}"


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=True)


def _recovery(user, *codes) -> None:
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)


def _events(name):
    return AuditEvent.objects.filter(event=name).order_by("pk")


def test_a_caseworker_sets_up_two_factor_at_the_first_log_in(client, caseworker, family):
    response = _log_in(client, caseworker)
    assert response.status_code == 302
    # Every page leads to the set-up until it is done.
    page = client.get(reverse("families:list"))
    assert page["Location"].startswith(reverse("accounts:second_factor_enrol"))
    enrol = client.get(page["Location"])
    html = enrol.content.decode()
    assert "Sæt totrinsbekræftelse op" in html and "<svg" in html
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    device = TOTPDevice.objects.get(user=caseworker, confirmed=False)

    wrong = client.post(enrol.wsgi_request.get_full_path(), {"otp_token": "000000"})
    assert "Koden er forkert eller udløbet" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=caseworker, confirmed=True).exists()
    # django-otp holds the device back for a second after a wrong code; skip the wait.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)

    done = client.post(
        enrol.wsgi_request.get_full_path(), {"otp_token": _code(device)}, follow=False
    )
    html = done.content.decode()
    assert "Dine reservekoder" in html
    codes = re.findall(r'<li class="col">([a-z2-7]{8})</li>', html)
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=caseworker).count() == 10
    assert secret.replace(" ", "") in device.config_url.upper()
    assert f'href="{reverse("families:list")}"' in html  # continues where they were going
    assert client.get(reverse("families:list")).status_code == 200
    assert _events("accounts.user.second_factor_enrolled").get().actor_id == caseworker.pk


def test_every_log_in_asks_for_the_code(client, caseworker):
    device = _enrolled(caseworker)
    _log_in(client, caseworker)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("accounts:second_factor_verify"))
    assert "Kode til totrinsbekræftelse" in client.get(response["Location"]).content.decode()

    ok = client.post(
        reverse("accounts:second_factor_verify"), {"otp_token": _code(device), "next": "/familier/"}
    )
    assert ok["Location"] == "/familier/"
    assert client.get(reverse("home")).status_code == 200
    verified = _events("accounts.user.second_factor_verified").get()
    assert verified.detail == {"device": "totp"}


def test_a_recovery_code_works_once(client, caseworker):
    _enrolled(caseworker)
    _recovery(caseworker, "abcd2345", "efgh6723")
    _log_in(client, caseworker)
    ok = client.post(reverse("accounts:second_factor_verify"), {"otp_token": "ABCD 2345"})
    assert ok.status_code == 302
    assert "1 tilbage" in client.get(reverse("home")).content.decode()
    client.post(reverse("accounts:logout"))

    _log_in(client, caseworker)
    again = client.post(reverse("accounts:second_factor_verify"), {"otp_token": "abcd2345"})
    assert "Koden er forkert eller udløbet" in again.content.decode()


def test_an_administrator_must_also_give_a_code(client, administrator):
    _log_in(client, administrator)
    response = client.get(reverse("accounts:user_list"))
    assert response["Location"].startswith(reverse("accounts:second_factor_enrol"))


def test_a_manager_without_case_data_is_not_asked(client, manager):
    _log_in(client, manager)
    assert client.get(reverse("targets_home")).status_code == 200


def test_a_single_sign_on_session_is_not_asked(client, caseworker):
    client.force_login(caseworker)
    session = client.session
    session[SESSION_AUTH_METHOD] = AUTH_METHOD_SSO
    session.save()
    assert client.get(reverse("families:list")).status_code == 200


def test_a_session_of_unknown_origin_counts_as_local(client, caseworker):
    client.force_login(caseworker)
    session = client.session
    session.pop(SESSION_AUTH_METHOD, None)
    session.save()
    assert client.get(reverse("families:list")).status_code == 302


def test_an_htmx_request_is_sent_to_the_code_page_whole(client, caseworker):
    _enrolled(caseworker)
    _log_in(client, caseworker)
    response = client.get(reverse("families:list"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:second_factor_verify")


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, caseworker, settings):
    _enrolled(caseworker)
    _log_in(client, caseworker)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("accounts:second_factor_verify"), {"otp_token": "123456"})
        assert response.status_code == 200
    locked = client.post(reverse("accounts:second_factor_verify"), {"otp_token": "123456"})
    assert locked.status_code == 429
    assert "Kontoen er låst" in locked.content.decode() or "låst" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The right password no longer gets in.
    assert _log_in(client, caseworker).status_code == 429
    failed = _events("accounts.user.login_failed")
    assert [e.detail.get("reason") for e in failed][: settings.AXES_FAILURE_LIMIT] == [
        "second_factor"
    ] * settings.AXES_FAILURE_LIMIT


def test_the_right_password_does_not_reset_the_count_of_wrong_codes(client, caseworker, settings):
    _enrolled(caseworker)
    _log_in(client, caseworker)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("accounts:second_factor_verify"), {"otp_token": "123456"})
    client.post(reverse("accounts:logout"))
    _log_in(client, caseworker)  # the password is right; the code still owed
    locked = client.post(reverse("accounts:second_factor_verify"), {"otp_token": "123456"})
    assert locked.status_code == 429


def test_the_right_code_clears_the_failed_attempts(client, caseworker, settings):
    device = _enrolled(caseworker)
    _log_in(client, caseworker)
    client.post(reverse("accounts:second_factor_verify"), {"otp_token": "123456"})
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    client.post(reverse("accounts:second_factor_verify"), {"otp_token": _code(device)})
    client.post(reverse("accounts:logout"))
    _log_in(client, caseworker)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("accounts:second_factor_verify"), {"otp_token": "123456"})
    assert response.status_code == 200  # not locked: the count started again


def test_an_administrator_resets_a_users_two_factor(client, administrator, caseworker):
    _enrolled(caseworker)
    _recovery(caseworker, "abcd2345")
    client.force_login(administrator)
    session = client.session
    session[SESSION_AUTH_METHOD] = AUTH_METHOD_SSO
    session.save()
    edit = client.get(reverse("accounts:user_edit", args=[caseworker.pk])).content.decode()
    assert "Nulstil totrinsbekræftelse" in edit
    url = reverse("accounts:user_second_factor_reset", args=[caseworker.pk])
    assert "holder op med at virke" in client.get(url).content.decode()
    client.post(url)
    assert not TOTPDevice.objects.filter(user=caseworker).exists()
    assert not StaticDevice.objects.filter(user=caseworker).exists()
    reset = _events("accounts.user.second_factor_reset").get()
    assert (reset.actor_id, reset.detail["user_id"], reset.detail["devices"]) == (
        administrator.pk,
        caseworker.pk,
        2,
    )
    client.post(reverse("accounts:logout"))
    _log_in(client, caseworker)
    assert client.get(reverse("home"))["Location"].startswith(
        reverse("accounts:second_factor_enrol")
    )


def test_an_administrator_cannot_reset_their_own(client, administrator):
    _enrolled(administrator)
    client.force_login(administrator)
    session = client.session
    session[SESSION_AUTH_METHOD] = AUTH_METHOD_SSO
    session.save()
    client.post(reverse("accounts:user_second_factor_reset", args=[administrator.pk]))
    assert TOTPDevice.objects.filter(user=administrator).exists()


def test_only_user_administrators_may_reset(client, caseworker, other_caseworker):
    client.force_login(caseworker)
    session = client.session
    session[SESSION_AUTH_METHOD] = AUTH_METHOD_SSO
    session.save()
    url = reverse("accounts:user_second_factor_reset", args=[other_caseworker.pk])
    assert client.post(url).status_code == 403


def test_new_recovery_codes_replace_the_old(client, caseworker):
    device = _enrolled(caseworker)
    _recovery(caseworker, "abcd2345")
    _log_in(client, caseworker)
    client.post(reverse("accounts:second_factor_verify"), {"otp_token": _code(device)})
    assert (
        "1 ubrugt reservekode"
        in client.get(reverse("accounts:second_factor_manage")).content.decode()
    )
    response = client.post(reverse("accounts:second_factor_recovery_codes"))
    assert len(re.findall(r'<li class="col">', response.content.decode())) == 10
    assert not StaticToken.objects.filter(token="abcd2345").exists()


def test_the_django_admin_log_in_is_the_one_log_in_page(client, db):
    response = client.get("/django-admin/login/?next=/django-admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=/django-admin/"
