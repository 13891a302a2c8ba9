"""Target-group import: the importer, the command and the administrators' upload page."""

import datetime
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from bi18.audit.labels import event_label
from bi18.audit.models import AuditEvent
from families import importer
from families.cpr import cpr_hash, decrypt_cpr
from families.import_views import RECENT_UPLOADS
from families.importer import ImportFileError, target_group_import
from families.models import Family, Person, PersonRole, TargetGroupImport
from tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db

COLUMNS = importer.COLUMNS
TODAY = datetime.date(2026, 11, 26)


def cpr_for(i: int) -> str:
    """A fictitious CPR number with a real date (1900s: 7th digit 1)."""
    day = datetime.date(1980, 1, 1) + datetime.timedelta(days=i)
    return f"{day:%d%m%y}-1{i % 1000:03d}"


def child_cpr_for(i: int) -> str:
    day = datetime.date(2010, 1, 1) + datetime.timedelta(days=i)
    return f"{day:%d%m%y}-4{i % 1000:03d}"  # 7th digit 4, year ≤ 36: 2000s


def parent(household="H1", n=1, **overrides) -> dict:
    values = {
        "household_id": household,
        "cpr": cpr_for(n),
        "first_name": "Søren",
        "last_name": "Ærø",
        "role": "parent",
        "district": "Amager Øst",
        "benefit_category": "activity_ready",
        "benefit_since": "2020-01-15",
        "in_other_effort": "no",
        "language": "arabisk",
        "interpreter_needed": "yes",
    }
    values.update(overrides)
    return values


def kid(household="H1", n=1, **overrides) -> dict:
    values = {
        "household_id": household,
        "cpr": child_cpr_for(n),
        "first_name": "Åse",
        "last_name": "Ærø",
        "role": "child",
        "district": "Amager Øst",
        "benefit_category": "",
        "benefit_since": "",
        "in_other_effort": "",
        "language": "",
        "interpreter_needed": "",
    }
    values.update(overrides)
    return values


def to_csv(rows, delimiter=";", encoding="utf-8", header=COLUMNS) -> bytes:
    lines = [delimiter.join(header)]
    lines += [delimiter.join(row[c] for c in COLUMNS) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def family_rows(household="H1", base=1, **overrides):
    """Two parents and a child; `overrides` apply to every row."""
    second = {"first_name": "Amina", "language": "", "interpreter_needed": "no", **overrides}
    return [
        parent(household, base, **overrides),
        parent(household, base + 1, **second),
        kid(household, base, **overrides),
    ]


def run(rows_or_bytes, **kwargs):
    data = rows_or_bytes if isinstance(rows_or_bytes, bytes) else to_csv(rows_or_bytes)
    kwargs.setdefault("today", TODAY)
    return target_group_import(data=data, **kwargs)


def snapshot():
    return (
        list(Family.objects.order_by("pk").values()),
        list(Person.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


# --- Good rows ------------------------------------------------------------------------


def test_good_rows_create_families_and_people_with_their_fields():
    report = run(
        family_rows("H1", 1) + family_rows("H2", 10, district="Vesterbro/Kgs. Enghave"),
        cohort="2026-1",
    )

    assert report.as_dict() == {
        "families_created": 2,
        "families_updated": 0,
        "people_created": 6,
        "people_updated": 0,
        "excluded": [],
        "rejected": [],
        # No coordinator column and no default: the report says so (issue 9 §4).
        "coordinators_assigned": 0,
        "without_coordinator": 2,
    }
    h1 = Family.objects.get(household_id="H1")
    assert h1.case_number.startswith("BI18-")
    assert h1.district == "amager_oest"
    assert h1.cohort == "2026-1"
    assert h1.preferred_language == "arabisk"
    assert h1.interpreter_needed is True
    assert h1.target_group_source == "Registerudtræk (import)"
    assert h1.target_group_date == TODAY
    assert Family.objects.get(household_id="H2").district == "vesterbro_kgs_enghave"

    soeren = Person.objects.get(cpr_hash=cpr_hash(cpr_for(1)))
    assert (soeren.first_name, soeren.last_name, soeren.role) == ("Søren", "Ærø", PersonRole.PARENT)
    assert soeren.family == h1
    assert soeren.benefit_category == "activity_ready"
    assert soeren.benefit_since == datetime.date(2020, 1, 15)
    assert soeren.date_of_birth == datetime.date(1980, 1, 2)
    assert decrypt_cpr(soeren.cpr_encrypted).formatted == cpr_for(1)
    child = Person.objects.get(cpr_hash=cpr_hash(child_cpr_for(1)))
    assert child.role == PersonRole.CHILD
    assert child.benefit_category == ""
    assert child.date_of_birth.year == 2010


def test_many_new_families_get_distinct_case_numbers_after_the_highest_existing_one():
    FamilyFactory(case_number="BI18-9999")
    FamilyFactory(case_number="BI18-10000")  # a string maximum would say BI18-9999
    rows = [r for h in range(30) for r in family_rows(f"H{h}", base=10 * h + 1)]

    assert run(rows).families_created == 30

    numbers = sorted(
        int(n.removeprefix("BI18-"))
        for n in Family.objects.exclude(household_id=None).values_list("case_number", flat=True)
    )
    assert numbers == list(range(10001, 10031))


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("role", "Forælder"),
        ("role", "PARENT"),
        ("district", "AMAGER ØST"),
        ("district", "amager_oest"),
        ("district", "  amager   øst "),
        ("benefit_category", "Aktivitetsparat"),
        ("benefit_since", "15-01-2020"),
        # The one set of date formats (bi18.lib.dates), as the expenditure import and forms.
        ("benefit_since", "15/01/2020"),
        ("benefit_since", "15.01.20"),
        ("in_other_effort", "Nej"),
        ("interpreter_needed", "JA"),
        ("cpr", "0201801001"),
    ],
)
def test_lenient_spellings_are_accepted(column, value):
    rows = family_rows()
    rows[0][column] = value
    report = run(rows)
    assert report.rejected == []
    assert report.people_created == 3


# --- Bad rows: each field -------------------------------------------------------------

BAD = [
    ("household_id", "", "parent"),
    ("household_id", "H" * 41, "parent"),
    ("household_id", "120385-4012", "parent"),
    ("cpr", "", "parent"),
    ("cpr", "12345", "parent"),
    ("cpr", "320185-1234", "parent"),  # no 32nd day
    ("cpr", "201801001", "parent"),  # nine digits: Excel dropped the leading zero
    ("cpr", "010150-5000", "parent"),  # born 2050
    ("first_name", "", "parent"),
    ("first_name", "x" * 101, "parent"),
    ("last_name", "", "parent"),
    ("role", "grandparent", "parent"),
    ("district", "Atlantis", "parent"),
    ("district", "", "parent"),
    ("benefit_category", "", "parent"),
    ("benefit_category", "rich", "parent"),
    ("benefit_category", "job_ready", "child"),
    ("benefit_since", "2020-13-01", "parent"),
    ("benefit_since", "15/13/2020", "parent"),
    ("benefit_since", "January 2020", "parent"),
    ("benefit_since", "2999-01-01", "parent"),
    ("benefit_since", "1970-01-01", "parent"),  # before birth
    ("benefit_since", "2020-01-01", "child"),
    ("in_other_effort", "maybe", "parent"),
    ("in_other_effort", "", "parent"),
    ("in_other_effort", "maybe", "child"),
    ("language", "x" * 61, "parent"),
    ("interpreter_needed", "perhaps", "parent"),
]


@pytest.mark.parametrize(("column", "value", "role"), BAD)
def test_a_bad_value_rejects_the_row_naming_row_field_and_reason(column, value, role):
    rows = family_rows()
    index = 0 if role == "parent" else 2
    rows[index][column] = value

    report = run(rows)

    own = [r for r in report.rejected if r["row"] == index + 2]
    assert [r["field"] for r in own] == [column]
    assert own[0]["message"]
    if column == "household_id":
        # Without a valid household id the row belongs to no household: the rest stays.
        assert report.people_created == 2
    else:
        assert report.people_created == 0
        assert not Person.objects.exists()


def test_a_row_with_more_values_than_columns_is_rejected():
    data = to_csv(family_rows()).replace(b"arabisk;yes\r\n", b"arabisk;yes;extra\r\n", 1)
    report = run(data)
    assert {k: report.rejected[0][k] for k in ("row", "field")} == {"row": 2, "field": "row"}


def test_a_household_with_one_bad_row_is_skipped_whole_and_the_others_are_imported():
    rows = family_rows("H1", 1) + family_rows("H2", 10)
    rows[1]["district"] = "Atlantis"  # row 3, household H1

    report = run(rows)

    assert report.families_created == 1
    assert report.people_created == 3
    assert set(Family.objects.values_list("household_id", flat=True)) == {"H2"}
    assert report.rejected[0]["row"] == 2
    assert report.rejected[0]["field"] == "household_id"
    assert "3" in report.rejected[0]["message"]
    assert [(r["row"], r["field"]) for r in report.rejected] == [
        (2, "household_id"),
        (3, "district"),
        (4, "household_id"),
    ]


def test_rows_of_one_household_naming_different_districts_are_rejected():
    rows = family_rows()
    rows[2]["district"] = "Valby"
    report = run(rows)
    assert (4, "district") in [(r["row"], r["field"]) for r in report.rejected]
    assert not Family.objects.exists()


def test_a_household_without_a_parent_row_is_rejected():
    report = run([kid("H1", 1), kid("H1", 2)])
    assert [(r["row"], r["field"]) for r in report.rejected] == [(2, "role"), (3, "household_id")]


def test_the_same_cpr_number_twice_rejects_both_rows_clearly():
    rows = family_rows("H1", 1) + family_rows("H2", 10)
    rows[3]["cpr"] = rows[0]["cpr"]  # row 5 repeats row 2's person

    report = run(rows)

    duplicates = [r for r in report.rejected if r["field"] == "cpr"]
    assert [r["row"] for r in duplicates] == [2, 5]
    assert "2, 5" in duplicates[0]["message"]
    assert report.people_created == 0


def test_row_numbers_are_excel_rows_counting_the_header_and_blank_lines():
    bad = family_rows()
    bad[0]["district"] = "Atlantis"
    header, rest = to_csv(bad).split(b"\r\n", 1)
    data = header + b"\r\n\r\n;;;;;;;;;;\r\n" + rest  # a blank line and an empty Excel row

    report = run(data)

    assert report.rejected[0]["row"] == 4  # header 1, two empty rows, then the parent
    assert report.rows_read == 3


# --- Exclusion ------------------------------------------------------------------------


def test_a_parent_in_another_special_effort_is_excluded_and_not_stored():
    rows = family_rows()
    rows[0]["in_other_effort"] = "yes"

    report = run(rows)

    assert [e["row"] for e in report.excluded] == [2]
    assert report.excluded[0]["reason"]
    assert report.people_created == 2
    assert not Person.objects.filter(cpr_hash=cpr_hash(cpr_for(1))).exists()
    # The family's language comes from the parents who are enrolled.
    assert Family.objects.get().interpreter_needed is False


def test_a_household_whose_parents_are_all_excluded_is_not_imported():
    rows = family_rows()
    rows[0]["in_other_effort"] = rows[1]["in_other_effort"] = "yes"

    report = run(rows)

    assert [e["row"] for e in report.excluded] == [2, 3, 4]
    assert report.families_created == report.people_created == 0
    assert not Family.objects.exists()


# --- Idempotency and updates ----------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing():
    data = to_csv(family_rows("H1", 1) + family_rows("H2", 10))
    run(data, cohort="2026-1")
    before = snapshot()[:2]

    report = run(data, cohort="2026-1")

    assert (report.families_created, report.families_updated) == (0, 0)
    assert (report.people_created, report.people_updated) == (0, 0)
    assert snapshot()[:2] == before
    # Without --cohort the cohort stays as it was.
    assert run(data).families_updated == 0


def test_a_changed_row_updates_the_person():
    run(family_rows())
    soeren = Person.objects.get(cpr_hash=cpr_hash(cpr_for(1)))
    rows = family_rows()
    rows[0]["last_name"] = "Østergård"
    rows[0]["benefit_category"] = "job_ready"

    report = run(rows)

    assert (report.people_created, report.people_updated) == (0, 1)
    assert report.families_updated == 0
    soeren.refresh_from_db()
    assert soeren.last_name == "Østergård"
    assert soeren.benefit_category == "job_ready"
    assert soeren.version == 2


@pytest.mark.parametrize(
    ("change", "kwargs"),
    [
        ({"district": "Valby"}, {}),
        ({"language": "somali"}, {}),  # on every row, the first parent's included
        ({}, {"cohort": "2027-1"}),
    ],
)
def test_a_family_whose_district_language_or_cohort_changes_counts_as_updated(change, kwargs):
    run(family_rows(), cohort="2026-1")
    report = run(family_rows(**change), **kwargs)
    assert report.families_updated == 1
    family = Family.objects.get()
    assert family.version == 2
    if "district" in change:
        assert family.district == "valby"
        assert report.people_updated == 0
    if kwargs:
        assert family.cohort == "2027-1"


def test_a_person_who_moves_to_another_household_is_updated():
    run(family_rows("H1", 1) + family_rows("H2", 10))
    moved = family_rows("H1", 1)[:2] + family_rows("H2", 10) + [kid("H2", 1)]
    report = run(moved)
    assert report.people_updated == 1
    child = Person.objects.get(cpr_hash=cpr_hash(child_cpr_for(1)))
    assert child.family.household_id == "H2"


# --- Delimiters, encodings, headers, bad files ----------------------------------------


@pytest.mark.parametrize("delimiter", [";", ","])
def test_comma_and_semicolon_delimiters_are_both_read(delimiter):
    report = run(to_csv(family_rows(), delimiter=delimiter))
    assert report.people_created == 3
    assert report.rejected == []


def test_excel_sep_line_sets_the_delimiter_and_is_not_a_row():
    bad = family_rows()
    bad[0]["district"] = "Atlantis"
    report = run(b"sep=,\r\n" + to_csv(bad, delimiter=","))
    assert [(r["row"], r["field"]) for r in report.rejected][:2] == [
        (2, "district"),
        (3, "household_id"),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_utf8_with_and_without_bom_and_windows_1252_keep_danish_letters(encoding):
    rows = family_rows()
    rows[2]["first_name"] = "Émile"
    data = to_csv(rows, encoding=encoding)
    if encoding == "cp1252":
        assert "Ø".encode("cp1252") in data and b"\xc3" not in data
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")

    report = run(data)

    assert report.rejected == []
    assert Family.objects.get().district == "amager_oest"
    names = set(Person.objects.values_list("first_name", "last_name"))
    assert names == {("Søren", "Ærø"), ("Amina", "Ærø"), ("Émile", "Ærø")}


def test_header_case_and_whitespace_are_tolerated():
    header = [f"  {c.upper()} " for c in COLUMNS]
    report = run(to_csv(family_rows(), header=header))
    assert report.people_created == 3


def test_a_missing_column_is_a_clear_file_error():
    header = [c if c != "district" else "bydel" for c in COLUMNS]
    with pytest.raises(ImportFileError, match="district"):
        run(to_csv(family_rows(), header=header))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \r\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04\x14\x00\x06\x00",
        ";".join(COLUMNS).encode() + b"\r\n",
        b"\x81\x8d\x8f\x90\x9d",
    ],
    ids=["empty", "blank", "png", "xlsx", "header-only", "undecodable"],
)
def test_an_unreadable_file_is_a_file_error_and_writes_nothing(data):
    with pytest.raises(ImportFileError) as exc:
        run(data)
    assert exc.value.message
    assert not Family.objects.exists()


# --- Dry run and audit ----------------------------------------------------------------


def test_a_dry_run_writes_nothing_and_reports_the_same_numbers_as_the_real_run():
    run(family_rows("H0", 50))
    rows = family_rows("H0", 50, district="Valby") + family_rows("H1", 1) + family_rows("H2", 10)
    rows[3]["in_other_effort"] = "yes"
    rows[7]["district"] = "Atlantis"
    before = snapshot()

    dry = run(rows, dry_run=True, cohort="X")

    assert snapshot() == before
    real = run(rows, cohort="X")
    assert dry.as_dict() == real.as_dict()
    assert real.families_created == 1 and real.families_updated == 1


def test_audit_rows_are_written_for_created_and_updated_people_and_the_run():
    run(family_rows())
    created = AuditEvent.objects.filter(event="families.import.person_created")
    assert created.count() == 3
    soeren = Person.objects.get(cpr_hash=cpr_hash(cpr_for(1)))
    row = created.get(person_id=soeren.pk)
    assert row.action == "create"
    assert row.family_id == soeren.family_id
    assert row.case_number == soeren.family.case_number

    rows = family_rows()
    rows[0]["last_name"] = "Østergård"
    run(rows)

    updated = AuditEvent.objects.get(event="families.import.person_updated")
    assert (updated.action, updated.person_id) == ("change", soeren.pk)
    assert updated.detail == {"fields": ["last_name"]}
    assert AuditEvent.objects.filter(event="families.import.committed").count() == 2
    all_details = json.dumps(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert cpr_for(1)[:6] not in all_details


def test_import_events_have_labels_on_the_audit_pages():
    for name in ("committed", "person_created", "person_updated", "uploaded"):
        assert event_label(f"families.import.{name}") != f"families.import.{name}"


# --- The command ----------------------------------------------------------------------


@pytest.fixture
def csv_file(tmp_path):
    def _write(rows_or_bytes, name="extract.csv"):
        path = tmp_path / name
        data = rows_or_bytes if isinstance(rows_or_bytes, bytes) else to_csv(rows_or_bytes)
        path.write_bytes(data)
        return str(path)

    return _write


def _command(*args) -> tuple[str, str]:
    """Run the command in English, so that assertions on its text survive translation."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import_target_group", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_output_is_exactly_one_object_with_exactly_the_report_keys(csv_file):
    rows = family_rows("H1", 1) + family_rows("H2", 10)
    rows[0]["in_other_effort"] = "yes"
    rows[4]["cpr"] = "320185-1234"

    out, _err = _command(csv_file(rows), "--json", "--cohort", "2026-1")

    report = json.loads(out)  # fails on anything but one JSON document
    assert set(report) == {
        "families_created",
        "families_updated",
        "people_created",
        "people_updated",
        "excluded",
        "coordinators_assigned",
        "without_coordinator",
        "rejected",
    }
    assert report["families_created"] == 1
    assert report["excluded"] == [{"row": 2, "reason": report["excluded"][0]["reason"]}]
    assert {"row", "field", "message"} == set(report["rejected"][0])
    assert out.count("\n") == 1


def test_a_dry_run_command_prints_the_same_report_and_writes_nothing(csv_file):
    path = csv_file(family_rows())
    dry, _ = _command(path, "--json", "--dry-run")
    assert not Family.objects.exists() and not AuditEvent.objects.exists()
    real, _ = _command(path, "--json")
    assert json.loads(dry) == json.loads(real)
    assert Family.objects.count() == 1


def test_the_command_never_prints_a_cpr_number(csv_file):
    rows = family_rows("H1", 1) + family_rows("H2", 10)
    rows[0]["in_other_effort"] = "yes"
    rows[1]["cpr"] = "320185-1234"
    rows[2]["district"] = rows[3]["cpr"]  # a shifted column: a CPR number in the district
    rows[4]["cpr"] = rows[3]["cpr"]
    path = csv_file(rows)

    outputs = [_command(path, "--dry-run"), _command(path, "--json"), _command(path)]

    text = "".join(out + err for out, err in outputs)
    assert "Rejected" in text
    for row in rows:
        digits = row["cpr"].replace("-", "")
        assert row["cpr"] not in text
        assert digits not in text
        assert digits[:6] + "-" not in text


def test_rejected_rows_do_not_make_the_command_fail(csv_file):
    rows = family_rows()
    rows[0]["district"] = "Atlantis"
    out, _ = _command(csv_file(rows))  # call_command raises on a non-zero exit
    assert "row 2, district" in out


def test_a_missing_file_is_a_command_error_without_traceback(tmp_path):
    with pytest.raises(CommandError, match="not found"):
        _command(str(tmp_path / "missing.csv"))


def test_a_directory_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="directory"):
        _command(str(tmp_path))


def test_an_empty_file_is_a_command_error(csv_file):
    with pytest.raises(CommandError, match="empty"):
        _command(csv_file(b""))


def test_the_human_summary_lists_counts_and_rejected_rows(csv_file):
    rows = family_rows("H1", 1) + family_rows("H2", 10)
    rows[3]["district"] = "Atlantis"
    out, _ = _command(csv_file(rows), "--dry-run")
    assert "Dry run" in out
    assert "Families created: 1" in out
    assert "row 5, district" in out


# --- The upload page ------------------------------------------------------------------

UPLOAD = reverse("families:import")


def _upload(client, rows_or_bytes, cohort="", name="extract.csv"):
    data = rows_or_bytes if isinstance(rows_or_bytes, bytes) else to_csv(rows_or_bytes)
    return client.post(
        UPLOAD, {"file": SimpleUploadedFile(name, data, "text/csv"), "cohort": cohort}
    )


@pytest.fixture
def previewed(administrator):
    rows = family_rows("H1", 1) + family_rows("H2", 10)
    rows[0]["in_other_effort"] = "yes"
    rows[4]["district"] = "Atlantis"
    return importer.target_group_upload_create(
        actor=administrator, data=to_csv(rows), file_name="extract.csv", cohort="2026-1"
    )


def _page_urls(upload):
    return {
        "upload": UPLOAD,
        "preview": reverse("families:import_preview", args=[upload.pk]),
        "result": reverse("families:import_result", args=[upload.pk]),
    }


@pytest.mark.parametrize("page", ["upload", "preview"])
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("administrator", 200),
        ("caseworker", 403),
        ("manager", 403),
        ("budget_officer", 403),
        ("employment_consultant", 403),
    ],
)
def test_only_administrators_may_open_the_import_pages(
    request, login, previewed, page, role, status
):
    user = request.getfixturevalue(role)
    assert login(user).get(_page_urls(previewed)[page]).status_code == status


@pytest.mark.parametrize("action", ["import_commit", "import_discard"])
@pytest.mark.parametrize("role", ["caseworker", "manager"])
def test_others_may_not_commit_or_discard(request, login, previewed, action, role):
    client = login(request.getfixturevalue(role))
    assert client.post(reverse(f"families:{action}", args=[previewed.pk])).status_code == 403
    assert not Family.objects.exists()
    assert TargetGroupImport.objects.filter(pk=previewed.pk, committed_at=None).exists()


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_upload_previews_then_commit_imports(login, administrator):
    client = login(administrator)
    rows = family_rows("H1", 1) + family_rows("H2", 10)
    rows[0]["in_other_effort"] = "yes"
    rows[4]["district"] = "Atlantis"

    response = _upload(client, rows, cohort="2026-1")

    upload = TargetGroupImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("families:import_preview", args=[upload.pk])
    assert not Family.objects.exists()
    assert upload.dry_run_report["families_created"] == 1
    assert upload.cohort == "2026-1"
    assert upload.uploaded_by == administrator

    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert preview.status_code == 200
    assert 'data-count="families_created">1<' in html
    assert 'data-count="excluded">1<' in html
    assert "Atlantis" not in html  # messages never quote cell values
    for row in rows:
        assert row["cpr"] not in html and row["cpr"][:6] not in html

    committed = client.post(reverse("families:import_commit", args=[upload.pk]))

    assert committed.status_code == 302
    assert committed["Location"] == reverse("families:import_result", args=[upload.pk])
    upload.refresh_from_db()
    assert upload.committed_at is not None and upload.committed_by == administrator
    assert upload.result == upload.dry_run_report
    assert bytes(upload.data_encrypted) == b""  # the file is not kept once imported
    assert list(Family.objects.values_list("household_id", "cohort")) == [("H1", "2026-1")]
    result = client.get(committed["Location"])
    assert result.status_code == 200
    assert 'data-count="people_created">2<' in result.content.decode()
    assert AuditEvent.objects.filter(
        event="families.import.committed", actor=administrator
    ).exists()


def test_the_preview_of_a_file_already_imported_says_nothing_will_change(login, administrator):
    client = login(administrator)
    rows = family_rows("H1", 1)
    first = client.get(_upload(client, rows)["Location"])
    assert "data-nothing-to-import" not in first.content.decode()
    client.post(reverse("families:import_commit", args=[TargetGroupImport.objects.get().pk]))

    again = client.get(_upload(client, rows)["Location"])

    assert "data-nothing-to-import" in again.content.decode()


def test_committing_twice_does_not_import_twice(login, administrator, previewed):
    client = login(administrator)
    url = reverse("families:import_commit", args=[previewed.pk])
    client.post(url)
    families, people = Family.objects.count(), Person.objects.count()
    events = AuditEvent.objects.count()

    again = client.post(url)

    assert again.status_code == 302
    assert again["Location"] == reverse("families:import_result", args=[previewed.pk])
    assert (Family.objects.count(), Person.objects.count()) == (families, people)
    assert AuditEvent.objects.count() == events
    with pytest.raises(importer.AlreadyCommitted):
        importer.target_group_upload_commit(actor=administrator, upload=previewed)


def test_commit_is_post_only(login, administrator, previewed):
    response = login(administrator).get(reverse("families:import_commit", args=[previewed.pk]))
    assert response.status_code == 405
    assert not Family.objects.exists()


def test_the_stored_upload_is_encrypted(previewed):
    stored = bytes(previewed.data_encrypted)
    assert cpr_for(1).encode() not in stored
    assert b"household_id" not in stored


def test_discarding_an_upload_deletes_it_and_imports_nothing(login, administrator, previewed):
    response = login(administrator).post(reverse("families:import_discard", args=[previewed.pk]))
    assert response.status_code == 302
    assert not TargetGroupImport.objects.exists()
    assert not Family.objects.exists()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png"),
        (b"PK\x03\x04\x14\x00\x06\x00", "extract.xlsx"),
        (b"", "empty.csv"),
        (b"name;age\r\nA;1\r\n", "other.csv"),
    ],
    ids=["binary", "xlsx", "empty", "wrong-columns"],
)
def test_a_bad_file_gives_a_clear_error_on_the_page(login, administrator, data, name):
    response = _upload(login(administrator), data, name=name)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert 'class="invalid-feedback' in response.content.decode()
    assert not TargetGroupImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(login, administrator, monkeypatch):
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 100)
    response = _upload(login(administrator), family_rows())
    assert response.status_code == 200
    assert "20 MB" in str(response.context["form"].errors["file"])
    assert not TargetGroupImport.objects.exists()


def test_the_preview_page_makes_a_fixed_number_of_queries(
    login, administrator, django_assert_max_num_queries
):
    rows = [r for h in range(40) for r in family_rows(f"H{h}", base=10 * h + 1, district="Mars")]
    upload = importer.target_group_upload_create(
        actor=administrator, data=to_csv(rows), file_name="x.csv"
    )
    client = login(administrator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("families:import_preview", args=[upload.pk]))
    assert response.status_code == 200
    assert len(re.findall(r"<tr><td>\d+</td><td><code>", response.content.decode())) == 25


def test_posting_without_a_file_asks_for_one(login, administrator):
    response = login(administrator).post(UPLOAD, {"cohort": "2026-1"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["form"]["cohort"].value() == "2026-1"  # nothing typed is lost


def test_the_upload_page_lists_recent_uploads_in_a_fixed_number_of_queries(
    login, administrator, django_assert_max_num_queries
):
    for n in range(12):
        importer.target_group_upload_create(
            actor=administrator, data=to_csv(family_rows(f"H{n}", 10 * n + 1)), file_name=f"{n}.csv"
        )
    client = login(administrator)
    with django_assert_max_num_queries(7):
        response = client.get(UPLOAD)
    assert response.status_code == 200
    previews = re.findall(r'href="/familier/import/\d+/"', response.content.decode())
    assert len(previews) == RECENT_UPLOADS
