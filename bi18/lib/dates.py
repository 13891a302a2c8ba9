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

# How a date and a time are shown, in every table and list, in either language (issue 16 §4):
# 27.07.2026 and 27.07.2026 11:24 – as the Danish date pickers show a date. Templates that
# print a date plainly ({{ day }}) or with a named format get these; a long date in running
# text ("27. juli 2026") is written as such on purpose.
DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"


def parse_date(text: str) -> datetime.date | None:
    """The date `text` names in one of DATE_INPUT_FORMATS, or None."""
    text = (text or "").strip()
    for fmt in DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    return None
