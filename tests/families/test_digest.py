"""The daily digest: content, once per user per day, nothing for users with nothing due."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.core import mail

from bi18.accounts.roles import Role
from families.worklist.models import DigestSent
from families.worklist.services import digest_send
from families.worklist.tasks import send_daily_digest
from tests.employment_factories import TrackFactory
from tests.factories import add_member

D = datetime.date
DAY = "2026-03-01"


@pytest.fixture
def track(family, company_consultant, employment_consultant):
    add_member(family, company_consultant, Role.COMPANY_CONSULTANT)
    add_member(family, employment_consultant, Role.EMPLOYMENT_CONSULTANT)
    return TrackFactory(
        person=family.people.get(first_name="Amina"),
        start=D(2026, 1, 1),
        company_consultant=company_consultant,
        employment_consultant=employment_consultant,
    )


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_digest_contains_the_users_items(track, company_consultant, settings):
    settings.SITE_URL = "https://bi18.example"
    send_daily_digest(DAY)
    [message] = mails_to(company_consultant)
    assert track.person.family.case_number in message.body
    assert (
        f"https://bi18.example/beskaeftigelse/foraelder/{track.person_id}/praktik/ny/"
        in message.body
    )
    assert "12.02.2026" in message.body  # week 6 date, short Danish format
    assert "1 " in message.subject
    assert "01.03.2026" in message.subject  # DAY in the one short date format
    # No names or CPR numbers leave the application by e-mail.
    assert "Amina" not in message.body and "Amina" not in message.subject


def test_digest_is_in_danish_whatever_language_is_active(track, company_consultant):
    from django.utils import translation

    with translation.override("en"):
        send_daily_digest(DAY)
    [message] = mails_to(company_consultant)
    assert "1. marts 2026" in message.body  # Danish month names, as LANGUAGE_CODE is "da"
    assert message.from_email == django_settings.DEFAULT_FROM_EMAIL


def test_running_twice_sends_one_mail_per_user_per_day(track, company_consultant, caseworker):
    first = send_daily_digest(DAY)
    second = send_daily_digest(DAY)
    # The company consultant (week 6), the employment consultant (the first job interview
    # fell due on 15 February) and the coordinating caseworker.
    assert first == 3 and second == 0
    assert len(mails_to(company_consultant)) == 1
    assert DigestSent.objects.filter(user=company_consultant, date=D(2026, 3, 1)).count() == 1
    send_daily_digest("2026-03-02")
    assert len(mails_to(company_consultant)) == 2


def test_nothing_is_sent_to_users_with_nothing_due(
    track, other_caseworker, manager, retention_counsellor
):
    send_daily_digest(DAY)
    for user in (other_caseworker, manager, retention_counsellor):
        assert not mails_to(user)
    assert not DigestSent.objects.filter(
        user__in=[other_caseworker, manager, retention_counsellor]
    ).exists()


def test_a_failed_send_is_retried_next_run(track, company_consultant, monkeypatch):
    import families.worklist.services as services

    def boom(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(services, "send_mail", boom)
    assert send_daily_digest(DAY) == 0
    assert not DigestSent.objects.exists()
    monkeypatch.undo()
    assert send_daily_digest(DAY) >= 1
    assert len(mails_to(company_consultant)) == 1


def test_inactive_users_get_nothing(track, company_consultant):
    company_consultant.is_active = False
    company_consultant.save()
    send_daily_digest(DAY)
    assert not mails_to(company_consultant)


def test_send_for_user_reports_whether_it_sent(track, company_consultant):
    assert digest_send(user=company_consultant, day=D(2026, 3, 1)) is True
    assert digest_send(user=company_consultant, day=D(2026, 3, 1)) is False


def test_the_beat_schedule_runs_the_digest_daily():
    entry = django_settings.CELERY_BEAT_SCHEDULE["worklist-send-daily-digest"]
    assert entry["task"] == "worklist.send_daily_digest"
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {30}


def test_the_task_runs_through_celery(track, company_consultant, monkeypatch):
    # Celery reads its config once at start-up: switch the app itself to eager mode
    # (with REDIS_URL set, .delay() would otherwise wait for a worker).
    from bi18.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)
    send_daily_digest.delay(DAY).get(timeout=30)
    assert len(mails_to(company_consultant)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_model_moved_from_employment_keeps_its_rows_both_ways(company_consultant):
    """worklist 0002 takes over employment's table: rows sent before the move stay sent,
    so nobody gets a second digest for that day; reversing hands them back."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    sent = DigestSent.objects.create(user=company_consultant, date=D(2026, 3, 1), item_count=3)
    before = [
        ("worklist", "0001_snooze_and_filter"),
        ("employment", "0003_several_tracks_per_parent"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    with connection.cursor() as cursor:
        cursor.execute("SELECT item_count FROM employment_digestsent WHERE id = %s", [sent.pk])
        assert cursor.fetchone() == (3,)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert DigestSent._meta.db_table == "worklist_digestsent"
    assert DigestSent.objects.get(pk=sent.pk).item_count == 3
    assert digest_send(user=company_consultant, day=D(2026, 3, 1)) is False
