"""A CPR number – even a mistyped one – never lands in the audit log's free fields."""

import json

import pytest
from django.urls import reverse

from bi18.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _log_text() -> str:
    rows = AuditEvent.objects.values_list("actor_username", "detail")
    return json.dumps(list(rows), ensure_ascii=False)


@pytest.mark.parametrize("typed", ["121385-4012", "1213854012", "320385 4012"])
def test_a_search_for_a_cpr_shaped_typo_logs_no_digits(login, caseworker, family, typed):
    client = login(caseworker)
    location = client.post(reverse("families:search"), {"q": typed})["Location"]
    assert client.get(location).status_code == 200
    events = AuditEvent.objects.filter(event="families.family.searched")
    assert events.exists(), "the search itself is logged"
    assert typed not in _log_text() and typed[:6] not in _log_text()


def test_a_cpr_number_typed_as_the_username_is_logged_masked(client, caseworker):
    client.post(reverse("accounts:login"), {"username": "120385-4012", "password": "x"})
    row = AuditEvent.objects.get(event="accounts.user.login_failed")
    assert row.actor_username == "••••••-••••"
    assert "120385" not in _log_text()


def test_an_ordinary_username_is_logged_as_typed(client, caseworker):
    client.post(reverse("accounts:login"), {"username": "caseworker2", "password": "x"})
    assert AuditEvent.objects.get(event="accounts.user.login_failed").actor_username == (
        "caseworker2"
    )


def test_an_expenditure_import_error_does_not_echo_the_cell(budget_officer):
    from budget.importer import expenditure_import

    data = (
        b"Date;Amount;Line;Activity;Category;Case number;Note;Reference\r\n"
        b"2026-03-31;120385-4012;18.21;x;Andet;;;R-1\r\n"
    )
    report = expenditure_import(data=data, actor=budget_officer, dry_run=True)
    amount_errors = [r for r in report.rejected if r["field"] == "amount"]
    assert amount_errors
    assert "120385" not in json.dumps(report.rejected, ensure_ascii=False)


def test_the_e_mail_digest_carries_no_free_text_from_the_plan(family, caseworker, settings):
    import datetime

    from django.core import mail

    from families.worklist.services import digest_send
    from networkgroup import selectors, services
    from networkgroup.models import PlanArea

    settings.SITE_URL = "https://bi18.example"
    plan = selectors.plan_for_family(family=family)
    goal = services.goal_create(actor=caseworker, plan=plan, area=PlanArea.HEALTH, text="Trivsel")
    services.action_create(
        actor=caseworker,
        goal=goal,
        what="Amina til psykolog om sin depression",
        responsible=caseworker,
        deadline=datetime.date(2026, 3, 2),
    )
    assert digest_send(user=caseworker, day=datetime.date(2026, 3, 1))
    [message] = mail.outbox
    assert family.case_number in message.body
    assert "psykolog" not in message.body and "Amina" not in message.body
