"""Matching and the effect estimates (issue 15 §1–2). Called by services.evaluation_run_execute.

Matching (docs/evaluation.md states it for the reader):

* Who is matched: every pilot parent whose employment track started by the measurement
  date D (index date: the track start S), and every young person on the education
  effort whose youth track started by D (index date: the youth track start).
* On what was known at the index date: exact on benefit category (parents), age band,
  district and household size band; then the nearest neighbour on months on cash
  benefits (parents: their own; young people: the household's longest-serving parent),
  never further apart than the configured caliper (rule "evaluation_caliper_months").
* Eligible comparison parents were on cash benefits at the index date and had not gone
  on to a job, wage subsidy or education by then (rules.on_benefits_at).
* 1:1 without replacement, greedily, pilot people in the order (index date, id); ties
  on distance go to the comparison person with the smaller keyed CPR hash. Same data,
  same matches: no random numbers anywhere.
"""

import bisect
import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Min, Q, Sum
from django.db.models.functions import Coalesce

from bi18.lib.dates import AddMonths, add_months
from bi18.rules import rule
from budget import targets
from budget.evaluation import rules
from budget.evaluation.estimates import Estimate, cost_per_extra, suppress_groups
from budget.evaluation.models import (
    ComparisonPerson,
    ComparisonStatus,
    MatchKind,
)
from budget.models import Expenditure
from employment import rules as employment_rules
from employment.models import EmploymentTrack
from families.models import PersonRole
from youth.models import YouthTrack


@dataclass
class Unit:
    """A pilot person to be matched."""

    kind: str
    person_id: int
    track_id: int
    index: datetime.date
    cohort: str
    bucket: tuple
    age_band: str
    months: int | None
    outcome_index: datetime.date | None = None  # T2: the effort's end
    match_id: int | None = None
    distance: int | None = None
    outcomes: dict = field(default_factory=dict)


@dataclass
class Candidate:
    id: int
    cpr_hash: str
    date_of_birth: datetime.date
    benefit_since: datetime.date | None  # own (parents) or the household's earliest (young)
    history: list


def _households() -> dict[int, tuple[int, datetime.date | None]]:
    """Household id → (size, the parents' earliest start on benefits), in one GROUP BY.

    (A correlated subquery per person read the whole table once per row when the planner had
    no statistics yet, e.g. right after the demo seeder's bulk insert: minutes at 50,000
    families.)"""
    return {
        row["household_id"]: (row["size"], row["benefit"])
        for row in ComparisonPerson.objects.order_by()
        .values("household_id")
        .annotate(
            size=Count("pk"),
            benefit=Min("benefit_since", filter=Q(role=PersonRole.PARENT)),
        )
    }


def pilot_units(on: datetime.date) -> list[Unit]:
    units: list[Unit] = []
    for row in (
        EmploymentTrack.objects.filter(start__lte=on)
        .filter(employment_rules.counting_track_q())  # each parent once: their first track
        .annotate(household=Count("person__family__people"))
        .values(
            "pk",
            "start",
            "person_id",
            "person__date_of_birth",
            "person__benefit_category",
            "person__benefit_since",
            "person__family__district",
            "person__family__cohort",
            "household",
        )
    ):
        start = row["start"]
        units.append(
            Unit(
                kind=MatchKind.PARENT,
                person_id=row["person_id"],
                track_id=row["pk"],
                index=start,
                cohort=row["person__family__cohort"] or "",
                bucket=(
                    row["person__benefit_category"] or "",
                    row["person__family__district"],
                    rules.household_size_band(row["household"]),
                ),
                age_band=rules.age_band(row["person__date_of_birth"], start),
                months=rules.months_between(row["person__benefit_since"], start),
            )
        )
    for row in (
        YouthTrack.objects.filter(education_effort=True, start__lte=on)
        .annotate(
            household=Count("person__family__people", distinct=True),
            earliest=Min("person__family__people__benefit_since"),
        )
        .values(
            "pk",
            "start",
            "actual_end",
            "person_id",
            "person__date_of_birth",
            "person__family__district",
            "person__family__cohort",
            "household",
            "earliest",
        )
    ):
        start = row["start"]
        units.append(
            Unit(
                kind=MatchKind.YOUNG_PERSON,
                person_id=row["person_id"],
                track_id=row["pk"],
                index=start,
                cohort=row["person__family__cohort"] or "",
                bucket=(
                    row["person__family__district"],
                    rules.household_size_band(row["household"]),
                ),
                age_band=rules.age_band(row["person__date_of_birth"], start),
                months=rules.months_between(row["earliest"], start),
                outcome_index=row["actual_end"],
            )
        )
    units.sort(key=lambda u: (u.kind, u.index, u.person_id))
    return units


def comparison_pool() -> tuple[dict[tuple, list[Candidate]], dict[tuple, list[Candidate]]]:
    """(parents by bucket, young people by bucket), each list in keyed-hash order."""
    history: dict[int, list] = defaultdict(list)
    for person_id, date, status in ComparisonStatus.objects.order_by(
        "person_id", "date"
    ).values_list("person_id", "date", "status"):
        history[person_id].append((date, status))
    parents: dict[tuple, list[Candidate]] = defaultdict(list)
    young: dict[tuple, list[Candidate]] = defaultdict(list)
    households = _households()
    rows = ComparisonPerson.objects.order_by("cpr_hash").values(
        "pk",
        "cpr_hash",
        "role",
        "date_of_birth",
        "benefit_category",
        "benefit_since",
        "household_id",
        "household__district",
    )
    for row in rows:
        household_size, household_benefit = households.get(row["household_id"], (0, None))
        size = rules.household_size_band(household_size)
        if row["role"] == PersonRole.PARENT:
            parents[(row["benefit_category"], row["household__district"], size)].append(
                Candidate(
                    row["pk"],
                    row["cpr_hash"],
                    row["date_of_birth"],
                    row["benefit_since"],
                    history[row["pk"]],
                )
            )
        else:
            young[(row["household__district"], size)].append(
                Candidate(
                    row["pk"],
                    row["cpr_hash"],
                    row["date_of_birth"],
                    household_benefit,
                    history[row["pk"]],
                )
            )
    return parents, young


def _eligible(unit: Unit, cand: Candidate, used: set[int]) -> bool:
    if cand.id in used or rules.age_band(cand.date_of_birth, unit.index) != unit.age_band:
        return False
    return unit.kind != MatchKind.PARENT or rules.on_benefits_at(
        cand.history, cand.benefit_since, unit.index
    )


def match_brute_force(units: list[Unit], parents: dict, young: dict, *, caliper: int) -> None:
    """The definition of the matching, by scanning each stratum; `match` must agree."""
    used: set[int] = set()
    for unit in units:
        if unit.months is None or not unit.age_band:
            continue
        best = None
        for cand in (parents if unit.kind == MatchKind.PARENT else young).get(unit.bucket, []):
            months = rules.months_between(cand.benefit_since, unit.index)
            if months is None or not _eligible(unit, cand, used):
                continue
            key = (abs(months - unit.months), cand.cpr_hash)
            if key[0] <= caliper and (best is None or key < best[0]):
                best = (key, cand)
        if best is not None:
            unit.match_id, unit.distance = best[1].id, best[0][0]
            used.add(best[1].id)


def match(units: list[Unit], parents: dict, young: dict, *, caliper: int) -> None:
    """Set `match_id`/`distance` on each unit that finds a comparison person (see module).

    Same result as match_brute_force, without scanning whole strata: a stratum is sorted by
    benefit start, and months on benefits at the index date fall as the start gets later,
    so the distance grows in both directions from the start date that gives the pilot
    person's months; each direction is walked only while it cannot be beaten.

    The walk visits millions of (unit, candidate) pairs at 50,000 families, so the per-pair
    rules are computed from figures prepared once: each candidate's benefit start as a
    month number and day (rules.months_between: whole_months to a fixed index date), and
    each unit's age band as the range of birth dates it holds (rules.age_band), once per
    band and index date. A matched candidate leaves its stratum's lists (without replacement),
    so later walks do not pass it again.
    """
    sorted_pools: dict[tuple, tuple[list, list, list]] = {}
    births: dict[tuple[str, datetime.date], tuple[datetime.date, datetime.date]] = {}
    for unit in units:
        if unit.months is None or not unit.age_band:
            continue
        key = (unit.kind, unit.bucket)
        if key not in sorted_pools:
            pool = (parents if unit.kind == MatchKind.PARENT else young).get(unit.bucket, [])
            ordered = sorted(
                (c for c in pool if c.benefit_since is not None),
                key=lambda c: (c.benefit_since, c.cpr_hash),
            )
            starts = [_month_number(c.benefit_since) for c in ordered]
            sorted_pools[key] = (ordered, [c.benefit_since for c in ordered], starts)
        ordered, dates, starts = sorted_pools[key]
        index = unit.index
        index_month, _day = _month_number(index)
        index_last = calendar.monthrange(index.year, index.month)[1]
        band = (unit.age_band, index)
        if band not in births:
            births[band] = rules.age_band_births(*band)
        born_after, born_by = births[band]
        parent = unit.kind == MatchKind.PARENT
        split = bisect.bisect_left(dates, add_months(index, -unit.months))
        best: tuple[tuple[int, str], int] | None = None  # (ranking, position)
        for positions in (range(split - 1, -1, -1), range(split, len(ordered))):
            for i in positions:
                cand = ordered[i]
                if cand.benefit_since > index:
                    break  # on benefits only after the index date, and so are the rest
                # whole_months(benefit_since, index): the month count, one less when the
                # start's day (clamped to the index's month) has not come yet in that month.
                month, day = starts[i]
                months = index_month - month - (min(day, index_last) > index.day)
                distance = abs(months - unit.months)
                if distance > caliper or (best is not None and distance > best[0][0]):
                    break
                born = cand.date_of_birth
                if born is None:
                    continue
                if born > index:  # born after the index date (rare): age_on's own rule
                    if rules.age_band(born, index) != unit.age_band:
                        continue
                elif not born_after < born <= born_by:
                    continue
                if parent and not rules.on_benefits_at(cand.history, cand.benefit_since, index):
                    continue
                ranking = (distance, cand.cpr_hash)
                if best is None or ranking < best[0]:
                    best = (ranking, i)
        if best is not None:
            (distance, _hash), i = best
            unit.match_id, unit.distance = ordered[i].id, distance
            del ordered[i], dates[i], starts[i]


def _month_number(day: datetime.date) -> tuple[int, int]:
    """(months since year 0, day of month)."""
    return day.year * 12 + day.month - 1, day.day


def measure(units: list[Unit], on: datetime.date, histories: dict[int, list]) -> None:
    """Fill each unit's outcomes: {code: [pilot, comparison or None]} when measurable on `on`."""
    parent_tracks = [u.track_id for u in units if u.kind == MatchKind.PARENT]
    youth_tracks = [u.track_id for u in units if u.kind == MatchKind.YOUNG_PERSON]
    t1 = dict(targets.units("T1", on).filter(pk__in=parent_tracks).values_list("pk", "achieved"))
    t2 = dict(targets.units("T2", on).filter(pk__in=youth_tracks).values_list("pk", "achieved"))
    # Gone on to work by month 6 and 12 of each track (the index date is the track's start):
    # employment.rules.gone_on's SQL twin, one query instead of every track's internships.
    work_codes = ("work_6", "work_12")
    marks = {f"{c}_on": AddMonths(F("start"), rules.OUTCOME_MONTHS[c]) for c in work_codes}
    flags = {
        c: ExpressionWrapper(
            employment_rules.gone_on_q(F(f"{c}_on"), employment_rules.WORK),
            output_field=BooleanField(),
        )
        for c in work_codes
    }
    work = {
        row[0]: dict(zip(work_codes, row[1:], strict=True))
        for row in EmploymentTrack.objects.filter(pk__in=parent_tracks)
        .annotate(**marks)
        .annotate(**flags)
        .values_list("pk", *work_codes)
    }
    for unit in units:
        history = histories.get(unit.match_id, []) if unit.match_id else None

        def both(code: str, pilot: bool, index: datetime.date, history=history) -> list:
            theirs = None if history is None else rules.comparison_outcome(code, history, index)
            return [bool(pilot), theirs]

        if unit.kind == MatchKind.PARENT:
            if unit.track_id in t1:
                unit.outcomes["t1"] = both("t1", t1[unit.track_id], unit.index)
            for code in work_codes:
                if add_months(unit.index, rules.OUTCOME_MONTHS[code]) <= on:
                    unit.outcomes[code] = both(code, work[unit.track_id][code], unit.index)
        elif unit.track_id in t2 and unit.outcome_index is not None:
            unit.outcomes["t2"] = both("t2", t2[unit.track_id], unit.outcome_index)


def _estimates(units: list[Unit], code: str) -> tuple[Estimate, dict[str, Estimate]]:
    overall = Estimate(0, 0, 0, 0)
    cohorts: dict[str, Estimate] = {}
    for unit in units:
        pair = unit.outcomes.get(code)
        if pair is None or pair[1] is None:
            continue  # not measurable yet, or no comparison person found
        for estimate in (overall, cohorts.setdefault(unit.cohort, Estimate(0, 0, 0, 0))):
            estimate.pilot_n += 1
            estimate.pilot_hits += pair[0]
            estimate.comparison_n += 1
            estimate.comparison_hits += pair[1]
    return overall, cohorts


def figures(units: list[Unit], on: datetime.date, pool_counts: dict) -> dict:
    """Everything the pages and the API show, small cells already suppressed."""
    outcomes = []
    for code in rules.OUTCOME_MONTHS:
        overall, cohorts = _estimates(units, code)
        hidden = suppress_groups(overall, cohorts)
        outcomes.append(
            {
                "code": code,
                "overall": overall.public(),
                "cohorts": [
                    {"cohort": name, **cohorts[name].public(hidden=h, secondary=s)}
                    for name, (h, s) in sorted(hidden.items())
                ],
            }
        )
    by_code = {o["code"]: o["overall"] for o in outcomes}
    matching = {}
    for kind in MatchKind.values:
        mine = [u for u in units if u.kind == kind]
        matching[kind] = {"pilot": len(mine), "matched": sum(1 for u in mine if u.match_id)}
    parents = matching[MatchKind.PARENT]["pilot"]
    spent_t1 = Expenditure.objects.filter(date__lte=on, activity__outcome="T1").aggregate(
        total=Coalesce(Sum("amount"), Decimal(0))
    )["total"]
    spent_all = Expenditure.objects.filter(date__lte=on).aggregate(
        total=Coalesce(Sum("amount"), Decimal(0))
    )["total"]
    cost = None
    cost_outcome = next(
        (
            c
            for c in ("work_12", "work_6")
            if by_code[c]["pilot_n"] and by_code[c]["difference"] is not None
        ),
        None,
    )
    if cost_outcome:
        o = by_code[cost_outcome]
        cost = cost_per_extra(
            spent=spent_t1, difference=o["difference"], low=o["low"], high=o["high"], people=parents
        )
    return {
        "date": on.isoformat(),
        "pool": pool_counts,
        "matching": matching,
        "caliper_months": int(rule("evaluation_caliper_months")),
        "threshold": int(rule("small_cell_threshold")),
        "outcomes": outcomes,
        "cost_outcome": cost_outcome,
        "cost": _jsonable(cost),
        "spent_total": str(spent_all),
    }


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    return value
