"""Exports cannot carry formulas (issue 9 §2, OWASP "CSV injection").

One helper (bi18/lib/exports.py) writes every CSV and XLSX download; this file tests the helper
and each export through its page, with text typed by a user that a spreadsheet would otherwise
run: `=HYPERLINK(...)` and its cousins starting with + - @ tab or carriage return.
"""

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bi18.audit.services import audit_log
from bi18.lib import exports
from budget import services
from tests.employment_factories import InternshipFactory, TrackFactory
from tests.factories import FamilyFactory, PersonFactory

D = datetime.date
ROOT = Path(__file__).resolve().parents[2]

PAYLOADS = [
    '=HYPERLINK("http://x","klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def _csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def _formula_cells(workbook) -> list[str]:
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


# --- The helper --------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_csv_text_cell_that_a_spreadsheet_would_run_gets_an_apostrophe(payload):
    assert exports.csv_cell(payload) == "'" + payload


@pytest.mark.parametrize("text", ["Valby", "2024-1", "< 5", "T1", "", "a=b", "Ærø -1"])
def test_ordinary_text_is_written_as_typed(text):
    assert exports.csv_cell(text) == text


@pytest.mark.parametrize(
    ("value", "written"),
    [(-3, "-3"), (-2.5, "-2,5"), (Decimal("-1200.50"), "-1200,50"), (82.0, "82,0"), (None, "")],
)
def test_numbers_stay_numbers_in_csv_even_when_negative(value, written):
    assert exports.csv_cell(value) == written


def test_the_xlsx_holds_text_as_strings_and_numbers_as_numbers():
    rows = [[p, -2.5, 7, Decimal("10.25"), D(2026, 1, 2)] for p in PAYLOADS]
    rows.append(["#N/A", None, 0, Decimal("0"), None])
    rows.append(["bad \x00\x07 control characters", 1, 1, 1, None])
    data = exports.xlsx_bytes([("Ark: 1/2", ["Tekst", "A", "B", "C", "Dato"], rows)])
    workbook = load_workbook(io.BytesIO(data))
    assert _formula_cells(workbook) == []
    sheet = workbook.worksheets[0]
    assert sheet.title == "Ark  1 2"  # characters Excel refuses in a sheet name are replaced
    for i, payload in enumerate(PAYLOADS, start=2):
        text = sheet.cell(row=i, column=1)
        # (XML reads a carriage return back as a line feed.)
        assert (text.value, text.data_type) == (payload.replace("\r", "\n"), "s")
        assert text.quotePrefix  # Excel's own mark for "text, not a formula"
        assert sheet.cell(row=i, column=2).value == -2.5
        assert sheet.cell(row=i, column=3).value == 7
        assert sheet.cell(row=i, column=4).value == 10.25
        assert sheet.cell(row=i, column=5).value == datetime.datetime(2026, 1, 2)
    error_like = sheet.cell(row=len(PAYLOADS) + 2, column=1)
    assert (error_like.value, error_like.data_type) == ("#N/A", "s")
    assert sheet.cell(row=len(PAYLOADS) + 3, column=1).value == "bad  control characters"


def test_every_csv_and_xlsx_writer_in_the_product_is_the_helper():
    """A new export cannot forget the helper: no other module writes CSV or XLSX."""
    writer = re.compile(r"csv\.(writer|DictWriter)\b|\bopenpyxl\b|\bxlsxwriter\b")
    helper = ROOT / "bi18" / "lib" / "exports.py"
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "tests", "bench", "node_modules"} or path == helper:
            continue
        if relative.parts[0].startswith(".") or "migrations" in relative.parts:
            continue
        if writer.search(path.read_text(encoding="utf-8")):
            offenders.append(str(relative))
    assert offenders == [], f"write CSV/XLSX through bi18.lib.exports: {offenders}"


# --- The dashboard export (managers) -------------------------------------------------------


@pytest.fixture
def dashboard_with_a_formula_cohort(db):
    """Six parents in a cohort whose name a caseworker typed as a formula."""
    for _ in range(6):
        family = FamilyFactory(cohort=PAYLOADS[0])
        track = TrackFactory(person=PersonFactory(family=family), start=D(2024, 1, 8))
        InternshipFactory(track=track, start=D(2024, 1, 22))
    services.snapshot_compute(on=D(2024, 9, 1))


def test_the_dashboard_csv_neutralises_a_formula_typed_as_a_cohort_name(
    login, manager, dashboard_with_a_formula_cohort
):
    rows = _csv_rows(login(manager).get(reverse("budget:export", args=["csv"])))
    cells = [cell for row in rows for cell in row]
    assert "'" + PAYLOADS[0] in cells
    assert PAYLOADS[0] not in cells
    assert not [c for c in cells if c.startswith(exports.FORMULA_TRIGGERS)]
    t1 = next(row for row in rows if row[:1] == ["T1"])
    assert t1[2:6] == ["6", "6", "100,0", "82,0"]  # numbers as numbers, decimal comma


def test_the_dashboard_xlsx_has_no_formula_cell_and_keeps_numbers(
    login, manager, dashboard_with_a_formula_cohort
):
    response = login(manager).get(reverse("budget:export", args=["xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert _formula_cells(workbook) == []
    breakdown = workbook.worksheets[1]
    cohort_cells = [c for row in breakdown.iter_rows() for c in row if c.value == PAYLOADS[0]]
    assert cohort_cells and all(c.data_type == "s" for c in cohort_cells)
    targets = list(workbook.worksheets[0].iter_rows(values_only=True))
    t1 = next(row for row in targets if row[0] == "T1")
    assert t1[2:6] == (6, 6, 100.0, 82.0)


# --- The citizen's access report (administrators) -------------------------------------------


def test_the_citizen_report_csv_neutralises_every_column(login, administrator, family):
    amina = family.people.get(first_name="Amina")
    actor = administrator.__class__.objects.create_user(
        username="-trick", password="x" * 12, first_name="@evil", last_name="Name"
    )
    for payload in PAYLOADS:
        audit_log(
            actor=actor,
            action="cpr_reveal",
            event="families.person.cpr_revealed",
            person=amina,
            purpose=payload,
        )
    client = login(administrator)
    produced = client.post(
        reverse("audit:citizen_report"), {"cpr": "120385-4012", "purpose": "Anmodning"}
    )
    token = re.search(r"r=([\w-]+)", produced.url).group(1)
    rows = _csv_rows(client.post(reverse("audit:citizen_report_csv"), {"r": token}))
    body = rows[1:]
    purposes = {row[6] for row in body}
    assert {"'" + p for p in PAYLOADS} <= purposes
    assert "'@evil Name" in {row[1] for row in body}
    assert "'-trick" in {row[2] for row in body}
    assert not [c for row in body for c in row if c.startswith(exports.FORMULA_TRIGGERS)]
