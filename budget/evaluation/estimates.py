"""Effect estimates with their 95 % intervals, small-cell suppression and the cost of an
extra person in work (issue 15 §2).

The difference between two proportions (pilot − matched comparison) and its interval
come from statsmodels' `confint_proportions_2indep` with Newcombe's hybrid score method
(well behaved for small groups and rates near 0 or 1; no random numbers, so the same data
always give the same interval). The matched groups are treated as independent samples,
which ignores the pairing: the interval is then, if anything, too wide, not too narrow.
"""

from dataclasses import dataclass
from decimal import Decimal

from statsmodels.stats.proportion import confint_proportions_2indep

from bi18.rules import rule
from budget.dashboard import is_small

ALPHA = 0.05  # 95 % intervals


@dataclass
class Estimate:
    pilot_hits: int
    pilot_n: int
    comparison_hits: int
    comparison_n: int

    @property
    def pilot_rate(self) -> float | None:
        return self.pilot_hits / self.pilot_n if self.pilot_n else None

    @property
    def comparison_rate(self) -> float | None:
        return self.comparison_hits / self.comparison_n if self.comparison_n else None

    def interval(self) -> tuple[float, float, float] | None:
        """(difference, low, high) of pilot − comparison, or None without both groups."""
        if not self.pilot_n or not self.comparison_n:
            return None
        low, high = confint_proportions_2indep(
            self.pilot_hits,
            self.pilot_n,
            self.comparison_hits,
            self.comparison_n,
            method="newcomb",
            compare="diff",
            alpha=ALPHA,
        )
        diff = self.pilot_rate - self.comparison_rate
        return diff, float(low), float(high)

    def is_small(self, threshold: int | None = None) -> bool:
        return is_small(self.pilot_hits, self.pilot_n, threshold) or is_small(
            self.comparison_hits, self.comparison_n, threshold
        )

    def public(self, *, hidden: bool = False, secondary: bool = False) -> dict:
        """What a page, the PDF or the API may show: counts only when not hidden."""
        if hidden:
            return {"suppressed": True, "secondary": secondary}
        interval = self.interval()
        return {
            "suppressed": False,
            "pilot_hits": self.pilot_hits,
            "pilot_n": self.pilot_n,
            "pilot_rate": self.pilot_rate,
            "comparison_hits": self.comparison_hits,
            "comparison_n": self.comparison_n,
            "comparison_rate": self.comparison_rate,
            "difference": interval[0] if interval else None,
            "low": interval[1] if interval else None,
            "high": interval[2] if interval else None,
        }


def suppress_groups(
    overall: Estimate, groups: dict[str, Estimate], threshold: int | None = None
) -> dict[str, tuple[bool, bool]]:
    """Which breakdown rows to hide: {group: (hidden, secondary)}.

    The dashboard's rule (budget.dashboard; SPEC §2: breakdowns hide any cell below 5
    people), applied to both groups at once: a row is hidden when either group's
    numerator, denominator or complement is below the threshold; then, so that no hidden
    row can be worked out as the overall figure minus the shown rows, more rows (smallest
    first) are hidden until at least two are and the hidden rows together are not small.
    The overall figures are not a breakdown and are shown, as on the dashboard.
    """
    hidden = {g for g, e in groups.items() if e.is_small(threshold)}
    secondary: set[str] = set()
    if hidden:
        shown = sorted((g for g in groups if g not in hidden), key=lambda g: (groups[g].pilot_n, g))
        while shown and (len(hidden) < 2 or _sum(groups, hidden).is_small(threshold)):
            g = shown.pop(0)
            hidden.add(g)
            secondary.add(g)
    return {g: (g in hidden, g in secondary) for g in groups}


def _sum(groups: dict[str, Estimate], names) -> Estimate:
    return Estimate(
        sum(groups[g].pilot_hits for g in names),
        sum(groups[g].pilot_n for g in names),
        sum(groups[g].comparison_hits for g in names),
        sum(groups[g].comparison_n for g in names),
    )


def cost_per_extra(
    *, spent: Decimal, difference: float, low: float, high: float, people: int
) -> dict:
    """DKK per extra person in work, and the yearly transfers they no longer receive.

    Extra people = difference × `people` (the pilot parents it applies to); the interval
    is the difference's interval carried through (a monotone transformation). Where the
    interval reaches zero or below, the pilot may have made no difference at all, so the
    cost per extra person has no upper bound (None).
    """
    benefit = Decimal(str(rule("benefit_per_person_year_dkk")))
    extra = difference * people
    extra_low, extra_high = low * people, high * people

    def per(n: float) -> Decimal | None:
        return (spent / Decimal(str(n))).quantize(Decimal(1)) if n > 0 else None

    def saving(n: float) -> Decimal:
        return (benefit * Decimal(str(n))).quantize(Decimal(1))

    return {
        "spent": spent,
        "people": people,
        "extra": extra,
        "extra_low": extra_low,
        "extra_high": extra_high,
        "cost": per(extra),
        # A larger effect means a lower cost: the bounds swap.
        "cost_low": per(extra_high),
        "cost_high": per(extra_low),
        "benefit_per_year": benefit,
        "savings": saving(extra),
        "savings_low": saving(extra_low),
        "savings_high": saving(extra_high),
    }
