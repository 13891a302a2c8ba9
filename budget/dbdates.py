"""Date arithmetic in SQL, twins of the Python clocks (employment.clocks, youth.rules).

Calendar months follow dateutil.relativedelta: the day is clamped to the target
month's last day (31 August + 6 months = 28/29 February). PostgreSQL's
`date + interval 'n months'` already clamps; SQLite's `date(x, '+n months')`
overflows into the next month, so there the clamped value is built explicitly.
tests/budget/test_targets.py holds both equal to the Python clocks.
"""

from django.db.models import DateField, Func


class AddMonths(Func):
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
