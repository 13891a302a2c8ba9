"""Backup and restore (issue 13 §6): pg_dump + the document store, restored into a fresh
database, checked by row counts, one CPR search and one document. PostgreSQL only."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from families.records import services as records
from families.records.access import scope_for
from tests.factories import FamilyFactory, PersonFactory, UserFactory, add_member

ROOT = Path(__file__).resolve().parents[2]
CPR = "150772-3417"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="backup and restore are for PostgreSQL (pg_dump)",
    ),
    pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed"),
]


@pytest.fixture(autouse=True)
def _roles_back():
    """A transactional test ends by emptying every table, the role groups that migration
    accounts/0002 made included: put them back for the tests that follow."""
    yield
    from django.contrib.auth.models import Group, Permission

    from bi18.accounts.roles import ROLE_PERMISSIONS

    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(role))
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
        )


def _url(name: str) -> str:
    s = settings.DATABASES["default"]
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _run(args, **env):
    return subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        args, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )


def test_a_backup_restores_into_a_fresh_database_with_search_and_documents(tmp_path):
    from bi18.accounts.roles import Role

    user = UserFactory(username="backup_cw", role=Role.FAMILY_CASEWORKER)
    family = FamilyFactory()
    add_member(family, user, coordinator=True)
    PersonFactory(family=family, first_name="Rasmus", cpr=CPR)
    scope = scope_for(user, family)
    document = records.document_upload(
        actor=user, family=family, scope=scope, title="Attest", date=timezone.localdate(),
        kind="certificate", upload=SimpleUploadedFile("attest.pdf", b"%PDF-1.4\nattest\n%%EOF\n"),
    )  # fmt: skip
    live_docs = Path(settings.STORAGES["documents"]["OPTIONS"]["location"])
    backup = tmp_path / "backup"
    env = {"DATABASE_URL": _url(connection.settings_dict["NAME"]), "DOCUMENT_ROOT": str(live_docs)}
    made = _run(["scripts/backup", str(backup)], **env)
    assert made.returncode == 0, made.stderr
    assert {"database.dump", "documents.tar.gz", "counts.json"} <= {
        p.name for p in backup.iterdir()
    }

    restored = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:6]}"
    restore_env = {"DATABASE_URL": _url(restored), "DOCUMENT_ROOT": str(tmp_path / "documents")}
    try:
        result = _run(
            ["scripts/restore", str(backup), "--cpr", CPR, "--document", str(document.pk)],
            **restore_env,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "families.person: 1 (backup: 1) ok" in result.stdout
        assert "CPR search: found, decrypts" in result.stdout
        assert f"document {document.pk}: decrypts, checksum ok" in result.stdout
        assert CPR not in result.stdout + result.stderr

        # Without the right key the restored system says so instead of failing silently.
        wrong = _run(
            [sys.executable, "manage.py", "backup_verify", "--cpr", CPR, "--document", str(document.pk)],
            CPR_ENCRYPTION_KEY="a-different-key", **restore_env,
        )  # fmt: skip
        assert wrong.returncode != 0
        assert "CPR keys: WRONG CPR_ENCRYPTION_KEY" in wrong.stdout
        # A second restore into an existing database is refused.
        again = _run(["scripts/restore", str(backup)], **restore_env)
        assert again.returncode != 0 and "already exists" in again.stderr
    finally:
        _run(["psql", _url("postgres"), "-q", "-c", f'DROP DATABASE IF EXISTS "{restored}"'])
