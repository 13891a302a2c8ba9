"""Fictitious demo data for the pilot (`manage.py seed_demo`).

Builds families, parents, children, network groups, person assignments and a demo
user for every role, then calls the demo seeders the track apps registered
(families.registry.demo_seeders). Everything is drawn from one `random.Random`
seeded by the caller, so the same seed gives the same case numbers, names, CPR
numbers and districts (birth dates are anchored to a fixed day, enrolment dates
to `today`).

Scale: rows are generated and inserted in chunks with bi18.lib.bulk (COPY on PostgreSQL:
Django's per-value work in bulk_create cost more than the database), the seeders likewise;
the CPR hash + Fernet encryption costs ≈ 14 µs a person. On PostgreSQL the foreign keys are
dropped for the load and added back at its end, one check per table instead of one per
inserted row at the commit (bulk.foreign_keys_checked_at_end). Each step is timed in
`DemoResult.timings` (docs/benchmarks.md).

Package layout: data.py (distributions, names, demo users), users.py (the users and
their role groups), build.py (generating one chunk of families), and seed_demo() here.

The CPR numbers are fictitious: a real date with the right century digit and the
sex digit, but serials chosen to FAIL the modulus-11 check, which the app only
warns about. They live only in the demo database.
"""

import datetime
import random
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from bi18.accounts.roles import Role
from bi18.audit.services import audit_log
from bi18.lib import bulk
from families.demo.build import Builder, apportion
from families.demo.data import (
    BIRTH_ANCHOR,
    CHILDREN_WEIGHTS,
    DEFAULT_FAMILIES,
    DEMO_HOUSEHOLD_PREFIX,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DISTRICT_WEIGHTS,
    MAIN_CASEWORKER_FAMILIES,
    NAMED_USERS,
)
from families.demo.users import ensure_demo_users
from families.models import (
    Family,
    NetworkMember,
    Person,
    PersonRole,
)
from families.registry import demo_seeders, families_created
from families.services import CASE_NUMBER_PREFIX

__all__ = [
    "BIRTH_ANCHOR",
    "DEFAULT_FAMILIES",
    "DEMO_HOUSEHOLD_PREFIX",
    "DEMO_PASSWORD",
    "DEMO_TOTP_SECRET",
    "DemoDataExists",
    "RealDataExists",
    "DemoResult",
    "seed_demo",
]

CHUNK_SIZE = 1000  # families generated and inserted per round


class DemoDataExists(Exception):
    """Families exist already; seeding again needs `append=True`."""


class RealDataExists(Exception):
    """The database holds families that are not demo data: fictitious families are never
    mixed into real case data, not even with `append=True`."""


@dataclass
class DemoResult:
    first_case_number: str = ""
    last_case_number: str = ""
    families: int = 0
    parents: int = 0
    children: int = 0
    members: int = 0
    assignments: int = 0
    users_created: int = 0
    family_ids: list[int] = field(default_factory=list)
    users: dict[str, object] = field(default_factory=dict)  # role -> first demo user
    logins: list[tuple[str, str]] = field(default_factory=list)  # (username, role label)
    seeders: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step


def _next_number() -> int:
    numbers = [
        int(c.removeprefix(CASE_NUMBER_PREFIX))
        for c in Family.objects.filter(case_number__startswith=CASE_NUMBER_PREFIX).values_list(
            "case_number", flat=True
        )
        if c.removeprefix(CASE_NUMBER_PREFIX).isdigit()
    ]
    return max(numbers, default=0) + 1


def seed_demo(
    *,
    families: int = DEFAULT_FAMILIES,
    seed: int = 1,
    append: bool = False,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
    seeders: Sequence | None = None,
) -> DemoResult:
    """Create `families` fictitious families with their people, network groups and
    assignments, the demo users, and the registered apps' demo data, in one transaction.

    Refuses (DemoDataExists) when any family exists, unless `append`, which continues
    the case numbers. Deterministic for (seed, families, existing data); not safe to
    run twice at the same time (the unique case numbers would make the second fail).
    """
    if families < 1:
        raise ValueError("families must be at least 1")
    today = today or timezone.localdate()
    progress = progress or (lambda message: None)
    seeders = demo_seeders() if seeders is None else list(seeders)
    result = DemoResult()
    clock = time.perf_counter()

    with transaction.atomic():
        existing = Family.objects.exists()
        if existing and not append:
            raise DemoDataExists
        if (
            existing
            and Family.objects.exclude(household_id__startswith=DEMO_HOUSEHOLD_PREFIX).exists()
        ):
            raise RealDataExists
        # Into an empty database, foreign keys are checked once per table at the end rather
        # than row by row at the commit. Not when appending: dropping them locks every table
        # until the commit, which would stop the users of a shared demo server for the load.
        checks = nullcontext() if existing else bulk.foreign_keys_checked_at_end()
        with checks:
            start = _next_number() if existing else 1
            # A different stream when appending, so the new families are not copies of the first ones.
            rng = random.Random(f"bi18-demo:{seed}:{start}")
            total = start - 1 + families

            step = time.perf_counter()
            pools, result.users_created = ensure_demo_users(
                total, random.Random(f"bi18-demo-users:{seed}")
            )
            result.users = {role: users[0] for role, users in pools.items()}
            result.logins = [
                (u.username, str(Role(role).label))
                for role, users in pools.items()
                for u in users[: 4 if role == Role.FAMILY_CASEWORKER else 2]
                if u.username in NAMED_USERS
            ]
            result.timings["users"] = time.perf_counter() - step

            main = pools[Role.FAMILY_CASEWORKER][0]
            main_groups = NetworkMember.objects.filter(user=main).count() if existing else 0
            fc_count = len(pools[Role.FAMILY_CASEWORKER])
            coordinated = sum(1 for i in range(start - 1, total) if i % fc_count == 0)
            main_extra = max(0, MAIN_CASEWORKER_FAMILIES - main_groups - coordinated)
            existing_hashes = (
                set(Person.objects.exclude(cpr_hash=None).values_list("cpr_hash", flat=True))
                if existing
                else set()
            )
            stats = {}
            builder = Builder(rng, today, pools, existing_hashes, main_extra, stats)
            # Exact shares (shuffled), so that 130 families give ≈ 325 children and all ten districts.
            districts = apportion(DISTRICT_WEIGHTS, families)
            rng.shuffle(districts)
            children = apportion(CHILDREN_WEIGHTS, families)
            rng.shuffle(children)

            generate = insert = 0.0
            for chunk_start in range(0, families, CHUNK_SIZE):
                chunk = range(chunk_start, min(families, chunk_start + CHUNK_SIZE))
                step = time.perf_counter()
                family_rows = [builder.family(start + i, districts[i]) for i in chunk]
                generate += time.perf_counter() - step
                step = time.perf_counter()
                bulk.create(family_rows)
                insert += time.perf_counter() - step

                step = time.perf_counter()
                people_rows = [
                    builder.people(f, children[i]) for i, f in zip(chunk, family_rows, strict=True)
                ]
                generate += time.perf_counter() - step
                step = time.perf_counter()
                bulk.create([p for ps in people_rows for p in ps])
                insert += time.perf_counter() - step

                step = time.perf_counter()
                members, assignments, changes = [], [], []
                for i, family, people in zip(chunk, family_rows, people_rows, strict=True):
                    group = builder.members(start - 1 + i, family, people)
                    members += group
                    assignments += builder.assignments(family, people)
                    if change := builder.status_change(family, group[0].user_id):
                        changes.append(change)
                    result.parents += sum(p.role == PersonRole.PARENT for p in people)
                    result.children += sum(p.role == PersonRole.CHILD for p in people)
                generate += time.perf_counter() - step
                step = time.perf_counter()
                bulk.create(members)
                bulk.create(assignments)
                bulk.create(changes)
                insert += time.perf_counter() - step

                result.family_ids += [f.pk for f in family_rows]
                result.members += len(members)
                result.assignments += len(assignments)
                result.families += len(family_rows)
                if families > CHUNK_SIZE:
                    progress(
                        f"{result.families:,}/{families:,} families ({time.perf_counter() - clock:.0f} s)"
                    )

            result.timings["generate"] = generate - builder.crypto_seconds
            result.timings["cpr_hash_and_encrypt"] = builder.crypto_seconds
            result.timings["insert"] = insert
            result.first_case_number = f"{CASE_NUMBER_PREFIX}{start:04d}"
            result.last_case_number = f"{CASE_NUMBER_PREFIX}{total:04d}"

            step = time.perf_counter()
            for k, seeder in enumerate(seeders, start=1):
                seeder_clock = time.perf_counter()
                progress(f"Seeder {seeder.key} …")
                seeder.seed(
                    rng=random.Random(seed + k),
                    family_ids=list(result.family_ids),
                    users=dict(result.users),
                    today=today,
                )
                result.seeders.append(seeder.key)
                result.timings[f"seeder:{seeder.key}"] = time.perf_counter() - seeder_clock
            result.timings["seeders"] = time.perf_counter() - step
            # What every family comes with, for the families no seeder gave it to (a seeder
            # writes fuller rows, e.g. a plan with goals, and skips families that have them).
            families_created(result.family_ids)

            audit_log(
                actor=None,
                actor_username="seed_demo",
                action="create",
                event="families.demo.seeded",
                detail={
                    "families": result.families,
                    "first": result.first_case_number,
                    "seed": seed,
                },
            )
            step = time.perf_counter()
        result.timings["foreign_keys"] = time.perf_counter() - step
        step = time.perf_counter()
    # On SQLite the commit checks every inserted row's foreign keys.
    result.timings["commit"] = time.perf_counter() - step
    result.timings["total"] = time.perf_counter() - clock
    return result
