"""No CPR number in clear outside the encrypted column: not in the session table
(saved searches), not in django-axes' tables (a CPR typed as the user name), not in
the audit log's criterion."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import connection
from django.test import Client
from django.urls import reverse

from bi18.accounts.models import Session
from bi18.audit.models import AuditEvent
from families.cpr import cpr_hash

pytestmark = pytest.mark.django_db

AMINA_CPR = "120385-4012"
# Every way the number can be written, and its serial alone.
CPR_TRACES = ("120385-4012", "1203854012", "120385 4012", "4012")


def _session_rows() -> list[str]:
    """Every session row as stored, and decoded (the signed payload is readable)."""
    rows = []
    for session in Session.objects.all():
        rows.append(session.session_data)
        rows.append(str(session.get_decoded()))
    with connection.cursor() as cursor:  # Django's own table must stay empty of it, too
        cursor.execute("SELECT session_data FROM django_session")
        rows += [r[0] for r in cursor.fetchall()]
    return rows


def _assert_no_cpr(texts):
    for text in texts:
        for trace in CPR_TRACES:
            assert trace not in text


def _search(client, q):
    response = client.post(reverse("families:search"), {"q": q})
    assert response.status_code == 302
    return client.get(response["Location"])


@pytest.mark.parametrize("typed", ["120385-4012", "1203854012", " 120385 4012 "])
def test_a_cpr_search_keeps_only_its_hash_in_the_session(login, caseworker, family, typed):
    client = login(caseworker)
    response = _search(client, typed)
    html = response.content.decode()
    assert family.case_number in html
    assert "120385-••••" in html  # what was searched for, masked
    _assert_no_cpr(_session_rows())
    saved = client.session["family_searches"]
    assert list(saved.values()) == [{"cpr_hash": cpr_hash(AMINA_CPR), "masked": "120385-••••"}]
    # Paging and filters still find the family (the hash is the criterion).
    page = client.get(response.wsgi_request.get_full_path(), {"district": family.district})
    assert family.case_number in page.content.decode()


def test_a_mistyped_cpr_search_finds_nobody_and_keeps_nothing_of_it(login, caseworker, family):
    client = login(caseworker)
    html = _search(client, "310285-4012").content.decode()  # 31 February
    assert family.case_number not in html
    _assert_no_cpr(_session_rows())
    row = AuditEvent.objects.get(event="families.family.searched")
    assert row.detail["criterion"] == "CPR-nummer"


def test_a_cpr_number_inside_a_text_search_is_masked_in_session_and_log(login, caseworker, family):
    client = login(caseworker)
    _search(client, "Amina 120385-4012")
    _assert_no_cpr(_session_rows())
    row = AuditEvent.objects.get(event="families.family.searched")
    assert "••••" in row.detail["criterion"]
    _assert_no_cpr([str(row.detail)])


def test_a_name_search_still_works_and_shows_the_text(login, caseworker, family):
    html = _search(login(caseworker), "amina").content.decode()
    assert family.case_number in html
    assert 'value="amina"' in html


def _axes_rows() -> list[str]:
    rows = []
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        for obj in model.objects.all():
            rows += [str(getattr(obj, f.attname)) for f in model._meta.fields]
    return rows


@pytest.mark.parametrize("typed", ["120385-4012", "1203854012"])
def test_a_cpr_typed_as_user_name_is_not_kept_in_clear_by_the_lock_out(typed):
    for _ in range(2):
        response = Client().post(
            reverse("accounts:login"), {"username": typed, "password": "wrong password"}
        )
        assert response.status_code == 200
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 2  # still counted as one user name
    assert attempt.username.startswith("cpr-")
    _assert_no_cpr(_axes_rows())
    # The third attempt locks that "user name" out, as for any other.
    third = Client().post(reverse("accounts:login"), {"username": typed, "password": "x"})
    assert third.status_code == 429
    failed = AuditEvent.objects.filter(event="accounts.user.login_failed")
    assert failed.count() == 3
    _assert_no_cpr(e.actor_username for e in failed)


def test_administrators_still_see_and_lift_a_lock_out_of_an_ordinary_user(
    login, administrator, caseworker
):
    for _ in range(3):
        Client().post(
            reverse("accounts:login"), {"username": "caseworker", "password": "wrong password"}
        )
    assert AccessAttempt.objects.get().username == "caseworker"
    client = login(administrator)
    page = client.get(reverse("accounts:user_edit", args=[caseworker.pk])).content.decode()
    assert reverse("accounts:user_unlock", args=[caseworker.pk]) in page
    client.post(reverse("accounts:user_unlock", args=[caseworker.pk]))
    assert not AccessAttempt.objects.exists()
