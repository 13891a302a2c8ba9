"""The target-group import assigns a coordinator (issue 9 §4): a `coordinator` column
(user names) or a default chosen at upload. Coordinators are access an administrator
grants, so they take effect when a second administrator approves them (four eyes)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from bi18.accounts.models import GrantStatus
from bi18.accounts.roles import Role
from families.models import Family, NetworkMember, TargetGroupImport
from families.staffing.models import AccessGrant, GrantSource
from tests.factories import UserFactory
from tests.families.test_import import COLUMNS, family_rows, run, to_csv

pytestmark = pytest.mark.django_db

WITH_COORDINATOR = (*COLUMNS, "coordinator")


def _csv(rows) -> bytes:
    lines = [";".join(WITH_COORDINATOR)]
    lines += [";".join(row.get(c, "") for c in WITH_COORDINATOR) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def mette(db):
    return UserFactory(username="mette", first_name="Mette", role=Role.FAMILY_CASEWORKER)


@pytest.fixture
def jonas(db):
    return UserFactory(username="jonas", first_name="Jonas", role=Role.FAMILY_CASEWORKER)


@pytest.fixture
def admin2(db):
    return UserFactory(username="admin2", role=Role.ADMIN)


def _upload(client, data: bytes, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("families:import"),
        {"file": SimpleUploadedFile("udtraek.csv", data, content_type="text/csv"), **fields},
    )


def test_a_default_coordinator_chosen_at_upload_coordinates_every_new_family_after_approval(
    login, administrator, admin2, mette
):
    client = login(administrator)
    rows = family_rows("H1", 1) + family_rows("H2", 10)
    response = _upload(client, to_csv(rows), default_coordinator=mette.pk)
    upload = TargetGroupImport.objects.get()
    assert response.status_code == 302 and upload.default_coordinator == mette
    preview = client.get(response["Location"]).text
    assert "2 familier får en koordinator, når en anden administrator godkender det" in preview
    assert not AccessGrant.objects.exists()  # the dry run writes nothing

    client.post(reverse("families:import_commit", args=[upload.pk]))
    families = list(Family.objects.order_by("pk"))
    grants = AccessGrant.objects.filter(source=GrantSource.IMPORT)
    assert {g.family_id for g in grants} == {f.pk for f in families}
    assert all(g.user == mette and g.is_coordinator and g.status == "pending" for g in grants)
    assert {g.batch for g in grants} == {f"import-{upload.pk}"}
    # Until a second administrator approves, Mette sees neither family.
    assert not Family.objects.visible_to(mette).exists()
    result = client.get(reverse("families:import_result", args=[upload.pk])).text
    assert "2 familier får en koordinator" in result

    login(admin2).post(reverse("staffing:batch_approve", args=[f"import-{upload.pk}"]))
    assert AccessGrant.objects.filter(status=GrantStatus.APPROVED).count() == 2
    for family in families:
        member = NetworkMember.objects.get(family=family)
        assert member.user == mette and member.is_coordinator
    assert Family.objects.visible_to(mette).count() == 2


def test_the_coordinator_column_names_each_households_coordinator(administrator, mette, jonas):
    rows = [
        *({**r, "coordinator": "mette"} for r in family_rows("H1", 1)),
        *(
            {**r, "coordinator": "jonas" if i == 0 else ""}
            for i, r in enumerate(family_rows("H2", 10))
        ),
        *family_rows("H3", 20),  # no column value: the default
    ]
    report = run(_csv(rows), actor=administrator, default_coordinator=jonas)
    assert report.coordinators_assigned == 3 and report.without_coordinator == 0
    by_household = {
        g.family.household_id: g.user.username
        for g in AccessGrant.objects.select_related("family", "user")
    }
    assert by_household == {"H1": "mette", "H2": "jonas", "H3": "jonas"}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nobody", "Ingen aktiv familierådgiver har dette brugernavn."),
        ("inactive", "Ingen aktiv familierådgiver har dette brugernavn."),
        ("mentor", "Ingen aktiv familierådgiver har dette brugernavn."),
        ("administrator", "Ingen aktiv familierådgiver har dette brugernavn."),
    ],
)
def test_an_unknown_or_unfit_coordinator_rejects_the_household_clearly(
    administrator, mette, name, message
):
    UserFactory(username="inactive", role=Role.FAMILY_CASEWORKER, is_active=False)
    UserFactory(username="mentor", role=Role.JOB_MENTOR)
    rows = [{**r, "coordinator": name} for r in family_rows("H1", 1)] + family_rows("H2", 10)
    report = run(_csv(rows), actor=administrator, default_coordinator=mette)
    assert report.families_created == 1
    assert {"row": 2, "field": "coordinator", "message": message} in report.rejected
    assert name not in str(report.as_dict())  # messages never quote a cell's value
    assert AccessGrant.objects.get().family.household_id == "H2"


def test_rows_of_one_household_naming_different_coordinators_are_rejected(
    administrator, mette, jonas
):
    rows = family_rows("H1", 1)
    rows[0]["coordinator"], rows[1]["coordinator"] = "mette", "jonas"
    report = run(_csv(rows), actor=administrator)
    assert report.families_created == 0
    assert any(
        r["message"] == "Rækkerne for denne husstand angiver forskellige koordinatorer."
        for r in report.rejected
    )


def test_reimporting_assigns_no_second_coordinator(administrator, admin2, mette, jonas):
    data = to_csv(family_rows("H1", 1))
    run(data, actor=administrator, default_coordinator=mette)
    run(data, actor=administrator, default_coordinator=jonas)  # pending: nothing new
    assert AccessGrant.objects.count() == 1
    grant = AccessGrant.objects.get()
    from families.staffing.services import grant_approve

    grant_approve(actor=admin2, grant=grant)
    report = run(data, actor=administrator, default_coordinator=jonas)
    assert report.coordinators_assigned == 0 and AccessGrant.objects.count() == 1


def test_without_a_coordinator_the_report_says_so_and_the_family_is_listed(login, administrator):
    report = run(to_csv(family_rows("H1", 1)), actor=administrator)
    assert report.without_coordinator == 1 and report.coordinators_assigned == 0
    family = Family.objects.get()
    page = login(administrator).get(reverse("staffing:orphans")).text
    assert family.case_number in page


def test_the_administrator_cannot_make_themselves_coordinator(login, administrator):
    administrator.groups.add(*UserFactory(role=Role.FAMILY_CASEWORKER).groups.all())
    client = login(administrator)
    page = client.get(reverse("families:import")).text
    assert f'<option value="{administrator.pk}"' not in page
    response = _upload(client, to_csv(family_rows("H1", 1)), default_coordinator=administrator.pk)
    assert response.status_code == 200
    assert "Marker en gyldig valgmulighed" in response.text
    assert not TargetGroupImport.objects.exists()


def test_the_command_takes_a_default_coordinator(tmp_path, mette):
    path = tmp_path / "udtraek.csv"
    path.write_bytes(to_csv(family_rows("H1", 1)))
    out = io.StringIO()
    call_command("import_target_group", str(path), "--coordinator", "mette", stdout=out)
    assert "Koordinatorer tildelt (afventer en administrators godkendelse): 1" in out.getvalue()
    grant = AccessGrant.objects.get()
    assert grant.user == mette and grant.requested_by is None
