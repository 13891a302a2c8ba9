"""Reads for the Beslutningsgrundlag page, its PDF and the API: the latest run's figures."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from bi18.rules import rule
from budget.evaluation.models import EvaluationExtract, EvaluationRun, RunStatus

OUTCOME_LABELS = {
    "t1": _("Internship 6 months after start (T1)"),
    "work_6": _("In work 6 months after start"),
    "work_12": _("In work 12 months after start"),
    "t2": _("In education 3 months after the youth effort (T2)"),
}
OUTCOME_HELP = {
    "t1": _(
        "Parents in an internship on the day 6 months after their track started, or gone on to a job, wage subsidy or education by then – the dashboard's T1."
    ),
    "work_6": _(
        "Parents in an ordinary job or wage subsidy at some point within 6 months of their track start."
    ),
    "work_12": _(
        "Parents in an ordinary job or wage subsidy at some point within 12 months of their track start."
    ),
    "t2": _(
        "Young people on the education effort who are in education 3 months after the effort ended – the dashboard's T2."
    ),
}


@dataclass
class OutcomeRow:
    code: str
    label: str
    help: str
    overall: dict
    cohorts: list


def latest_run() -> EvaluationRun | None:
    return (
        EvaluationRun.objects.filter(status=RunStatus.DONE).order_by("-finished_at", "-pk").first()
    )


def open_run() -> EvaluationRun | None:
    return EvaluationRun.objects.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).first()


def outcome_rows(figures: dict) -> list[OutcomeRow]:
    return [
        OutcomeRow(
            code=o["code"],
            label=str(OUTCOME_LABELS[o["code"]]),
            help=str(OUTCOME_HELP[o["code"]]),
            overall=o["overall"],
            cohorts=o["cohorts"],
        )
        for o in figures.get("outcomes", [])
    ]


def chart_data(rows: list[OutcomeRow]) -> dict:
    """Rates and intervals in per cent for the charts (measured outcomes only)."""
    shown = [r for r in rows if r.overall.get("pilot_n")]

    def pct(value):
        return None if value is None else round(value * 100, 1)

    return {
        "labels": [r.label for r in shown],
        "pilot": [pct(r.overall["pilot_rate"]) for r in shown],
        "comparison": [pct(r.overall["comparison_rate"]) for r in shown],
        "difference": [pct(r.overall["difference"]) for r in shown],
        "interval": [[pct(r.overall["low"]), pct(r.overall["high"])] for r in shown],
        "names": {
            "pilot": str(_("Pilot")),
            "comparison": str(_("Matched comparison")),
            "difference": str(_("Difference (percentage points)")),
            "interval": str(_("95 % interval")),
        },
    }


def forest(rows: list[OutcomeRow], width: int = 460, left: int = 10) -> dict:
    """Coordinates of an SVG forest plot (difference and 95 % interval per outcome) for
    the PDF, where no JavaScript runs. Scale: percentage points, always including 0."""
    shown = [r for r in rows if r.overall.get("pilot_n") and r.overall.get("low") is not None]
    if not shown:
        return {}
    low = min(0.0, *(r.overall["low"] for r in shown))
    high = max(0.0, *(r.overall["high"] for r in shown))
    span = (high - low) or 1.0

    def x(value: float) -> float:
        return round(left + (value - low) / span * width, 1)

    return {
        "width": width + 2 * left,
        "height": 34 * len(shown) + 30,
        "zero": x(0.0),
        "low_label": round(low * 100),
        "high_label": round(high * 100),
        "rows": [
            {
                "label": r.label,
                "y": 30 + 34 * i,
                "x_low": x(r.overall["low"]),
                "x_high": x(r.overall["high"]),
                "x_diff": x(r.overall["difference"]),
            }
            for i, r in enumerate(shown)
        ],
    }


def decision_context(run: EvaluationRun | None) -> dict:
    context = {
        "run": run,
        "threshold": int(rule("small_cell_threshold")),
        "benefit_per_year": rule("benefit_per_person_year_dkk"),
        "caliper": int(rule("evaluation_caliper_months")),
    }
    if run is None or not run.figures.get("date"):
        return context
    figures = run.figures
    rows = outcome_rows(figures)
    context.update(
        {
            "figures": figures,
            "rows": rows,
            "chart": chart_data(rows),
            "forest": forest(rows),
            "measured_on": datetime.date.fromisoformat(figures["date"]),
            "cost": figures.get("cost"),
            "cost_label": OUTCOME_LABELS.get(figures.get("cost_outcome") or "", ""),
            "matching": figures.get("matching", {}),
            "pool": figures.get("pool", {}),
        }
    )
    return context


def recent_extracts(limit: int = 10):
    return EvaluationExtract.objects.defer("csv_encrypted", "parquet_encrypted").select_related(
        "requested_by"
    )[:limit]
