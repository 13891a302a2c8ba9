"""CSV and XLSX downloads that cannot carry a formula (OWASP "CSV injection").

Every spreadsheet export of the product goes through this module (a test fails on a
`csv.writer` or an openpyxl workbook anywhere else): text typed by a user, such as a cohort
named `=HYPERLINK("http://x","klik")`, must open as text, never run as a formula.

* CSV has no cell types, so a text cell that starts with = + - @ tab or carriage return gets
  a leading apostrophe, which spreadsheets read as "this is text" (the OWASP advice).
  Numbers are written as numbers (Danish decimal comma), never prefixed: a negative amount
  stays a number.
* XLSX has types: text is written as a string cell (never type `f` or `e`), marked with
  Excel's own "quote prefix" style when it looks like a formula, so the text is kept exactly
  as typed. Numbers and dates stay numbers and dates.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse

# A cell starting with one of these is evaluated by Excel, LibreOffice or Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Control characters that the XLSX format cannot hold (openpyxl refuses them).
_XLSX_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_XLSX_MAX_TEXT = 32767
_SHEET_TITLE_ILLEGAL = re.compile(r"[\[\]:*?/\\]")

Row = Sequence[object]
Table = tuple[str, Row, Iterable[Row]]  # (sheet title, header, rows)


def neutralise(text: str) -> str:
    """`text` with a leading apostrophe if a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def csv_cell(value) -> str:
    """One CSV cell: empty for None, numbers with a Danish decimal comma, text neutralised."""
    if value is None:
        return ""
    if _is_number(value):
        return str(value).replace(".", ",")
    if isinstance(value, datetime.date):
        return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else str(value)
    return neutralise(str(value))


def csv_text(rows: Iterable[Row], *, delimiter: str = ";", lineterminator: str = "\r\n") -> str:
    """`rows` as CSV text, every cell through csv_cell. An empty row is a blank line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def csv_response(rows: Iterable[Row], *, filename: str) -> HttpResponse:
    """A download of `rows` as semicolon-separated UTF-8 with a BOM, which a Danish Excel
    opens straight (æøå intact)."""
    response = HttpResponse("\ufeff" + csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_set(cell, value) -> None:
    if value is None or _is_number(value) or isinstance(value, datetime.date | datetime.time):
        cell.value = float(value) if isinstance(value, Decimal) else value
        return
    text = _XLSX_ILLEGAL.sub("", str(value))[:_XLSX_MAX_TEXT]
    cell.value = text
    # openpyxl would make "=…" a formula cell and "#N/A" an error cell: force text.
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_TITLE_ILLEGAL.sub(" ", str(title)).strip()[:31] or "Ark"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def xlsx_bytes(tables: Iterable[Table]) -> bytes:
    """A workbook with one sheet per (title, header, rows); bold header, fitted columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for title, header, rows in tables:
        sheet = workbook.create_sheet(title=_sheet_title(title, taken))
        widths: dict[int, int] = {}
        for r, row in enumerate([header, *rows], start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                _xlsx_set(cell, value)
                if r == 1:
                    cell.font = bold
                widths[c] = max(widths.get(c, 0), len(str(cell.value or "")))
        for c, width in widths.items():
            sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = min(
                max(10, width + 2), 50
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(tables: Iterable[Table], *, filename: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(tables), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
