"""Dates typed by people: the one set of input formats for forms and imports.

Day first, as Danes write it (31-03-2026, 31.03.2026, 31/03/2026, two-digit years too),
and ISO 8601 (2026-03-31), which the browsers' date pickers send and Excel exports.
"""

import datetime

DATE_INPUT_FORMATS = (
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d-%m-%y",
    "%d.%m.%y",
    "%d/%m/%y",
)
# What a date field shows when it is filled in again (the browsers' date picker wants ISO).
DATE_WIDGET_FORMAT = "%Y-%m-%d"


def parse_date(text: str) -> datetime.date | None:
    """The date `text` names in one of DATE_INPUT_FORMATS, or None."""
    text = (text or "").strip()
    for fmt in DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    return None
