"""Generating families, people, network groups and assignments, one chunk at a time.

Deterministic: everything comes from the one rng handed in, in a fixed order.
"""

import datetime
import math
import random
import time
from collections.abc import Callable

from django.utils import timezone

from bi18.accounts.roles import Role
from families.cpr import Cpr, cpr_hash, encrypt_cpr, parse_cpr
from families.demo.data import (
    BIRTH_ANCHOR,
    CHILD_NAMES_FEMALE,
    CHILD_NAMES_MALE,
    COMPLETION_REASONS,
    DANISH_LEVELS,
    DEMO_HOUSEHOLD_PREFIX,
    EDUCATIONS,
    ORIGINS,
    STATUS_WEIGHTS,
    TARGET_GROUP_SOURCE,
    WITHDRAWAL_REASONS,
    YOUTH_16_17,
    YOUTH_18_25,
)
from families.models import (
    BenefitCategory,
    Family,
    FamilyStatus,
    FamilyStatusChange,
    NetworkMember,
    Person,
    PersonAssignment,
    PersonRole,
)
from families.services import CASE_NUMBER_PREFIX


def apportion(weights: dict, n: int) -> list:
    """n keys spread by weight with the largest-remainder method (exact shares, every
    key with a share of at least one appears)."""
    total = sum(weights.values())
    quotas = {k: n * w / total for k, w in weights.items()}
    counts = {k: math.floor(q) for k, q in quotas.items()}
    rest = n - sum(counts.values())
    for k in sorted(quotas, key=lambda k: quotas[k] - counts[k], reverse=True)[:rest]:
        counts[k] += 1
    return [k for k, c in counts.items() for _ in range(c)]


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _months_back(rng: random.Random, months: int) -> datetime.date:
    """A day in the calendar month `months` before BIRTH_ANCHOR's previous month.

    Plain arithmetic: relativedelta costs ~40 µs a call, noticeable for 300,000 dates."""
    year, month = divmod(BIRTH_ANCHOR.year * 12 + BIRTH_ANCHOR.month - 2 - months, 12)
    return datetime.date(year, month + 1, 1 + rng.randrange(28))


def _age(birth: datetime.date) -> int:
    """Age in whole years on BIRTH_ANCHOR."""
    anchor = BIRTH_ANCHOR
    return anchor.year - birth.year - ((anchor.month, anchor.day) < (birth.month, birth.day))


def _century_digits(year: int) -> tuple[int, ...]:
    """Seventh digits that give this birth year's century under the CPR rules."""
    yy = year % 100
    if 1900 <= year <= 1999:
        return (0, 1, 2, 3, 4, 9) if yy >= 37 else (0, 1, 2, 3)
    if 2000 <= year <= 2036:
        return (4, 9, 5, 6, 7, 8)
    if 2037 <= year <= 2057:
        return (5, 6, 7, 8)
    raise ValueError(year)


_MOD11_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def fictitious_cpr(
    rng: random.Random, birth: datetime.date, *, female: bool, taken: Callable[[str], bool]
) -> Cpr:
    """A CPR number for this birth date and sex that parses back to the same date,
    fails modulus 11 (so it is recognisably made up) and is not `taken`."""
    digits7 = _century_digits(birth.year)
    last_digits = (0, 2, 4, 6, 8) if female else (1, 3, 5, 7, 9)
    prefix = f"{birth:%d%m%y}"
    while True:
        serial = f"{rng.choice(digits7)}{rng.randrange(100):02d}{rng.choice(last_digits)}"
        digits = prefix + serial
        if sum(int(d) * w for d, w in zip(digits, _MOD11_WEIGHTS, strict=True)) % 11 == 0:
            continue
        if taken(digits):
            continue
        return parse_cpr(digits)


def _school_status(rng: random.Random, age: int) -> str:
    if age <= 0:
        return "Hjemme"
    if age <= 2:
        return rng.choice(("Vuggestue", "Dagpleje", "Hjemme"))
    if age <= 5:
        return "Børnehave"
    if age <= 15:
        return f"Folkeskole, {age - 6}. klasse" if age > 6 else "Folkeskole, 0. klasse"
    if age <= 17:
        return rng.choice(YOUTH_16_17)
    return rng.choice(YOUTH_18_25)


def _cohort(day: datetime.date) -> str:
    return f"{day.year}-{1 if day.month <= 6 else 2}"


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


class Builder:
    """Generates one chunk of families at a time; keeps the CPR numbers used so far."""

    def __init__(self, rng, today, pools, existing_hashes, main_extra, stats):
        self.rng = rng
        self.today = today
        self.pools = pools
        self.existing_hashes = existing_hashes
        self.used_digits: set[str] = set()
        self.main_extra = main_extra  # groups `sagsbehandler` still joins as a second caseworker
        self.stats = stats
        self.crypto_seconds = 0.0

    def _taken(self, digits: str) -> bool:
        if digits in self.used_digits:
            return True
        if self.existing_hashes and cpr_hash(digits) in self.existing_hashes:
            return True
        self.used_digits.add(digits)
        return False

    def _person(self, family_id, role, first, last, birth, female, **fields) -> Person:
        cpr = fictitious_cpr(self.rng, birth, female=female, taken=self._taken)
        started = time.perf_counter()
        digest, token = cpr_hash(cpr), encrypt_cpr(cpr)
        self.crypto_seconds += time.perf_counter() - started
        assert cpr.birth_date == birth
        return Person(
            family_id=family_id,
            role=role,
            first_name=first,
            last_name=last,
            cpr_hash=digest,
            cpr_encrypted=token,
            date_of_birth=birth,
            **fields,
        )

    def family(self, number: int, district: str) -> Family:
        rng, today = self.rng, self.today
        status = _weighted(rng, STATUS_WEIGHTS)
        origin = rng.choices(ORIGINS, weights=[o.weight for o in ORIGINS])[0]
        if status == FamilyStatus.SCREENED:
            enrolment = None
            screened = today - datetime.timedelta(days=rng.randint(5, 60))
        else:
            days = {
                FamilyStatus.ENROLLED: (7, 90),
                FamilyStatus.ACTIVE: (60, 330),
                FamilyStatus.COMPLETED: (280, 330),
                FamilyStatus.WITHDRAWN: (40, 320),
            }[status]
            enrolment = today - datetime.timedelta(days=rng.randint(*days))
            screened = enrolment - datetime.timedelta(days=rng.randint(14, 60))
        reason = ""
        if status == FamilyStatus.WITHDRAWN:
            reason = rng.choice(WITHDRAWAL_REASONS)
        elif status == FamilyStatus.COMPLETED:
            reason = rng.choice(COMPLETION_REASONS)
        family = Family(
            case_number=f"{CASE_NUMBER_PREFIX}{number:04d}",
            household_id=f"{DEMO_HOUSEHOLD_PREFIX}{number:06d}",
            district=district,
            status=status,
            status_reason=reason,
            enrolment_date=enrolment,
            cohort=_cohort(enrolment or screened),
            preferred_language=origin.language,
            interpreter_needed=rng.random() < 0.55,
            consent_given_on=enrolment - datetime.timedelta(days=rng.randint(0, 7))
            if enrolment
            else None,
            target_group_source=TARGET_GROUP_SOURCE,
            target_group_date=screened,
        )
        family._demo_origin = origin  # used by people() below, never saved
        return family

    def people(self, family: Family, n_children: int) -> list[Person]:
        rng, origin = self.rng, family._demo_origin
        lang = origin.language
        # Siblings 14–40 months apart, all born when the mother was 19 or older, eldest ≤ 25.
        gaps = [rng.randint(14, 40) for _ in range(n_children - 1)]
        mother_age = max(rng.randint(26, 52), 20 + math.ceil(sum(gaps) / 12))
        span = min(25 * 12, (mother_age - 19) * 12)
        youngest = rng.randint(0, max(0, span - sum(gaps)))
        child_months = [youngest + sum(gaps[:i]) for i in range(n_children)][::-1]
        father_age = max(25, min(62, mother_age + rng.randint(-2, 9)))
        father_first = rng.choice(origin.male)
        father_last = rng.choice(origin.surnames)
        if origin.wife_takes_surname and rng.random() < 0.7:
            mother_last = father_last
        else:
            mother_last = rng.choice(origin.surnames)
        mother_first = rng.choice(origin.female)
        people = []
        for first, last, age, female in (
            (father_first, father_last, father_age, False),
            (mother_first, mother_last, mother_age, True),
        ):
            years_on_benefits = rng.randint(1, max(1, min(15, age - 20)))
            people.append(
                self._person(
                    family.pk,
                    PersonRole.PARENT,
                    first,
                    last,
                    _months_back(rng, age * 12 + rng.randrange(12)),
                    female,
                    language=lang if rng.random() < 0.7 else f"{lang}, engelsk",
                    interpreter_needed=family.interpreter_needed and rng.random() < 0.85,
                    danish_level=rng.choice(DANISH_LEVELS),
                    highest_education=rng.choice(EDUCATIONS),
                    benefit_category=BenefitCategory.ACTIVITY_READY
                    if rng.random() < 0.8
                    else BenefitCategory.JOB_READY,
                    benefit_since=_months_back(rng, years_on_benefits * 12 + rng.randrange(12)),
                )
            )
        children_last = father_first if origin.patronymic else father_last
        names = {father_first, mother_first}
        for months in child_months:
            female = rng.random() < 0.5
            pool = origin.female if female else origin.male
            if rng.random() < 0.3:
                pool = CHILD_NAMES_FEMALE if female else CHILD_NAMES_MALE
            first = rng.choice(pool)
            for _ in range(5):  # siblings do not share a first name with each other or a parent
                if first not in names:
                    break
                first = rng.choice(pool)
            names.add(first)
            birth = _months_back(rng, months)
            people.append(
                self._person(
                    family.pk,
                    PersonRole.CHILD,
                    first,
                    children_last,
                    birth,
                    female,
                    language=f"dansk, {lang}",
                    school_status=_school_status(rng, _age(birth)),
                )
            )
        return people

    def members(self, index: int, family: Family, people: list[Person]) -> list[NetworkMember]:
        """A network group: a coordinating family caseworker, an employment consultant,
        usually a company consultant, and a UU counsellor when there are young people."""
        rng, pools = self.rng, self.pools
        added = _aware(family.enrolment_date or family.target_group_date)
        fc = pools[Role.FAMILY_CASEWORKER]
        chosen = [(fc[index % len(fc)], Role.FAMILY_CASEWORKER, True)]
        if self.main_extra > 0 and index % len(fc) != 0:
            chosen.append((fc[0], Role.FAMILY_CASEWORKER, False))
            self.main_extra -= 1
        chosen.append(
            (rng.choice(pools[Role.EMPLOYMENT_CONSULTANT]), Role.EMPLOYMENT_CONSULTANT, False)
        )
        if rng.random() < 0.75:
            chosen.append(
                (rng.choice(pools[Role.COMPANY_CONSULTANT]), Role.COMPANY_CONSULTANT, False)
            )
        if any(p.role == PersonRole.CHILD and _age(p.date_of_birth) >= 13 for p in people):
            chosen.append(
                (
                    rng.choice(pools[Role.YOUTH_GUIDANCE_COUNSELLOR]),
                    Role.YOUTH_GUIDANCE_COUNSELLOR,
                    False,
                )
            )
        return [
            NetworkMember(
                family_id=family.pk,
                user_id=user.pk,
                group_role=role,
                is_coordinator=coord,
                added_at=added,
            )
            for user, role, coord in chosen
        ]

    def assignments(self, family: Family, people: list[Person]) -> list[PersonAssignment]:
        """Job mentors for some parents, retention counsellors for some young people (16–24)."""
        if family.status not in (FamilyStatus.ACTIVE, FamilyStatus.ENROLLED):
            return []
        rng, today = self.rng, self.today
        rows = []
        for person in people:
            if person.role == PersonRole.PARENT:
                if rng.random() >= 0.3:
                    continue
                role = Role.JOB_MENTOR
            elif 16 <= _age(person.date_of_birth) <= 24:
                if rng.random() >= 0.45:
                    continue
                role = Role.RETENTION_COUNSELLOR
            else:
                continue
            start = min(today, family.enrolment_date + datetime.timedelta(days=rng.randint(7, 90)))
            rows.append(
                PersonAssignment(
                    person_id=person.pk,
                    user_id=rng.choice(self.pools[role]).pk,
                    role=role,
                    start=start,
                )
            )
        return rows

    def status_change(self, family: Family, coordinator_id: int) -> FamilyStatusChange | None:
        if family.status not in (FamilyStatus.WITHDRAWN, FamilyStatus.COMPLETED):
            return None
        changed = min(
            self.today, family.enrolment_date + datetime.timedelta(days=self.rng.randint(30, 300))
        )
        return FamilyStatusChange(
            family_id=family.pk,
            from_status=FamilyStatus.ACTIVE,
            to_status=family.status,
            reason=family.status_reason,
            changed_at=_aware(changed),
            changed_by_id=coordinator_id,
        )
