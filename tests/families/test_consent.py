"""Consent and legal basis per family and agency (issue 13 §3)."""

import datetime

import pytest
from django.urls import reverse

from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from families import services as family_services
from families.consent import services
from families.consent.agencies import ROLE_AGENCY, Agency
from families.consent.models import SharingBasis
from families.models import NetworkMember, PersonRole
from tests.factories import FamilyFactory, PersonFactory, UserFactory, add_member, assign


@pytest.fixture
def uu(db):
    return UserFactory(username="uu", role=Role.YOUTH_GUIDANCE_COUNSELLOR)


@pytest.fixture
def group(family, caseworker, uu, employment_consultant):
    add_member(family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(family, employment_consultant, role=Role.EMPLOYMENT_CONSULTANT)
    return family


def _uu_basis(family):
    return SharingBasis.objects.get(family=family, agency=Agency.UU)


def test_every_caseworker_role_works_for_an_agency():
    from bi18.accounts.roles import CASEWORKER_ROLES

    assert set(CASEWORKER_ROLES) == set(ROLE_AGENCY)


def test_withdrawing_uu_consent_removes_the_uu_member_in_the_same_request(
    login, group, caseworker, uu, client
):
    family_url = reverse("families:detail", args=[group.pk])
    assert login(uu).get(family_url).status_code == 200
    client.logout()
    response = login(caseworker).post(
        reverse("consent:withdraw", args=[group.pk, _uu_basis(group).pk]),
        {"note": "Moren trak samtykket tilbage i telefonen"},
        follow=True,
    )
    assert "1 bruger(e) mistede adgangen til familien" in response.content.decode()
    assert not NetworkMember.objects.filter(family=group, user=uu).exists()
    # The job centre keeps its access: only UU's basis was withdrawn.
    assert NetworkMember.objects.filter(
        family=group, group_role=Role.EMPLOYMENT_CONSULTANT
    ).exists()
    client.logout()
    assert login(uu).get(family_url).status_code == 404
    revoked = AuditEvent.objects.get(event="consent.access.revoked")
    assert revoked.family_id == group.pk and revoked.detail["user_id"] == uu.pk


def test_withdrawal_ends_a_counsellors_person_assignment(family, caseworker, retention_counsellor):
    sara = family.people.get(first_name="Sara")
    assign(sara, retention_counsellor, role=Role.RETENTION_COUNSELLOR)
    school = SharingBasis.objects.get(family=family, agency=Agency.SCHOOL)
    revoked = services.basis_withdraw(actor=caseworker, basis=school)
    assert revoked == [retention_counsellor.pk]
    from families.models import Person

    assert not Person.objects.visible_to(retention_counsellor).filter(pk=sara.pk).exists()


def test_another_valid_basis_keeps_the_access(group, caseworker, uu):
    services.basis_record(
        actor=caseworker,
        family=group,
        agency=Agency.UU,
        kind="law",
        valid_from=datetime.date(2024, 1, 1),
        legal_reference="Vejledningsloven § 2 a",
    )
    consent = SharingBasis.objects.get(family=group, agency=Agency.UU, kind="consent")
    assert services.basis_withdraw(actor=caseworker, basis=consent) == []
    assert NetworkMember.objects.filter(family=group, user=uu).exists()


def test_a_member_of_an_agency_without_a_basis_cannot_be_added(caseworker, uu):
    family = FamilyFactory(consent=False)
    add_member(family, caseworker, coordinator=True)
    with pytest.raises(family_services.ServiceError, match="Ungdommens Uddannelsesvejledning|UU"):
        family_services.member_add(
            actor=caseworker, family=family, user=uu, group_role=Role.YOUTH_GUIDANCE_COUNSELLOR
        )
    # The family's own caseworkers (social services) need no sharing basis.
    other = UserFactory(username="cw2", role=Role.FAMILY_CASEWORKER)
    family_services.member_add(
        actor=caseworker, family=family, user=other, group_role=Role.FAMILY_CASEWORKER
    )


def test_the_group_page_says_why_a_member_cannot_be_added(login, caseworker, uu):
    family = FamilyFactory(consent=False)
    add_member(family, caseworker, coordinator=True)
    response = login(caseworker).post(
        reverse("networkgroup:group", args=[family.pk]),
        {"user": uu.pk, "group_role": Role.YOUTH_GUIDANCE_COUNSELLOR},
    )
    assert response.status_code == 200
    assert "Der er ikke registreret et gyldigt samtykke" in response.content.decode()
    assert not NetworkMember.objects.filter(user=uu).exists()


def test_a_withdrawn_basis_is_not_valid_and_a_new_member_is_refused(group, caseworker):
    services.basis_withdraw(actor=caseworker, basis=_uu_basis(group))
    newcomer = UserFactory(username="uu2", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    with pytest.raises(family_services.ServiceError):
        family_services.member_add(
            actor=caseworker, family=group, user=newcomer, group_role=Role.YOUTH_GUIDANCE_COUNSELLOR
        )


def test_an_expired_basis_removes_access_in_the_nightly_job(group, caseworker, uu):
    SharingBasis.objects.filter(family=group, agency=Agency.UU).update(
        valid_until=datetime.date(2025, 12, 31)
    )
    from families.consent.tasks import enforce_lapsed

    assert enforce_lapsed() == 1
    assert not NetworkMember.objects.filter(family=group, user=uu).exists()
    assert enforce_lapsed() == 0  # idempotent


def test_the_family_page_shows_the_basis_at_a_glance(login, caseworker, uu):
    family = FamilyFactory(consent=False)
    add_member(family, caseworker, coordinator=True)
    add_member(family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    page = login(caseworker).get(reverse("families:detail", args=[family.pk])).content.decode()
    assert "Samtykke og hjemmel" in page
    assert "Ingen gyldig hjemmel" in page


def test_recording_a_basis_through_the_page(login, caseworker):
    family = FamilyFactory(consent=False)
    add_member(family, caseworker, coordinator=True)
    response = login(caseworker).post(
        reverse("consent:family", args=[family.pk]),
        {
            "agency": "jobcenter",
            "kind": "law",
            "legal_reference": "LAB § 21",
            "valid_from": "2026-01-05",
            "valid_until": "2025-01-01",
            "note": "",
        },
    )
    assert "Slutdatoen kan ikke ligge før startdatoen" in response.content.decode()
    assert not SharingBasis.objects.filter(family=family).exists()
    data = {
        "agency": "jobcenter",
        "kind": "law",
        "legal_reference": "LAB § 21",
        "valid_from": "2026-01-05",
    }
    response = login(caseworker).post(
        reverse("consent:family", args=[family.pk]), data, follow=True
    )
    assert "LAB § 21" in response.content.decode()
    assert SharingBasis.objects.get(family=family).recorded_by == caseworker


def test_only_the_case_owner_records_and_outsiders_get_404(login, group, uu, other_caseworker):
    url = reverse("consent:family", args=[group.pk])
    assert login(uu).get(url).status_code == 200
    assert (
        login(uu).post(url, {"agency": "uu", "kind": "law", "valid_from": "2026-01-01"}).status_code
        == 404
    )
    assert (
        login(uu)
        .post(reverse("consent:withdraw", args=[group.pk, _uu_basis(group).pk]))
        .status_code
        == 404
    )
    assert login(other_caseworker).get(url).status_code == 404


def test_the_old_consent_date_becomes_recorded_consent(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("families.consent.migrations.0002_from_family_consent_date")
    family = FamilyFactory(consent=False, consent_given_on=datetime.date(2025, 3, 1))
    FamilyFactory(consent=False)
    migration.forwards(apps, None)
    assert set(SharingBasis.objects.filter(family=family).values_list("agency", flat=True)) == {
        "jobcenter",
        "uu",
        "school",
    }
    assert SharingBasis.objects.count() == 3
    migration.backwards(apps, None)
    assert SharingBasis.objects.count() == 0


def test_a_mentor_needs_a_job_centre_basis(caseworker, job_mentor):
    from employment import services as employment_services
    from tests.employment_factories import TrackFactory

    family = FamilyFactory(consent=False)
    parent = PersonFactory(family=family, role=PersonRole.PARENT)
    track = TrackFactory(person=parent)
    with pytest.raises(family_services.ServiceError):
        employment_services.mentor_assign(
            actor=caseworker,
            track=track,
            mentor=job_mentor,
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 3, 1),
        )


def test_the_signed_form_is_kept_as_an_encrypted_document(login, caseworker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    family = FamilyFactory(consent=False)
    add_member(family, caseworker, coordinator=True)
    client = login(caseworker)
    form = SimpleUploadedFile("samtykke.pdf", b"%PDF-1.4\nunderskrevet\n%%EOF\n")
    data = {"agency": "uu", "kind": "consent", "valid_from": "2026-01-05", "signed_form": form}
    page = client.post(reverse("consent:family", args=[family.pk]), data, follow=True)
    basis = SharingBasis.objects.get(family=family)
    assert basis.signed_form.kind == "consent_form"
    download = reverse("records:document_download", args=[basis.signed_form_id])
    assert download in page.content.decode()
    assert client.get(download).content == b"%PDF-1.4\nunderskrevet\n%%EOF\n"
    fake = SimpleUploadedFile("samtykke.pdf", b"just text, not a form")
    data = {"agency": "school", "kind": "consent", "valid_from": "2026-01-05", "signed_form": fake}
    page = client.post(reverse("consent:family", args=[family.pk]), data)
    assert "ikke en PDF" in page.content.decode()
    assert not SharingBasis.objects.filter(agency="school").exists()
