"""Demo comparison cohort with a known simulated effect (`manage.py seed_demo`, issue 15).

For every seeded pilot family, COMPARISON_PER_FAMILY households that look like it at
enrolment (same district and household size; parents with the same benefit category,
date of birth and benefit start; children of the same age) – so that the matching has
good twins, as a real register extract of the rest of the target group would offer.

Their register outcomes are simulated relative to the pilot person they copy: an
outcome is reached with the pilot's *realised* rate minus SIMULATED_EFFECT (computed
with the evaluation's own rules on the seeded pilot), so the true difference between
pilot and comparison is the simulated effect, up to the comparison's sampling noise.
A test checks that the Beslutningsgrundlag page's 95 % interval covers it.
"""

import datetime
import random

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.utils import timezone

from bi18.lib import bulk
from bi18.lib.dates import AddMonths
from budget import targets
from budget.evaluation import rules
from budget.evaluation.models import (
    ComparisonHousehold,
    ComparisonPerson,
    ComparisonStatus,
    ComparisonUpload,
    RegisterStatus,
    UploadKind,
)
from employment import rules as employment_rules
from employment.models import EmploymentTrack
from families.cpr import cpr_hash
from families.demo.build import fictitious_cpr
from families.models import Family, Person, PersonRole
from families.registry import DemoSeeder
from youth.models import YouthTrack

COMPARISON_PER_FAMILY = 2
# Pilot − comparison, in rate points (0.25 = 25 percentage points).
SIMULATED_EFFECT = {"t1": 0.25, "work_6": 0.10, "t2": 0.20}
DEMO_HOUSEHOLD_PREFIX = "DEMO-SAMMENLIGNING-"


def pilot_rates(family_ids: list[int], today: datetime.date) -> dict[str, float]:
    """The seeded pilot's realised rates, by the rules the evaluation compares: three
    COUNT queries (each flag is the rule's SQL twin, as targets.units)."""
    tracks = EmploymentTrack.objects.filter(person__family_id__in=family_ids)
    youth = YouthTrack.objects.filter(person__family_id__in=family_ids)
    months = rules.OUTCOME_MONTHS["work_6"]
    work = (
        tracks.annotate(mark=AddMonths(F("start"), months))
        .filter(mark__lte=today)
        .annotate(
            achieved=ExpressionWrapper(
                employment_rules.gone_on_q(F("mark"), employment_rules.WORK),
                output_field=BooleanField(),
            )
        )
    )
    return {
        "t1": _share(targets.units("T1", today).filter(pk__in=tracks.values("pk"))),
        "work_6": _share(work),
        "t2": _share(targets.units("T2", today).filter(pk__in=youth.values("pk"))),
    }


def _share(units) -> float:
    row = units.aggregate(n=Count("pk"), hits=Count("pk", filter=Q(achieved=True)))
    return row["hits"] / row["n"] if row["n"] else 0.0


def seed(*, rng: random.Random, family_ids, users, today: datetime.date, **_kwargs) -> None:
    family_ids = list(family_ids)
    rates = pilot_rates(family_ids, today)
    wanted = {code: max(0.0, rates[code] - effect) for code, effect in SIMULATED_EFFECT.items()}
    # Plain rows, not model instances: only these fields are read, for ≈ 230,000 people.
    tracks = {
        t.person_id: t
        for t in EmploymentTrack.objects.filter(person__family_id__in=family_ids).values_list(
            "person_id", "start", named=True
        )
    }
    youth = {
        t.person_id: t
        for t in YouthTrack.objects.filter(
            person__family_id__in=family_ids, education_effort=True
        ).values_list("person_id", "actual_end", named=True)
    }
    families = (
        Family.objects.filter(pk__in=family_ids)
        .order_by("pk")
        .values_list("pk", "district", named=True)
    )
    people_by_family: dict[int, list] = {}
    for person in (
        Person.objects.filter(family_id__in=family_ids)
        .order_by("family_id", "pk")
        .values_list(
            "pk", "family_id", "role", "date_of_birth", "benefit_category", "benefit_since",
            named=True,
        )
    ):  # fmt: skip
        people_by_family.setdefault(person.family_id, []).append(person)

    taken = set(ComparisonPerson.objects.values_list("cpr_hash", flat=True)) | set(
        Person.objects.exclude(cpr_hash=None).values_list("cpr_hash", flat=True)
    )

    hashes: dict[str, str] = {}  # the candidate's hash, kept for the one that is not taken

    def is_taken(digits: str) -> bool:
        hashes[digits] = cpr_hash(digits)
        return hashes[digits] in taken

    # Plain tuples inserted with bi18.lib.bulk: no model instance for ≈ 450,000 rows at 50,000
    # families. The draws from rng are made in the same order as ever: same seed, same data.
    now = timezone.now()
    start_number = ComparisonHousehold.objects.count() + 1
    households, people, plans = [], [], []
    for family in families:
        for _copy in range(COMPARISON_PER_FAMILY):
            number = start_number + len(households)
            households.append(
                (f"{DEMO_HOUSEHOLD_PREFIX}{number:05d}", family.district, "Demo", today, now, now)
            )
            for pilot in people_by_family.get(family.pk, []):
                birth = pilot.date_of_birth or datetime.date(1985, 1, 1)
                cpr = fictitious_cpr(rng, birth, female=rng.random() < 0.5, taken=is_taken)
                hashed = hashes[cpr.digits]
                hashes.clear()
                taken.add(hashed)
                parent = pilot.role == PersonRole.PARENT
                since = pilot.benefit_since if parent else None
                people.append(
                    [len(households) - 1, hashed, pilot.role, cpr.birth_date]
                    + [pilot.benefit_category if parent else "", since]
                    # Most of the rest of the target group is in another special effort.
                    + [parent and rng.random() < 0.75, now, now]
                )
                plans.append((pilot.role, since, tracks.get(pilot.pk), youth.get(pilot.pk)))
    household_ids = bulk.insert_rows(
        ComparisonHousehold,
        ["household_id", "district", "source", "criterion_date", "created_at", "updated_at"],
        households,
        ids=True,
    )
    for row in people:
        row[0] = household_ids[row[0]]
    person_ids = bulk.insert_rows(
        ComparisonPerson,
        ["household", "cpr_hash", "role", "date_of_birth", "benefit_category", "benefit_since"]
        + ["in_other_effort", "created_at", "updated_at"],
        [tuple(row) for row in people],
        ids=True,
    )

    statuses = []
    for person_id, (role, since, track, youth_track) in zip(person_ids, plans, strict=True):
        statuses += [
            (person_id, day, status)
            for day, status in _history(rng, role, since, track, youth_track, wanted, today)
        ]
    bulk.insert_rows(ComparisonStatus, ["person", "date", "status"], statuses)
    ComparisonUpload.objects.create(
        kind=UploadKind.OUTCOMES,
        file_name="demo",
        data_encrypted=b"",
        sha256="",
        dry_run_report={},
        committed_at=now,
        result={"demo": True, "rates": rates, "effect": SIMULATED_EFFECT},
        as_of=today,
    )
    from budget.evaluation import services

    services.evaluation_run_execute(run_id=None)


def _history(rng, role, benefit_since, track, youth_track, wanted, today) -> list[tuple]:
    """(date, status) rows of one comparison person's register history."""
    rows: list[tuple] = []

    def add(day: datetime.date, status: str) -> None:
        if day <= today and all(date != day for date, _status in rows):
            rows.append((day, status))

    if role == PersonRole.PARENT:
        if benefit_since:
            add(benefit_since, RegisterStatus.BENEFIT)
        if track is None:
            return rows
        start = track.start
        works = rng.random() < wanted["work_6"]
        rest = (
            (wanted["t1"] - wanted["work_6"]) / (1 - wanted["work_6"])
            if wanted["work_6"] < 1
            else 0
        )
        reaches = works or rng.random() < max(0.0, rest)
        if works:
            add(start + datetime.timedelta(days=rng.randint(20, 60)), RegisterStatus.INTERNSHIP)
            add(
                start + datetime.timedelta(days=rng.randint(90, 170)),
                rng.choice([RegisterStatus.ORDINARY_JOB, RegisterStatus.WAGE_SUBSIDY]),
            )
        elif reaches:
            add(start + datetime.timedelta(days=rng.randint(15, 150)), RegisterStatus.INTERNSHIP)
        elif rng.random() < 0.5:
            first = start + datetime.timedelta(days=rng.randint(20, 60))
            add(first, RegisterStatus.INTERNSHIP)
            add(first + datetime.timedelta(days=rng.randint(30, 90)), RegisterStatus.BENEFIT)
        return rows
    if youth_track is None or youth_track.actual_end is None:
        return rows
    end = youth_track.actual_end
    if rng.random() < wanted["t2"]:
        add(end + datetime.timedelta(days=rng.randint(-60, 80)), RegisterStatus.EDUCATION)
    elif rng.random() < 0.3:
        add(end - datetime.timedelta(days=rng.randint(30, 200)), RegisterStatus.EDUCATION)
        add(end + datetime.timedelta(days=rng.randint(0, 60)), RegisterStatus.BENEFIT)
    return rows


SEEDER = DemoSeeder(key="evaluation", order=95, seed=seed)
