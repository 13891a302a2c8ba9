"""The pseudonymised evaluation extract (issue 15 §3).

One row per person and month from their index date (enrolment: the employment track's
start for a parent, the youth track's start for a young person; a comparison person
takes their matched pilot person's), up to the run's date and at most
rule("evaluation_extract_months") months. Columns are codes, counts and day offsets
only – no name, no CPR number, no calendar date, no free text from the case:

pseudonym, pair, group, kind, cohort, district, age_band, household_size,
benefit_category, months_on_benefits, in_other_effort, month, day_from, day_to, status,
events, t1, work_6, work_12, t2

The pseudonym is an HMAC-SHA256 under settings.EVALUATION_PSEUDONYM_KEY of the keyed CPR
hash (or, for a pilot person without CPR number, of their internal id): the same person
has the same pseudonym in every extract made with the same key, and nobody without the
key can turn it back into a person. `pair` is the matched pilot person's pseudonym.
"""

import datetime
import hashlib
import hmac
import io
from collections import defaultdict

from django.conf import settings
from django.db.models import Count

from bi18.lib import exports
from bi18.lib.dates import add_months
from bi18.rules import rule
from budget.evaluation import rules
from budget.evaluation.models import ComparisonPerson, ComparisonStatus, Match, MatchKind
from employment import rules as employment_rules
from employment.models import EmploymentTrack
from families.models import Person
from youth import rules as youth_rules
from youth.models import Enrolment, YouthTrack
from youth.rules import in_education_from

COLUMNS = (
    "pseudonym",
    "pair",
    "group",
    "kind",
    "cohort",
    "district",
    "age_band",
    "household_size",
    "benefit_category",
    "months_on_benefits",
    "in_other_effort",
    "month",
    "day_from",
    "day_to",
    "status",
    "events",
    "t1",
    "work_6",
    "work_12",
    "t2",
)
CHUNK = 500


def pseudonym(identity: str, key: str | None = None) -> str:
    key = key if key is not None else settings.EVALUATION_PSEUDONYM_KEY
    return hmac.new(key.encode(), identity.encode(), hashlib.sha256).hexdigest()[:20]


def _identity(cpr_hash: str | None, pk: int) -> str:
    return f"cpr:{cpr_hash}" if cpr_hash else f"pilot-person:{pk}"


def _periods(index: datetime.date, until: datetime.date):
    months = int(rule("evaluation_extract_months"))
    for m in range(months):
        start = add_months(index, m)
        if start > until:
            return
        end = min(add_months(index, m + 1) - datetime.timedelta(days=1), until)
        yield m, start, end


# --- Status and events of each kind of person ---------------------------------------------


def _parent_status(track, internships, day: datetime.date) -> str:
    """The parent's status on `day`: the track's outcome once dated, else in an
    internship (employment.rules.internship_active), else the reason the latest internship
    ended for, if it was a job, wage subsidy or education (gone on), else on benefits."""
    if track.outcome and track.outcome_date and track.outcome_date <= day:
        return "left_effort" if track.outcome == "left" else track.outcome
    if any(employment_rules.internship_active(i, day) for i in internships):
        return "internship"
    ended = [
        i
        for i in internships
        if i.status != "cancelled"
        and i.actual_end
        and i.actual_end < day
        and i.end_reason in employment_rules.GONE_ON
    ]
    if ended:
        return max(ended, key=lambda i: i.actual_end).end_reason
    return "benefit"


def _parent_events(track, internships):
    yield track.start, "track_start"
    for i in internships:
        if i.status == "cancelled":
            continue
        yield i.start, "internship_start"
        if i.actual_end:
            yield i.actual_end, f"internship_end:{i.end_reason or 'unknown'}"
    if track.outcome and track.outcome_date:
        yield track.outcome_date, f"outcome:{track.outcome}"


def _youth_events(track, enrolments):
    yield track.start, "youth_start"
    if track.actual_end:
        yield track.actual_end, "youth_end"
    for e in enrolments:
        yield e.start, "enrolment_start"
        if e.end:
            yield e.end, f"enrolment_end:{e.end_reason or 'unknown'}"


def _flag(value) -> str:
    return "" if value is None else ("1" if value else "0")


def extract_rows(*, run, progress=None) -> tuple[list[dict], int]:
    """All rows of the extract of `run`, and the number of people in it."""
    until = run.date
    matches = list(Match.objects.filter(run=run).order_by("kind", "index_date", "pilot_person_id"))
    total, rows, people = len(matches), [], 0
    for offset in range(0, total, CHUNK):
        chunk = matches[offset : offset + CHUNK]
        rows += _chunk_rows(chunk, until)
        people += len(chunk) + sum(1 for m in chunk if m.comparison_person_id)
        if progress:
            progress(min(offset + CHUNK, total), total)
    return rows, people


def _chunk_rows(chunk: list[Match], until: datetime.date) -> list[dict]:
    pilot_ids = [m.pilot_person_id for m in chunk]
    comparison_ids = [m.comparison_person_id for m in chunk if m.comparison_person_id]
    pilots = {
        p.pk: p
        for p in Person.objects.filter(pk__in=pilot_ids)
        .select_related("family")
        .annotate(household=Count("family__people"))
        .only(
            "pk",
            "cpr_hash",
            "date_of_birth",
            "benefit_category",
            "benefit_since",
            "family__district",
            "family__cohort",
        )
    }
    tracks = {
        t.person_id: t
        for t in EmploymentTrack.objects.filter(person_id__in=pilot_ids)
        .filter(employment_rules.counting_track_q())  # each parent once: their first track
        .prefetch_related("internships")
    }
    youth = {
        t.person_id: t
        for t in YouthTrack.objects.filter(person_id__in=pilot_ids).filter(
            youth_rules.counting_track_q()  # each young person once: their first track
        )
    }
    enrolments: dict[int, list] = defaultdict(list)
    for e in Enrolment.objects.filter(person_id__in=pilot_ids).order_by("start", "pk"):
        enrolments[e.person_id].append(e)
    comparisons = {
        c.pk: c
        for c in ComparisonPerson.objects.filter(pk__in=comparison_ids)
        .select_related("household")
        .annotate(household_size=Count("household__people"))
    }
    history: dict[int, list] = defaultdict(list)
    for person_id, date, status in (
        ComparisonStatus.objects.filter(person_id__in=comparison_ids)
        .order_by("person_id", "date")
        .values_list("person_id", "date", "status")
    ):
        history[person_id].append((date, status))

    rows: list[dict] = []
    for match in chunk:
        pilot = pilots[match.pilot_person_id]
        pair = pseudonym(_identity(pilot.cpr_hash, pilot.pk))
        index = match.index_date
        parent = match.kind == MatchKind.PARENT
        outcomes = match.outcomes or {}
        base = {
            "pair": pair,
            "kind": match.kind,
            "cohort": match.cohort,
        }

        def flags(side: int, outcomes=outcomes) -> dict:
            return {
                code: _flag(outcomes[code][side]) if code in outcomes else ""
                for code in ("t1", "work_6", "work_12", "t2")
            }

        if parent:
            track = tracks[pilot.pk]
            internships = list(track.internships.all())
            events = list(_parent_events(track, internships))

            def status(day, track=track, internships=internships):
                return _parent_status(track, internships, day)
        else:
            track = youth[pilot.pk]
            mine = enrolments.get(pilot.pk, [])
            events = list(_youth_events(track, mine))

            def status(day, mine=mine):
                return "education" if in_education_from(mine, day) else "not_in_education"

        rows += _person_rows(
            {
                **base,
                "pseudonym": pair,
                "group": "pilot",
                "district": pilot.family.district,
                "age_band": rules.age_band(pilot.date_of_birth, index),
                "household_size": rules.household_size_band(pilot.household),
                "benefit_category": pilot.benefit_category if parent else "",
                "months_on_benefits": _months(rules.months_between(pilot.benefit_since, index))
                if parent
                else "",
                "in_other_effort": "0",
                **flags(0),
            },
            index,
            until,
            status,
            events,
        )
        comparison = comparisons.get(match.comparison_person_id)
        if comparison is None:
            continue
        mine = history.get(comparison.pk, [])

        def their_status(day, mine=mine, parent=parent):
            value = rules.status_on(mine, day)
            if parent:
                return value or "unknown"
            return "education" if value == "education" else "not_in_education"

        rows += _person_rows(
            {
                **base,
                "pseudonym": pseudonym(_identity(comparison.cpr_hash, comparison.pk)),
                "group": "comparison",
                "district": comparison.household.district,
                "age_band": rules.age_band(comparison.date_of_birth, index),
                "household_size": rules.household_size_band(comparison.household_size),
                "benefit_category": comparison.benefit_category if parent else "",
                "months_on_benefits": _months(rules.months_between(comparison.benefit_since, index))
                if parent
                else "",
                "in_other_effort": _flag(comparison.in_other_effort),
                **flags(1),
            },
            index,
            until,
            their_status,
            [(d, f"status:{s}") for d, s in mine],
        )
    return rows


def _months(value) -> str:
    return "" if value is None else str(value)


def _person_rows(common: dict, index, until, status, events) -> list[dict]:
    out = []
    for month, start, end in _periods(index, until):
        happened = sorted(code for day, code in events if start <= day <= end)
        out.append(
            {
                **common,
                "month": month,
                "day_from": (start - index).days,
                "day_to": (end - index).days,
                "status": status(end),
                "events": ";".join(happened),
            }
        )
    return out


def to_csv(rows: list[dict]) -> bytes:
    # Through the one export helper: a cohort name typed as "=…" must not become a formula.
    table = [COLUMNS, *([r.get(c) for c in COLUMNS] for r in rows)]
    return exports.csv_text(table, delimiter=",", lineterminator="\n").encode("utf-8")


def to_parquet(rows: list[dict]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [(c, pa.int32() if c in ("month", "day_from", "day_to") else pa.string()) for c in COLUMNS]
    )
    table = pa.Table.from_pylist([{c: r[c] for c in COLUMNS} for r in rows], schema=schema)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()
