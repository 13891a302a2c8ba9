"""The audit log cannot be deleted at database level by the role the app runs as.

Production connects as a role that owns nothing (DATABASE_APP_ROLE, granted by
bi18.audit.dbroles after every migrate). These tests create such a role inside the
test's transaction, switch to it with SET ROLE, and attack the log as a compromised
application would. PostgreSQL only: SQLite has no roles (the ORM guards stay).
"""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bi18.audit.dbroles import grant_app_role
from bi18.audit.models import AppendOnlyError, AuditEvent
from bi18.audit.services import audit_log
from bi18.audit.tasks import purge_expired
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL roles"),
]


@pytest.fixture
def app_role(db):
    """A fresh role with exactly the rights production's app role gets, active for the
    rest of the test (rolled back with the test's transaction)."""
    role = f"{connection.settings_dict['NAME']}_app"[:60]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    grant_app_role(role)
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == role
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.fixture
def entries(db):
    now = timezone.now()
    return [
        AuditEvent.objects.create(at=now - timedelta(days=400), action="view", event="old"),
        AuditEvent.objects.create(at=now - timedelta(days=1), action="view", event="new"),
    ]


def _refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError:
        return True
    return False


@pytest.mark.parametrize(
    "attack",
    [
        "DELETE FROM audit_auditevent",
        "DELETE FROM audit_auditevent WHERE event = 'new'",
        "TRUNCATE audit_auditevent",
        "UPDATE audit_auditevent SET event = 'x'",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_update",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TABLE audit_auditevent",
        "DROP FUNCTION audit_purge_before(timestamptz)",
        "CREATE OR REPLACE FUNCTION audit_purge_before(cutoff timestamptz) RETURNS bigint "
        "LANGUAGE sql AS 'SELECT 0::bigint'",
        "SELECT audit_purge_before(now())",
        "SELECT audit_purge_before(now() - interval '2 days')",
        "CREATE TABLE audit_copy (id int)",
    ],
)
def test_the_app_role_cannot_delete_or_change_the_audit_log(entries, app_role, attack):
    assert _refused(attack)
    assert set(AuditEvent.objects.values_list("event", flat=True)) == {"old", "new"}


def test_the_app_role_reads_and_appends_and_the_retention_job_purges(entries, app_role):
    audit_log(actor=None, action="view", event="appended")
    assert AuditEvent.objects.filter(event="appended").exists()
    assert purge_expired() == 1
    assert set(AuditEvent.objects.values_list("event", flat=True)) == {
        "new",
        "appended",
        "audit.log.purged",
    }
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.purge_before(timezone.now() - timedelta(days=2))


def test_the_app_runs_as_that_role(app_role, caseworker, family):
    """Log-in (sessions, axes, audit) and a family page with its writes work."""
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": caseworker.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    page = client.get(reverse("families:detail", args=[family.pk]))
    assert page.status_code == 200 and family.case_number in page.text
    assert AuditEvent.objects.filter(event="families.family.viewed").exists()
    # Other tables remain the app's to change.
    assert not _refused("DELETE FROM families_personassignment WHERE id = -1")
