"""Budget officers: allocations for later years, expenditures by hand (audited when a family
is named) and the CSV import (dry run, idempotent, row errors, Windows-1252, Danish amounts)."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from bi18.audit.models import AuditEvent
from bi18.lib.amounts import AmountError, parse_amount
from bi18.lib.csvfile import ImportFileError
from budget.importer import expenditure_import
from budget.models import Activity, Allocation, Category, Expenditure, ExpenditureImport
from tests.factories import FamilyFactory

D = datetime.date
pytestmark = pytest.mark.django_db

EMPLOYMENT = "Styrket beskæftigelsesindsats for minoritetsforældrene"
DROPOUT = "Forebyggelse af frafald på uddannelsesinstitutioner"


def act(line="18.21", name=EMPLOYMENT):
    return Activity.objects.get(line__code=line, name=name)


def form_data(**overrides):
    a = act()
    data = {
        "date": "2026-03-31",
        "amount": "1.234,50",
        "line": a.line_id,
        "activity": a.pk,
        "category": Category.CONSULTANT_SALARY,
        "case_number": "",
        "note": "Marts",
    }
    data.update(overrides)
    return data


# --- Amounts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.234,50", "1234.50"),
        ("1234,50", "1234.50"),
        ("1234.50", "1234.50"),
        ("1 234,5", "1234.50"),
        ("12.345.678,90", "12345678.90"),
        ("1,234.50", "1234.50"),
        ("500 kr.", "500.00"),
    ],
)
def test_amounts_are_read_as_people_write_them(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1.23.4", "1,234", "12,345", "1,005"])
def test_malformed_or_ambiguous_amounts_are_refused(text):
    with pytest.raises(AmountError):
        parse_amount(text)


# --- Allocations ----------------------------------------------------------------------------


def test_a_budget_officer_adds_a_later_years_allocation(login, budget_officer):
    client = login(budget_officer)
    response = client.post(
        reverse("budget:allocation_create"),
        {"activity": act().pk, "year": 2020, "amount_thousands": "3.200", "price_level": 2018},
    )
    assert response.status_code == 302
    allocation = Allocation.objects.get(activity=act(), year=2020)
    assert allocation.amount_thousands == Decimal("3200.0")
    assert AuditEvent.objects.filter(event="budget.allocation.created").exists()


def test_a_second_allocation_for_the_same_year_is_refused_with_a_message(login, budget_officer):
    response = login(budget_officer).post(
        reverse("budget:allocation_create"),
        {"activity": act().pk, "year": 2018, "amount_thousands": "1", "price_level": 2018},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert Allocation.objects.filter(activity=act(), year=2018).count() == 1


def test_a_budget_officer_edits_an_allocation(login, budget_officer):
    allocation = Allocation.objects.get(activity=act(), year=2019)
    response = login(budget_officer).post(
        reverse("budget:allocation_edit", args=[allocation.pk]),
        {"amount_thousands": "3.150,5", "price_level": 2019},
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert (allocation.amount_thousands, allocation.price_level) == (Decimal("3150.5"), 2019)


@pytest.mark.parametrize("amount", ["-5", "abc", ""])
def test_a_bad_allocation_amount_shows_an_error_not_a_500(login, budget_officer, amount):
    response = login(budget_officer).post(
        reverse("budget:allocation_create"),
        {"activity": act().pk, "year": 2021, "amount_thousands": amount, "price_level": 2018},
    )
    assert response.status_code == 200 and response.context["form"].errors


# --- Expenditures by hand ----------------------------------------------------------------


def test_a_budget_officer_registers_an_expenditure_with_a_danish_amount(login, budget_officer):
    response = login(budget_officer).post(reverse("budget:expenditure_create"), form_data())
    assert response.status_code == 302
    e = Expenditure.objects.get()
    assert (e.amount, e.date, e.activity, e.created_by) == (
        Decimal("1234.50"),
        D(2026, 3, 31),
        act(),
        budget_officer,
    )
    # No family named: plain bookkeeping, no personal-data audit entry.
    assert not AuditEvent.objects.filter(event__startswith="budget.expenditure").exists()


def test_an_expenditure_for_a_family_is_chosen_by_case_number_and_audited(login, budget_officer):
    family = FamilyFactory(case_number="BI18-0042")
    client = login(budget_officer)
    response = client.post(
        reverse("budget:expenditure_create"),
        form_data(case_number=" bi18-0042 ", category=Category.INTERPRETER),
    )
    assert response.status_code == 302
    e = Expenditure.objects.get()
    assert e.family == family
    event = AuditEvent.objects.get(event="budget.expenditure.created")
    assert (event.family_id, event.action, event.actor) == (family.pk, "create", budget_officer)
    # The list shows the case number, nothing else about the family.
    body = client.get(reverse("budget:expenditures")).content.decode()
    assert "BI18-0042" in body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-10"}, "amount"),
        ({"amount": "12,345"}, "amount"),
        ({"date": "31-02-2026"}, "date"),
        ({"case_number": "BI18-9999"}, "case_number"),
        ({"category": "bribes"}, "category"),
        ({"line": "999"}, "line"),
    ],
)
def test_bad_expenditure_input_shows_a_clear_error_and_keeps_what_was_typed(
    login, budget_officer, overrides, field
):
    response = login(budget_officer).post(
        reverse("budget:expenditure_create"), form_data(**overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Marts" in response.content.decode()
    assert not Expenditure.objects.exists()


def test_an_activity_must_belong_to_the_chosen_line(login, budget_officer):
    transfers = act("78.10")
    response = login(budget_officer).post(
        reverse("budget:expenditure_create"), form_data(line=transfers.line_id)
    )
    assert response.status_code == 200
    assert "activity" in response.context["form"].errors


def test_edit_and_delete_with_confirmation_are_audited_for_a_family(login, budget_officer):
    family = FamilyFactory(case_number="BI18-0007")
    client = login(budget_officer)
    client.post(reverse("budget:expenditure_create"), form_data(case_number="BI18-0007"))
    e = Expenditure.objects.get()
    response = client.post(
        reverse("budget:expenditure_edit", args=[e.pk]),
        form_data(amount="99,95", case_number="BI18-0007"),
    )
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.amount == Decimal("99.95")
    confirm = client.get(reverse("budget:expenditure_delete", args=[e.pk]))
    assert confirm.status_code == 200 and Expenditure.objects.exists()
    assert client.post(reverse("budget:expenditure_delete", args=[e.pk])).status_code == 302
    assert not Expenditure.objects.exists()
    events = list(
        AuditEvent.objects.filter(family_id=family.pk)
        .order_by("id")
        .values_list("event", flat=True)
    )
    assert events == [
        "budget.expenditure.created",
        "budget.expenditure.changed",
        "budget.expenditure.deleted",
    ]


def test_the_list_filters_by_line_year_and_category_and_paginates(
    login, budget_officer, django_assert_max_num_queries
):
    a, t = act(), act("78.10")
    rows = [
        Expenditure(
            date=D(2026, 1, 1) + datetime.timedelta(days=i),
            amount=Decimal("10.00"),
            line=a.line,
            activity=a,
            category=Category.CONSULTANT_SALARY,
        )
        for i in range(30)
    ]
    rows.append(
        Expenditure(
            date=D(2025, 5, 1),
            amount=Decimal("7.00"),
            line=t.line,
            activity=t,
            category=Category.JOB_MENTOR,
            family=FamilyFactory(),
        )
    )
    Expenditure.objects.bulk_create(rows)
    client = login(budget_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("budget:expenditures"))
    page = response.context["page"]
    assert page.paginator.count == 31 and len(page.object_list) == 25
    response = client.get(reverse("budget:expenditures"), {"line": t.line_id, "year": 2025})
    assert response.context["page"].paginator.count == 1
    response = client.get(
        reverse("budget:expenditures"), {"category": Category.CONSULTANT_SALARY, "page": 2}
    )
    assert len(response.context["page"].object_list) == 5
    assert "category=consultant_salary" in response.content.decode()  # filters survive paging
    assert (
        client.get(reverse("budget:expenditures"), {"year": "abc", "page": "x"}).status_code == 200
    )


def test_the_budget_overview_shows_status_per_line_and_year(login, budget_officer):
    Expenditure.objects.create(
        date=D(2026, 1, 15),
        amount=Decimal("1000.00"),
        line=act().line,
        activity=act(),
        category=Category.OTHER,
    )
    response = login(budget_officer).get(reverse("budget:overview"))
    status = {(s["line"], s["year"]): s for s in response.context["status"]}
    assert status[("18.21", 2026)]["spent"] == Decimal("1000.00")
    assert status[("18.21", 2018)]["allocated"] == Decimal("3800000.00")


# --- CSV import ------------------------------------------------------------------------------


HEADER = "Date;Amount;Line;Activity;Category;Case number;Note;Reference\r\n"


def csv_bytes(*rows, encoding="cp1252", header=HEADER):
    return (header + "".join(r + "\r\n" for r in rows)).encode(encoding)


def test_a_windows_1252_semicolon_file_with_danish_amounts_imports(budget_officer):
    FamilyFactory(case_number="BI18-0003")
    data = csv_bytes(
        f"31-03-2026;1.234,50;18.21;{EMPLOYMENT};Konsulentløn;;Løn marts;B-1",
        f"2026-03-15;200;BIU 18.21;{EMPLOYMENT};Tolk;BI18-0003;Tolk;B-2",
        f'2026-03-20;"3.000,00";78.10;{EMPLOYMENT};Jobmentor;;;',
    )
    report = expenditure_import(data=data, actor=budget_officer, dry_run=False)
    assert (report.created, report.rejected) == (3, [])
    assert report.total_amount == Decimal("4434.50")
    assert set(Expenditure.objects.values_list("category", flat=True)) == {
        "consultant_salary",
        "interpreter",
        "job_mentor",
    }
    assert Expenditure.objects.get(reference="B-1").note == "Løn marts"
    assert AuditEvent.objects.filter(event="budget.expenditure.created").count() == 1


def test_re_importing_the_same_file_adds_nothing(budget_officer):
    data = csv_bytes(
        f"2026-03-31;100,00;18.21;{DROPOUT};Konsulentløn;;;R-1",
        f"2026-03-31;50,00;18.21;{DROPOUT};Andet;;uden reference;",
    )
    first = expenditure_import(data=data, actor=budget_officer, dry_run=False)
    second = expenditure_import(data=data, actor=budget_officer, dry_run=False)
    assert (first.created, second.created, second.already_imported) == (2, 0, 2)
    assert Expenditure.objects.count() == 2


def test_a_dry_run_writes_nothing(budget_officer):
    data = csv_bytes(f"2026-03-31;100,00;18.21;{DROPOUT};Konsulentløn;;;R-1")
    report = expenditure_import(data=data, actor=budget_officer, dry_run=True)
    assert report.created == 1 and not Expenditure.objects.exists()


def test_row_errors_name_the_row_the_field_and_the_problem(budget_officer):
    data = csv_bytes(
        f"2026-03-31;100,00;18.21;{DROPOUT};Konsulentløn;;;OK-1",
        f"2026-02-30;0;18.21;{DROPOUT};Konsulentløn;;;",
        f"2026-03-31;10;99.99;{DROPOUT};Hemmeligt;BI18-9999;;",
        f"2026-03-31;10;78.10;{DROPOUT};Andet;;;",
    )
    report = expenditure_import(data=data, actor=budget_officer, dry_run=False)
    assert report.created == 1
    errors = {(r["row"], r["field"]) for r in report.rejected}
    assert errors == {
        (3, "date"),
        (3, "amount"),
        (4, "line"),
        (4, "category"),
        (4, "case_number"),
        (5, "activity"),
    }
    assert all(r["message"] for r in report.rejected)
    assert Expenditure.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [b"", b"PK\x03\x04binary", b"date;amount\r\n2026-01-01;5\r\n"],
    ids=["empty", "excel", "missing columns"],
)
def test_a_file_that_cannot_be_read_raises_a_clear_error(budget_officer, data):
    with pytest.raises(ImportFileError) as excinfo:
        expenditure_import(data=data, actor=budget_officer, dry_run=True)
    assert excinfo.value.message


def test_upload_preview_then_commit_through_the_pages(login, budget_officer):
    client = login(budget_officer)
    data = csv_bytes(
        f"2026-03-31;1.000,00;18.21;{EMPLOYMENT};Konsulentløn;;;UP-1", "2026-13-01;5;18.21;x;y;;;"
    )
    response = client.post(
        reverse("budget:import"), {"file": SimpleUploadedFile("udgifter.csv", data, "text/csv")}
    )
    upload = ExpenditureImport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "budget:import_preview", args=[upload.pk]
    )
    preview = client.get(response.url)
    assert preview.context["report"]["created"] == 1 and preview.context["rejected_rows"] == 1
    assert "(1.000,00 kr.)" in preview.content.decode()  # the total in Danish number format
    assert not Expenditure.objects.exists()
    client.post(response.url, {"action": "commit"})
    assert Expenditure.objects.get().reference == "UP-1"
    upload.refresh_from_db()
    assert upload.status == ExpenditureImport.Status.COMMITTED and bytes(upload.data) == b""
    # Committing twice does nothing more.
    client.post(response.url, {"action": "commit"})
    assert Expenditure.objects.count() == 1


def test_discarding_an_upload_drops_the_file_imports_nothing_and_is_audited(login, budget_officer):
    client = login(budget_officer)
    data = csv_bytes(f"2026-03-31;1.000,00;18.21;{EMPLOYMENT};Konsulentløn;;;UP-9")
    client.post(
        reverse("budget:import"), {"file": SimpleUploadedFile("udgifter.csv", data, "text/csv")}
    )
    upload = ExpenditureImport.objects.get()
    url = reverse("budget:import_preview", args=[upload.pk])
    response = client.post(url, {"action": "discard"}, follow=True)
    assert "Filen blev kasseret; intet blev importeret." in response.content.decode()
    upload.refresh_from_db()
    assert upload.status == ExpenditureImport.Status.DISCARDED and bytes(upload.data) == b""
    entry = AuditEvent.objects.get(event="budget.expenditures.discarded")
    assert entry.actor == budget_officer and entry.detail == {"import_id": upload.pk}
    # A discarded file can be neither discarded again nor committed.
    again = client.post(url, {"action": "discard"}, follow=True)
    assert "allerede importeret eller kasseret" in again.content.decode()
    client.post(url, {"action": "commit"})
    assert not Expenditure.objects.exists()
    assert AuditEvent.objects.filter(event="budget.expenditures.discarded").count() == 1


def test_an_unreadable_upload_shows_the_error_on_the_form(login, budget_officer):
    response = login(budget_officer).post(
        reverse("budget:import"), {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04zz")}
    )
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not ExpenditureImport.objects.exists()


def test_another_officers_upload_is_not_found(login, budget_officer):
    from tests.factories import UserFactory

    other = UserFactory(role="budget_officer")
    upload = ExpenditureImport.objects.create(filename="a.csv", data=b"x", created_by=other)
    assert (
        login(budget_officer).get(reverse("budget:import_preview", args=[upload.pk])).status_code
        == 404
    )


def test_the_import_command_dry_run_and_json(tmp_path):
    path = tmp_path / "udgifter.csv"
    path.write_bytes(csv_bytes(f"2026-03-31;1.000,00;18.21;{EMPLOYMENT};Konsulentløn;;;CMD-1"))
    out = io.StringIO()
    call_command("import_expenditures", str(path), "--dry-run", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["created"] == 1 and report["committed"] is False
    assert not Expenditure.objects.exists()
    call_command("import_expenditures", str(path), stdout=io.StringIO())
    assert Expenditure.objects.get().reference == "CMD-1"
    with pytest.raises(CommandError):
        call_command("import_expenditures", str(tmp_path / "missing.csv"))


def test_erasing_a_family_keeps_the_expenditure_without_it():
    family = FamilyFactory()
    e = Expenditure.objects.create(
        date=D(2026, 1, 2),
        amount=Decimal("5.00"),
        line=act().line,
        activity=act(),
        category=Category.INTERPRETER,
        family=family,
    )
    family.delete()
    e.refresh_from_db()
    assert e.family is None and e.amount == Decimal("5.00")


def test_the_budget_overview_makes_a_fixed_number_of_queries(login, budget_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(budget_officer)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("budget:overview"))
    a = act()
    Expenditure.objects.bulk_create(
        Expenditure(
            date=D(2020 + i % 6, 1 + i % 12, 1),
            amount=Decimal("1.00"),
            line=a.line,
            activity=a,
            category=Category.OTHER,
        )
        for i in range(200)
    )
    for year in range(2020, 2026):
        Allocation.objects.create(activity=a, year=year, amount_thousands=Decimal("100"))
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("budget:overview"))
    assert len(response.context["status"]) > 6
    # Two of them read the allocation shares (18.21: consultants and interpreters).
    assert len(large.captured_queries) == len(small.captured_queries) <= 14


def test_the_list_filters_prompt_in_danish(login, budget_officer):
    """The filter's empty choices say "Alle …" (as on the family list), never `---------`."""
    act()
    body = login(budget_officer).get(reverse("budget:expenditures")).content.decode()
    assert "Alle budgetlinjer" in body and "Alle kategorier" in body
    assert "---------" not in body
