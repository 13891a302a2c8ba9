"""Retention, legal hold and erasure (issue 13 §4)."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from families.cpr import cpr_hash
from families.models import Family, FamilyStatus, FamilyStatusChange, Person
from families.records import services as records
from families.records.access import scope_for
from families.retention import services
from families.retention.models import Erasure, RetentionCandidate
from families.retention.tasks import list_due
from tests.factories import UserFactory, add_member

TODAY = datetime.date(2026, 12, 1)
CPR = "030190-1235"


def _end_effort(family, user, on: datetime.date):
    Family.objects.filter(pk=family.pk).update(status=FamilyStatus.COMPLETED)
    FamilyStatusChange.objects.create(
        family=family,
        from_status=FamilyStatus.ACTIVE,
        to_status=FamilyStatus.COMPLETED,
        reason="Forløbet er slut",
        changed_by=user,
        changed_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(12))),
    )


@pytest.fixture
def demo(db):
    """A small demo pilot, with tracks, plans and meetings, seeded as on TODAY."""
    from families.demo import seed_demo

    return seed_demo(families=12, seed=3, today=TODAY)


def _family_with_tracks():
    from employment.models import EmploymentTrack

    return Family.objects.get(pk=EmploymentTrack.objects.values("person__family_id")[:1])


def _targets(on: datetime.date) -> dict:
    out = io.StringIO()
    call_command("compute_targets", "--date", on.isoformat(), "--json", stdout=out)
    result = json.loads(out.getvalue())
    return {"targets": result["targets"], "budget": result["budget"]}


def test_the_nightly_job_lists_only_families_past_retention(family, caseworker, settings):
    settings.RETENTION_YEARS = 5
    _end_effort(family, caseworker, TODAY - datetime.timedelta(days=5 * 366))
    recent = Family.objects.create(case_number="BI18-0900", district="valby")
    _end_effort(recent, caseworker, TODAY - datetime.timedelta(days=30))
    with _today(TODAY):
        assert list_due() == 1
        assert list(RetentionCandidate.objects.values_list("family_id", flat=True)) == [family.pk]
        assert list_due() == 1  # idempotent


class _today:
    def __init__(self, day):
        self.day = day

    def __enter__(self):
        from unittest import mock

        self.patch = mock.patch("django.utils.timezone.localdate", return_value=self.day)
        self.patch.start()

    def __exit__(self, *exc):
        self.patch.stop()


def test_erasure_removes_personal_data_and_keeps_past_targets(demo, administrator):
    family = _family_with_tracks()
    person = family.people.order_by("pk").first()
    Person.objects.filter(pk=person.pk).update(
        first_name="Zorawar", last_name="Quillfeather", cpr_hash=cpr_hash(CPR)
    )
    Family.objects.filter(pk=family.pk).update(notes="Familien bor på Quillfeathervej 3")
    family.refresh_from_db()
    author = UserFactory(username="author", role=Role.FAMILY_CASEWORKER)
    add_member(family, author)
    scope = scope_for(author, family)
    note = records.note_create(
        actor=author, family=family, scope=scope, kind="phone", heading="Zorawar ringede",
        text="Zorawar Quillfeather ringede om praktikken", people=[],
        occurred_at=timezone.now() - datetime.timedelta(days=1),
    )  # fmt: skip
    document = records.document_upload(
        actor=author, family=family, scope=scope, title="Quillfeather attest",
        date=TODAY, kind="certificate", note=note,
        upload=SimpleUploadedFile("attest.pdf", b"%PDF-1.4\nZorawar\n%%EOF\n"),
    )  # fmt: skip
    stored_file = (
        Path(settings.STORAGES["documents"]["OPTIONS"]["location"]) / document.storage_name
    )
    assert stored_file.exists()
    past = TODAY - datetime.timedelta(days=40)
    before = _targets(past)
    _end_effort(family, administrator, TODAY - datetime.timedelta(days=6 * 366))

    erasure = services.family_erase(
        actor=administrator, family=family, reason="Opbevaringsperioden er udløbet", today=TODAY
    )

    assert _targets(past) == before
    assert erasure.counts["people"] == family.people.count()
    out = io.StringIO()
    call_command("dumpdata", "--exclude", "audit", "--exclude", "contenttypes", stdout=out)
    dump = out.getvalue()
    for text in ("Zorawar", "Quillfeather", cpr_hash(CPR), person.cpr_encrypted or "Zorawar"):
        assert text not in dump
    assert not family.members.exists()
    assert not stored_file.exists()
    assert AuditEvent.objects.filter(event="retention.family.erased", family_id=family.pk).exists()
    with pytest.raises(services.RetentionError):
        services.family_erase(actor=administrator, family=family, reason="igen", today=TODAY)


def test_a_legal_hold_stops_the_erasure(family, caseworker, administrator):
    _end_effort(family, caseworker, TODAY - datetime.timedelta(days=6 * 366))
    hold = services.hold_place(actor=administrator, family=family, reason="Klagesag")
    with pytest.raises(services.RetentionError, match="legal hold|tilbageholdelse"):
        services.family_erase(actor=administrator, family=family, reason="x", today=TODAY)
    services.hold_lift(actor=administrator, hold=hold)
    services.family_erase(actor=administrator, family=family, reason="x", today=TODAY)
    assert Erasure.objects.filter(family=family).exists()


def test_a_family_not_past_retention_cannot_be_erased(family, caseworker, administrator):
    _end_effort(family, caseworker, TODAY - datetime.timedelta(days=30))
    with pytest.raises(services.RetentionError):
        services.family_erase(actor=administrator, family=family, reason="x", today=TODAY)
    assert Person.objects.filter(family=family, first_name="Amina").exists()


def test_the_administrator_reviews_and_erases_through_the_pages(
    login, family, caseworker, administrator
):
    _end_effort(family, caseworker, timezone.localdate() - datetime.timedelta(days=6 * 366))
    list_due()
    client = login(administrator)
    page = client.get(reverse("retention:review")).content.decode()
    assert family.case_number in page and "Amina" not in page
    url = reverse("retention:erase", args=[family.pk])
    response = client.post(url, {"reason": "Udløbet", "case_number": "BI18-9999"})
    assert "Sagsnummeret passer ikke til familien" in response.content.decode()
    assert not Erasure.objects.exists()
    response = client.post(
        url, {"reason": "Udløbet", "case_number": family.case_number}, follow=True
    )
    assert "blev slettet" in response.content.decode()
    assert not Person.objects.filter(first_name="Amina").exists()
    # The former coordinator no longer sees the family.
    client.logout()
    assert login(caseworker).get(reverse("families:detail", args=[family.pk])).status_code == 404


def test_caseworkers_cannot_reach_the_retention_pages(login, family, caseworker):
    assert login(caseworker).get(reverse("retention:review")).status_code == 403
