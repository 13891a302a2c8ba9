"""Reads for the manager dashboard: stored snapshots only, a fixed number of queries.

Small-cell suppression (SPEC §2: "breakdowns hide any cell below 5 people").
A breakdown cell (one cohort or district) is shown as "< 5" – numerator, denominator and
rate all hidden – when its numerator, its denominator or its complement (denominator −
numerator: the people who did *not* reach the target) is below the threshold; a count of
0 is below it too. Complementary disclosure: the overall figures are public on the same
page, so a single hidden cell could be recovered as overall minus the shown cells.
Therefore, whenever a breakdown hides anything, further cells (smallest denominator first)
are hidden until at least two are hidden and the hidden cells *together* have a numerator,
denominator and complement of at least the threshold (or no cell is left to hide). Such a
secondary cell is shown as "hidden" rather than "< 5" (which would be untrue of it).
The overall figures themselves are not suppressed (they are the pilot's published targets).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bi18.lib.prepared import fixed_instances, fixed_values
from bi18.outbox.runs import run_waiting_for_broker
from bi18.rules import rule
from budget import targets
from budget.models import BudgetSnapshot, Scope, SnapshotRun, TargetSnapshot
from families.models import District

TREND_DAYS = 2 * 366


@dataclass
class Cell:
    group: str
    label: str
    numerator: int
    denominator: int
    rate: float | None
    suppressed: bool = False
    # Hidden only so that a small cell cannot be worked out from the totals (≥ threshold).
    secondary: bool = False

    @property
    def complement(self) -> int:
        return self.denominator - self.numerator


def _small(n: int, d: int, threshold: int) -> bool:
    return n < threshold or d < threshold or (d - n) < threshold


def is_small(numerator: int, denominator: int, threshold: int | None = None) -> bool:
    """A cell too small to show (numerator, denominator or complement below the threshold);
    the evaluation applies the same rule to both of its groups."""
    threshold = int(rule("small_cell_threshold")) if threshold is None else threshold
    return _small(numerator, denominator, threshold)


def suppress(cells: list[Cell], threshold: int | None = None) -> list[Cell]:
    """Mark cells to hide (primary and complementary suppression, see module docstring)."""
    threshold = int(rule("small_cell_threshold")) if threshold is None else threshold
    for cell in cells:
        cell.suppressed = _small(cell.numerator, cell.denominator, threshold)
        cell.secondary = False
    hidden = [c for c in cells if c.suppressed]
    if not hidden:
        return cells
    shown = sorted((c for c in cells if not c.suppressed), key=lambda c: (c.denominator, c.group))
    while shown and (
        len(hidden) < 2
        or _small(sum(c.numerator for c in hidden), sum(c.denominator for c in hidden), threshold)
    ):
        cell = shown.pop(0)
        cell.suppressed = True
        cell.secondary = True
        hidden.append(cell)
    return cells


@dataclass
class TargetView:
    code: str
    label: str
    unit: str
    numerator: int
    denominator: int
    rate: float | None
    target: float | None
    breakdowns: dict[str, list[Cell]] = field(default_factory=dict)

    @property
    def not_achieved(self) -> int:
        return self.denominator - self.numerator

    @property
    def met(self) -> bool | None:
        if self.rate is None or self.target is None:
            return None
        return self.rate >= self.target


def group_label(scope: str, value: str) -> str:
    if not value:
        return _("(none)")
    if scope == Scope.DISTRICT:
        try:
            return str(District(value).label)
        except ValueError:
            return value
    return value


# The dashboard's reads are the same queries on every view, with another date: each is
# built by the ORM once per process and run prepared (bi18.lib.prepared.fixed_values).


def latest_date() -> datetime.date | None:
    """The date of the latest snapshot (MAX(date), read as the newest row by the index)."""
    rows = fixed_values("budget.latest_snapshot_date", _latest_date, {})
    return rows[0]["date"] if rows else None


def _latest_date(v):
    return TargetSnapshot.objects.order_by("-date").values("date")[:1]


_TARGET_ROW = ("code", "scope", "scope_value", "numerator", "denominator", "rate", "target")


def _target_rows(v):
    rows = TargetSnapshot.objects.filter(date=v["on"]).order_by("code", "scope", "scope_value")
    return rows.values(*_TARGET_ROW)


def target_views(on: datetime.date) -> dict[str, TargetView]:
    """Every target's overall figures and suppressed breakdowns on `on`: one query."""
    info = targets.infos()
    views: dict[str, TargetView] = {}
    cells: dict[tuple[str, str], list[Cell]] = {}
    for values in fixed_values("budget.target_rows", _target_rows, {"on": on}):
        row = SimpleNamespace(**values)
        if row.scope == Scope.OVERALL:
            meta = info.get(row.code)
            views[row.code] = TargetView(
                code=row.code,
                label=str(meta.label) if meta else row.code,
                unit=str(meta.unit) if meta else "",
                numerator=row.numerator,
                denominator=row.denominator,
                rate=row.rate,
                target=row.target,
            )
        else:
            cells.setdefault((row.code, row.scope), []).append(
                Cell(
                    group=row.scope_value,
                    label=group_label(row.scope, row.scope_value),
                    numerator=row.numerator,
                    denominator=row.denominator,
                    rate=row.rate,
                )
            )
    for (code, scope), group_cells in cells.items():
        if code in views:
            views[code].breakdowns[scope] = suppress(
                sorted(group_cells, key=lambda c: c.label.casefold())
            )
    return {code: views[code] for code in targets.CODES if code in views}


def trend(on: datetime.date) -> dict:
    """Overall rate per target per snapshot date (for the charts): one query."""
    since = on - datetime.timedelta(days=TREND_DAYS)
    dates: list[str] = []
    series: dict[str, dict[str, float | None]] = {code: {} for code in targets.CODES}
    rows = fixed_values("budget.trend", _trend_rows, {"since": since, "on": on})
    for day, code, rate in ((r["date"], r["code"], r["rate"]) for r in rows):
        iso = day.isoformat()
        if not dates or dates[-1] != iso:
            dates.append(iso)
        if code in series:
            series[code][iso] = None if rate is None else round(rate * 100, 1)
    return {
        "dates": dates,
        # The axis in the user's language (31.05.2026), not ISO.
        "date_labels": [
            date_format(datetime.date.fromisoformat(d), "SHORT_DATE_FORMAT") for d in dates
        ],
        "series": {code: [values.get(d) for d in dates] for code, values in series.items()},
        "labels": {code: str(i.label) for code, i in targets.infos().items()},
        "target_label": _("target"),
        "targets": {
            code: (None if i.target is None else round(i.target * 100, 1))
            for code, i in targets.infos().items()
        },
    }


def _trend_rows(v):
    rows = TargetSnapshot.objects.filter(
        scope=Scope.OVERALL, date__gte=v["since"], date__lte=v["on"]
    ).order_by("date", "code")
    return rows.values("date", "code", "rate")


@dataclass
class BudgetTotals:
    spent_t1: Decimal = Decimal(0)
    spent_t2: Decimal = Decimal(0)
    cost_per_t1: Decimal | None = None
    cost_per_t2: Decimal | None = None


def budget_rows(on: datetime.date) -> list[BudgetSnapshot]:
    return fixed_instances("budget.budget_rows", _budget_rows, {"on": on})


def _budget_rows(v):
    rows = BudgetSnapshot.objects.filter(date=v["on"]).select_related("line", "line__committee")
    return rows.order_by("line__code", "year")


def budget_totals(rows: list[BudgetSnapshot], views: dict[str, TargetView]) -> BudgetTotals:
    """Cost per achieved outcome over the whole pilot so far (all lines and years)."""
    from budget.services import cost_per_outcome

    totals = BudgetTotals()
    for row in rows:
        totals.spent_t1 += row.spent_t1
        totals.spent_t2 += row.spent_t2
    t1 = views.get("T1")
    t2 = views.get("T2")
    totals.cost_per_t1 = cost_per_outcome(totals.spent_t1, t1.numerator if t1 else 0)
    totals.cost_per_t2 = cost_per_outcome(totals.spent_t2, t2.numerator if t2 else 0)
    return totals


def latest_run() -> SnapshotRun | None:
    runs = fixed_instances("budget.latest_run", _latest_run, {})
    return runs[0] if runs else None


def _latest_run(v):
    return SnapshotRun.objects.order_by("-created_at", "-id")[:1]


def run_status(run: SnapshotRun | None) -> dict:
    """What the progress line (budget/_run_status.html) needs to tell about `run`."""
    return {
        "run": run,
        "waiting_for_broker": run_waiting_for_broker(run),
        "start_limit": settings.TASK_START_LIMIT_MINUTES,
    }


# --- Export --------------------------------------------------------------------------


def export_tables(on: datetime.date) -> list[tuple[str, list[str], list[list]]]:
    """The dashboard's tables as (sheet title, header, rows); suppressed cells read "< 5"."""
    threshold = int(rule("small_cell_threshold"))
    small = f"< {threshold}"
    views = target_views(on)
    overall = [
        [
            v.code,
            v.label,
            v.numerator,
            v.denominator,
            None if v.rate is None else round(v.rate * 100, 1),
            None if v.target is None else round(v.target * 100, 1),
        ]
        for v in views.values()
    ]
    breakdown = []
    for v in views.values():
        for scope in (Scope.COHORT, Scope.DISTRICT):
            for c in v.breakdowns.get(scope, []):
                hidden = _("hidden") if c.secondary else small
                breakdown.append(
                    [
                        v.code,
                        str(Scope(scope).label),
                        c.label,
                        hidden if c.suppressed else c.numerator,
                        hidden if c.suppressed else c.denominator,
                        hidden
                        if c.suppressed
                        else (None if c.rate is None else round(c.rate * 100, 1)),
                    ]
                )
    budget = [
        [
            f"{r.line.committee.code} {r.line.code}",
            r.year,
            float(r.allocated),
            float(r.spent),
            None if r.share is None else round(r.share * 100, 1),
            float(r.forecast),
            None if r.cost_per_t1 is None else float(r.cost_per_t1),
            None if r.cost_per_t2 is None else float(r.cost_per_t2),
        ]
        for r in budget_rows(on)
    ]
    return [
        (
            _("Targets"),
            [_("Target"), _("Name"), _("Numerator"), _("Denominator"), _("Rate %"), _("Goal %")],
            overall,
        ),
        (
            _("Breakdowns"),
            [_("Target"), _("By"), _("Group"), _("Numerator"), _("Denominator"), _("Rate %")],
            breakdown,
        ),
        (
            _("Budget"),
            [
                _("Budget line"),
                _("Year"),
                _("Allocated (DKK)"),
                _("Spent (DKK)"),
                _("Share spent %"),
                _("Forecast for the year (DKK)"),
                _("DKK per parent meeting T1"),
                _("DKK per young person meeting T2"),
            ],
            budget,
        ),
    ]


@dataclass
class MatrixRow:
    label: str
    cells: list  # Cell | None per target code


def breakdown_matrix(views: dict[str, TargetView], scope: str) -> list[MatrixRow]:
    """Rows = groups (cohorts or districts), columns = targets, for one table per scope."""
    labels: dict[str, str] = {}
    by_code: dict[str, dict[str, Cell]] = {}
    for code, view in views.items():
        by_code[code] = {c.group: c for c in view.breakdowns.get(scope, [])}
        for c in view.breakdowns.get(scope, []):
            labels[c.group] = c.label
    groups = sorted(labels, key=lambda g: labels[g].casefold())
    return [
        MatrixRow(label=labels[g], cells=[by_code[code].get(g) for code in views]) for g in groups
    ]
