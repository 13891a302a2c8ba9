"""Dates: the one set of input formats for forms and imports, and the one calendar
arithmetic ("n months later") in Python and SQL.

Day first, as Danes write it (31-03-2026, 31.03.2026, 31/03/2026, two-digit years too),
and ISO 8601 (2026-03-31), which the browsers' date pickers send and Excel exports.
"""

import calendar
import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import DateField, F, Func, OuterRef

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


# --- Calendar arithmetic: one rule for "n months later", in Python and in SQL ----------
#
# Calendar months follow dateutil.relativedelta: the day is clamped to the target month's
# last day (31 August + 6 months = 28/29 February, never 3 March). Every clock of the
# tracks (month 6, the 3-month follow-up, the interview interval, the plan review) is
# built on add_months; its SQL twin AddMonths and its inverse months_back let lists and
# targets select by date in the database. tests/lib/test_dates.py holds the three equal.


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` + `months` calendar months, clamped to the target month's last day.

    relativedelta's rule, computed directly for a plain date: the matching and the demo
    seeding call this millions of times at 50,000 families, and building a relativedelta
    cost ≈ 30 µs a call (tests/lib/test_dates.py holds the two equal on every day)."""
    if type(day) is not datetime.date:
        return day + relativedelta(months=months)
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_back(until: datetime.date, months: int) -> datetime.date:
    """The latest day d with add_months(d, months) <= `until`.

    Lets the database select "the clock has struck by `until`" with a plain
    `start <= months_back(until, n)` filter. Adding months is monotone; when `until` is a
    month's last day, every day in the last days of the earlier month maps onto it
    (31 Aug + 6 months = 28 Feb), hence the month-end case.
    """
    candidate = until - relativedelta(months=months)
    if until.day == calendar.monthrange(until.year, until.month)[1]:
        return candidate.replace(day=calendar.monthrange(candidate.year, candidate.month)[1])
    return candidate


def whole_months(start: datetime.date, end: datetime.date) -> int:
    """Whole calendar months from `start` to `end`: the largest n with
    add_months(start, n) <= end (31 January to 28 February is 1). Months on benefits
    (the family page, the evaluation) use it."""
    if type(start) is not datetime.date or type(end) is not datetime.date or end < start:
        delta = relativedelta(end, start)
        return delta.years * 12 + delta.months
    # The month count of the two dates, one less when `start`'s day (clamped to `end`'s
    # month) has not come yet in `end`'s month: relativedelta's result, without building one.
    months = (end.year - start.year) * 12 + end.month - start.month
    if min(start.day, calendar.monthrange(end.year, end.month)[1]) > end.day:
        months -= 1
    return months


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    """Age in whole years on `day`, clamped like add_months: someone born on 29 February
    turns a year older on 28 February in a common year. The family page, the age checks
    of the forms and the youth track, and the evaluation's age bands use it."""
    plain = type(date_of_birth) is datetime.date and type(day) is datetime.date
    if plain and day >= date_of_birth:
        return whole_months(date_of_birth, day) // 12
    return relativedelta(day, date_of_birth).years


class AddMonths(Func):
    """SQL twin of add_months. PostgreSQL's `date + interval 'n months'` already clamps;
    SQLite's `date(x, '+n months')` overflows into the next month, so there the clamped
    value is built explicitly."""

    output_field = DateField()

    def __init__(self, expression, months: int, **extra):
        self.months = int(months)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL and others
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + make_interval(months => {self.months}))::date", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        n = self.months
        plain = f"date({sql}, '+{n} months')"
        clamped = f"date({sql}, 'start of month', '+{n + 1} months', '-1 day')"
        return (
            f"(CASE WHEN strftime('%%d', {plain}) = strftime('%%d', {sql}) "
            f"THEN {plain} ELSE {clamped} END)",
            params * 4,
        )


class AddDays(Func):
    """SQL twin of `day + timedelta(days=n)`."""

    output_field = DateField()

    def __init__(self, expression, days: int, **extra):
        self.days = int(days)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + {self.days})", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '+{self.days} days')", params


def outer(value, depth: int = 1):
    """A date or a date column of the outer row (an F), as referenced from a subquery
    `depth` levels down: rules take either a fixed day or a per-row date (a track's own
    month 6) and build the same Exists(...) for both."""
    if isinstance(value, F):
        ref = value.name
        for _ in range(depth):
            ref = OuterRef(ref)
        return ref
    return value
