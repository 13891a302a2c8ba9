"""Change history of people, families and track records (issue 13 §5)."""

import datetime

from django.urls import reverse

from families import services
from families.forms import FamilyForm, PersonForm
from families.history.models import ChangeRecord
from families.models import Family, Person


def _as_is(obj, form, **changes) -> dict:
    """The fields `form` edits, as they are on `obj`, with `changes`."""
    return {name: getattr(obj, name) for name in form.Meta.fields} | changes


def test_a_change_to_a_person_is_kept_with_before_and_after(login, family, caseworker):
    amina = family.people.get(first_name="Amina")
    client = login(caseworker)
    services.person_update(
        actor=caseworker,
        person=amina,
        version=amina.version,
        **_as_is(amina, PersonForm, first_name="Aminah"),
    )
    record = ChangeRecord.objects.get(person=amina, action="changed")
    assert record.changes == {"first_name": ["Amina", "Aminah"]}
    page = client.get(reverse("history:family", args=[family.pk])).content.decode()
    assert "Aminah" in page and "Fornavn" in page


def test_a_cpr_number_is_never_in_the_history(family, caseworker):
    from families.cpr import parse_cpr

    omar = family.people.get(first_name="Omar")
    services.person_update(
        actor=caseworker,
        person=omar,
        version=omar.version,
        cpr=parse_cpr("010190-1231"),
        **_as_is(omar, PersonForm),
    )
    record = ChangeRecord.objects.get(person=omar, action="changed")
    assert record.changes["cpr"] == ["", "••••"]
    assert "0101901231" not in str(record.changes) and "1231" not in str(record.changes)


def test_status_changes_and_family_edits_are_kept(family, caseworker):
    services.family_change_status(
        actor=caseworker, family=family, to_status="enrolled", reason="Samtykke givet"
    )
    fam = Family.objects.get(pk=family.pk)
    services.family_update(
        actor=caseworker,
        family=fam,
        version=fam.version,
        **_as_is(fam, FamilyForm, cohort="2027-1"),
    )
    changes = [r.changes for r in ChangeRecord.objects.filter(family=family, person=None)]
    assert {"cohort": ["2026-1", "2027-1"]} in changes
    assert any(c.get("status") == ["screened", "enrolled"] for c in changes)


def test_track_records_keep_a_history(family, caseworker):
    from employment import services as employment_services

    amina = family.people.get(first_name="Amina")
    track = employment_services.track_create(
        actor=caseworker,
        person=amina,
        kind="intensive",
        start=datetime.date(2026, 1, 5),
    )
    employment_services.track_update(
        actor=caseworker,
        track=track,
        version=track.version,
        kind=track.kind,
        start=track.start,
        company_consultant=None,
        employment_consultant=None,
        goal="Lagerarbejde",
        goal_industry="",
        internship_aim="",
    )
    records = ChangeRecord.objects.filter(model="employment.employmenttrack", person=amina)
    assert [r.action for r in records.order_by("id")] == ["created", "changed"]
    assert records.order_by("id").last().changes == {"goal": ["", "Lagerarbejde"]}


def test_the_history_outlives_the_audit_purge(family, caseworker, settings):
    from bi18.audit.tasks import purge_expired

    amina = family.people.get(first_name="Amina")
    services.person_update(
        actor=caseworker,
        person=amina,
        version=amina.version,
        **_as_is(amina, PersonForm, last_name="H."),
    )
    ChangeRecord.objects.update(at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    purge_expired()
    assert ChangeRecord.objects.filter(person=amina).exists()


def test_a_youth_counsellor_sees_no_parent_in_the_history(login, family, caseworker):
    from bi18.accounts.roles import Role
    from tests.factories import UserFactory, add_member

    uu = UserFactory(username="uu", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    amina = family.people.get(first_name="Amina")
    sara = family.people.get(first_name="Sara")
    for person, language in ((amina, "Somali"), (sara, "Arabisk")):
        services.person_update(
            actor=caseworker,
            person=person,
            version=person.version,
            **_as_is(person, PersonForm, language=language),
        )
    page = login(uu).get(reverse("history:family", args=[family.pk])).content.decode()
    assert "Arabisk" in page and "Somali" not in page
    assert Person.objects.filter(pk=amina.pk).exists()


def test_a_consultant_sees_no_youth_track_changes_and_a_counsellor_no_employment_changes(
    login, family, caseworker
):
    """The history follows the record kinds' policies too (families.access), not only the
    people: a youth track is not for the employment roles, a track not for the youth roles."""
    from bi18.accounts.roles import Role
    from employment import services as employment_services
    from tests.factories import UserFactory, add_member
    from youth import services as youth_services

    consultant = UserFactory(username="ec", role=Role.EMPLOYMENT_CONSULTANT)
    add_member(family, consultant, role=Role.EMPLOYMENT_CONSULTANT)
    uu = UserFactory(username="uu", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    amina = family.people.get(first_name="Amina")
    sara = family.people.get(first_name="Sara")
    employment_services.track_create(
        actor=caseworker,
        person=amina,
        kind="intensive",
        start=datetime.date(2026, 1, 5),
    )
    youth_services.track_create(
        actor=caseworker,
        person=sara,
        education_effort=True,
        leisure_job_effort=False,
        start=datetime.date(2026, 1, 5),
        planned_end=None,
        actual_end=None,
        retention_counsellor=None,
        guidance_counsellor=None,
    )
    url = reverse("history:family", args=[family.pk])
    as_consultant = login(consultant).get(url).context["page"].object_list
    assert {r.model for r in as_consultant} >= {"employment.employmenttrack"}
    assert not [r for r in as_consultant if r.model.startswith("youth.")]
    as_uu = login(uu).get(url).context["page"].object_list
    assert {r.model for r in as_uu} >= {"youth.youthtrack"}
    assert not [r for r in as_uu if r.model.startswith("employment.")]
    as_caseworker = {r.model for r in login(caseworker).get(url).context["page"].object_list}
    assert {"employment.employmenttrack", "youth.youthtrack"} <= as_caseworker
