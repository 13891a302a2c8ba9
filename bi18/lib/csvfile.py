"""Reading an uploaded CSV file: the rules both imports share (target group, expenditures).

UTF-8 (with or without BOM) or Windows-1252; semicolons, commas or tabs (Excel's "sep=;"
line understood); header names case- and space-insensitive; blank lines skipped; values
stripped and NFC-normalised. A file that cannot be read as a whole raises ImportFileError
with a translated message fit for the user. Messages never quote a cell's value.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is translated and fit for the user."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252. Raises ImportFileError."""
    if not data or not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _(
                "The file is an Excel workbook, not a CSV file. In Excel choose “Save as” and the CSV format."
            )
        )
    if b"\x00" in data:
        raise ImportFileError(
            _(
                "The file is not a CSV text file. Save it as CSV (UTF-8 or semicolon separated) and try again."
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFileError(
                _("The file's characters cannot be read. Save it as CSV UTF-8 and try again.")
            ) from None
    if _CONTROL_CHARS.search(text):
        raise ImportFileError(
            _(
                "The file is not a CSV text file. Save it as CSV (UTF-8 or semicolon separated) and try again."
            )
        )
    return text


_SEP_LINE = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)


def _delimiter(text: str) -> tuple[str, str]:
    """The delimiter, and the text without Excel's "sep=;" line (not a row in Excel)."""
    if m := _SEP_LINE.match(text):
        return m.group(1), text[m.end() :]
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    return max((";", ",", "\t"), key=first_line.count), text


def _column_name(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


@dataclass
class RawRow:
    row: int
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)


def read_rows(data: bytes, columns: Sequence[str], optional: Sequence[str] = ()) -> list[RawRow]:
    """Decode and split the file into rows of raw (stripped, NFC) values by column.

    `columns` must all be in the header; `optional` ones may be (a missing one reads as
    "").
    Raises ImportFileError for a file that cannot be read as a whole.
    """
    delimiter, text = _delimiter(decode(data))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[RawRow] = []
    try:
        for number, record in enumerate(reader, start=1):
            cells = [unicodedata.normalize("NFC", cell).strip() for cell in record]
            if not any(cells):
                continue  # a blank line, or Excel's ";;;;;;" for an empty row
            if header is None:
                header = [_column_name(c) for c in cells]
                _check_header(header, columns, optional)
                index = {n: header.index(n) for n in (*columns, *optional) if n in header}
                continue
            values = {name: cells[i] if i < len(cells) else "" for name, i in index.items()}
            for name in optional:
                values.setdefault(name, "")
            raw = RawRow(row=number, values=values)
            if any(cells[len(header) :]):
                raw.errors.append(
                    ("row", _("The row has more values than the header has columns."))
                )
            rows.append(raw)
    except csv.Error:
        raise ImportFileError(
            _(
                "The file is not valid CSV (check quotation marks). Save it from Excel as CSV and try again."
            )
        ) from None
    if header is None or not rows:
        raise ImportFileError(_("The file has no rows below the header."))
    return rows


def _check_header(header: list[str], columns: Sequence[str], optional: Sequence[str]) -> None:
    missing = [name for name in columns if name not in header]
    if len(missing) == len(columns):
        raise ImportFileError(
            _("The first row does not name the columns. It must name: %(columns)s.")
            % {"columns": ", ".join(columns)}
        )
    if missing:
        raise ImportFileError(
            _("The file lacks the column(s) %(missing)s.") % {"missing": ", ".join(missing)}
        )
    doubled = sorted({name for name in (*columns, *optional) if header.count(name) > 1})
    if doubled:
        raise ImportFileError(
            _("The column(s) %(columns)s appear more than once in the header.")
            % {"columns": ", ".join(doubled)}
        )
