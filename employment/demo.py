"""Demo employment data for `manage.py seed_demo` (registered as a DemoSeeder).

Deterministic for the given rng, bulk inserts only, families handled in chunks, so
50,000 families take well under a few minutes. Tracks start over the last ~9 months,
so the demo users see overdue and upcoming items: week 6 missed, interviews overdue,
internship gaps, caps reached, mentor periods ending.
"""

import datetime
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from bi18.accounts.roles import Role
from bi18.lib import bulk
from employment import clocks
from employment.models import (
    Company,
    EmploymentTrack,
    EndReason,
    Internship,
    InternshipHours,
    InternshipStatus,
    JobInterview,
    MentorAssignment,
    MentorContact,
    Outcome,
    TrackKind,
)
from employment.validators import _WEIGHTS
from families.models import NetworkMember, Person, PersonAssignment, PersonRole

CHUNK = 2000
INDUSTRIES = [
    "Detailhandel",
    "Rengøring",
    "Hotel og restauration",
    "Transport",
    "Pleje og omsorg",
    "Byggeri",
    "Lager og logistik",
    "Køkken",
    "Børnepasning",
    "Kontor",
]
COMPANY_WORDS = [
    "Nord",
    "Øst",
    "Havne",
    "Byens",
    "Amager",
    "Valby",
    "Nørrebro",
    "Frederiks",
    "Centrum",
    "Kløver",
]
COMPANY_KINDS = [
    "Rengøring ApS",
    "Køkken A/S",
    "Lager ApS",
    "Pleje ApS",
    "Byg A/S",
    "Butik ApS",
    "Transport A/S",
    "Hotel ApS",
    "Institution",
    "Kontorservice ApS",
]
# The industry (index into INDUSTRIES) of each of GOALS and of each of COMPANY_KINDS.
GOAL_INDUSTRY = [7, 1, 6, 4, 0, 3, 8, 5]
KIND_INDUSTRY = [1, 7, 6, 4, 5, 0, 3, 2, 8, 9]
CONTACT_FIRST = ["Hanne", "Jesper", "Birgitte", "Mads", "Lone", "Henrik", "Pia"]
CONTACT_LAST = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
]
GOALS = [
    "Køkkenmedhjælper",
    "Rengøringsassistent",
    "Lagermedarbejder",
    "Social- og sundhedshjælper",
    "Butiksassistent",
    "Buschauffør",
    "Pædagogmedhjælper",
    "Byggemedhjælper",
]


def _valid_cvr(rng) -> str:
    while True:
        head = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(6))
        total = sum(int(d) * w for d, w in zip(head, _WEIGHTS[:7], strict=True))
        check = (-total) % 11
        if check < 10:
            return head + str(check)


def _companies(rng) -> list[Company]:
    existing = list(Company.objects.order_by("id"))
    if existing:
        return existing
    seen, rows = set(), []
    for n in range(60):
        cvr = _valid_cvr(rng)
        if cvr in seen:
            continue
        seen.add(cvr)
        rows.append(
            Company(
                # 60 different names (word × kind), each kind in its own industry.
                name=f"{COMPANY_WORDS[n % 10]} {COMPANY_KINDS[(n % 10 + n // 10) % 10]}",
                cvr=cvr,
                industry=INDUSTRIES[KIND_INDUSTRY[(n % 10 + n // 10) % 10]],
                contact_name=f"{CONTACT_FIRST[n % 7]} {CONTACT_LAST[n % 9]}",
                contact_phone=f"3{rng.randint(1000000, 9999999)}",
            )
        )
    return Company.objects.bulk_create(rows)


def seed_employment(*, rng, family_ids, users, today, **_kwargs) -> None:
    """Tracks for most parents of enrolled families, with the consultants of each family's
    network group (falling back to the first demo user of the role); the seed's open
    job-mentor assignments become mentor periods (LAB § 167) with their end dates."""
    companies = _companies(rng)
    family_ids = list(family_ids)
    for offset in range(0, len(family_ids), CHUNK):
        chunk = family_ids[offset : offset + CHUNK]
        parents = list(
            Person.objects.filter(family_id__in=chunk, role=PersonRole.PARENT)
            .exclude(family__enrolment_date=None)
            .filter(employment_tracks__isnull=True)
            .order_by("id")
            .values_list("id", "family_id", "family__enrolment_date")
        )
        consultants: dict[tuple[int, str], int] = {}
        for family_id, role, user_id in NetworkMember.objects.filter(
            family_id__in=chunk,
            group_role__in=[Role.COMPANY_CONSULTANT, Role.EMPLOYMENT_CONSULTANT],
        ).values_list("family_id", "group_role", "user_id"):
            consultants.setdefault((family_id, role), user_id)
        mentor_access = {
            a.person_id: a
            for a in PersonAssignment.objects.filter(
                person_id__in=[p[0] for p in parents], role=Role.JOB_MENTOR, end__isnull=True
            ).order_by("id")
        }
        _seed_chunk(rng, parents, consultants, mentor_access, companies, users, today)


def _seed_chunk(rng, parents, consultants, mentor_access, companies, users, today):
    default_company = getattr(users.get(Role.COMPANY_CONSULTANT), "pk", None)
    default_employment = getattr(users.get(Role.EMPLOYMENT_CONSULTANT), "pk", None)
    earliest = today - datetime.timedelta(days=275)
    tracks = []
    for person_id, family_id, enrolled in parents:
        if rng.random() > 0.85:
            continue
        start = enrolled + datetime.timedelta(days=rng.randint(0, 21))
        if not earliest <= start <= today:
            start = today - datetime.timedelta(days=rng.randint(0, 275))
        kind = TrackKind.INTENSIVE if rng.random() < 0.8 else TrackKind.UPSKILLING
        goal = rng.choice(GOALS) if (today - start).days > 60 or rng.random() < 0.3 else ""
        track = EmploymentTrack(
            person_id=person_id,
            kind=kind,
            start=start,
            company_consultant_id=consultants.get(
                (family_id, Role.COMPANY_CONSULTANT), default_company
            ),
            employment_consultant_id=consultants.get(
                (family_id, Role.EMPLOYMENT_CONSULTANT), default_employment
            ),
            goal=goal,
            goal_industry=INDUSTRIES[GOAL_INDUSTRY[GOALS.index(goal)]] if goal else "",
        )
        if (today - start).days > 200 and rng.random() < 0.15:
            track.outcome = Outcome.ORDINARY_JOB
            track.outcome_date = start + datetime.timedelta(days=rng.randint(150, 200))
            track.outcome_hours = Decimal(rng.choice([20, 25, 30, 37]))
            track.outcome_employer = rng.choice(companies).name
        tracks.append(track)
    tracks = bulk.create(tracks)

    internships, interviews, plans = [], [], []
    for track in tracks:
        age = (today - track.start).days
        # About one in five tracks past week 4 has no internship yet: week 6 at risk or missed.
        if age > 14 and rng.random() < 0.8:
            first = track.start + datetime.timedelta(days=rng.randint(7, min(60, age)))
            plans.append((track, first))
        # Statutory interviews by the rule (clocks.next_interview_due: 4 spread over the
        # first six months, then the interval), mostly held a few days before they fall
        # due, now and then late; a late last one leaves the track one short at month 6.
        held: list[datetime.date] = []
        on_time = 0.5 if rng.random() < 0.2 else 0.92  # one in five falls behind
        while True:
            due = clocks.next_interview_due(track.start, held)
            if rng.random() < on_time:
                day = due - datetime.timedelta(days=rng.randint(0, 10))
            else:
                day = due + datetime.timedelta(days=rng.randint(5, 30))
            if held:
                day = max(day, held[-1] + datetime.timedelta(days=7))
            if day >= today or (track.outcome_date and day > track.outcome_date):
                break
            held.append(day)
            interviews.append((track.pk, day, day, track.employment_consultant_id))
        due = clocks.next_interview_due(track.start, held)
        if not track.outcome and due <= today + datetime.timedelta(days=30) and rng.random() < 0.5:
            planned = max(
                today + datetime.timedelta(days=1), due - datetime.timedelta(days=rng.randint(0, 5))
            )
            interviews.append((track.pk, planned, None, None))

    # How an ended internship ends, roughly as in "Intensiv jobindsats": most lead on to
    # the next placement, some into a job, wage subsidy or education, a few break off.
    reasons = [
        (EndReason.NEW_INTERNSHIP, 0.56),
        (EndReason.ORDINARY_JOB, 0.14),
        (EndReason.WAGE_SUBSIDY, 0.08),
        (EndReason.EDUCATION, 0.04),
        (EndReason.DROPPED_OUT, 0.08),
        (EndReason.ILLNESS, 0.06),
        (EndReason.OTHER, 0.04),
    ]
    leads_to = {
        EndReason.ORDINARY_JOB: Outcome.ORDINARY_JOB,
        EndReason.WAGE_SUBSIDY: Outcome.WAGE_SUBSIDY,
        EndReason.EDUCATION: Outcome.EDUCATION,
    }
    with_outcome = []
    for track, first in plans:
        start = first
        for _n in range(3):
            planned_end = start + datetime.timedelta(weeks=13)
            company = rng.choice(companies)
            if planned_end < today and rng.random() < 0.8:
                ended = planned_end - datetime.timedelta(days=rng.randint(0, 20))
                reason = rng.choices([r for r, _w in reasons], [w for _r, w in reasons])[0]
                if reason in leads_to and track.outcome:
                    reason = EndReason.NEW_INTERNSHIP
                internships.append(
                    Internship(
                        track=track,
                        company=company,
                        start=start,
                        planned_end=planned_end,
                        actual_end=ended,
                        status=InternshipStatus.ENDED,
                        end_reason=reason,
                    )
                )
                if reason in leads_to:
                    track.outcome = leads_to[reason]
                    track.outcome_date = ended + datetime.timedelta(days=1)
                    track.outcome_employer = company.name if reason != EndReason.EDUCATION else ""
                    if reason == EndReason.ORDINARY_JOB:
                        track.outcome_hours = Decimal(rng.choice([15, 20, 25, 30, 37]))
                    with_outcome.append(track)
                    break
                if reason in (EndReason.DROPPED_OUT, EndReason.OTHER) and rng.random() < 0.5:
                    break
                # Mostly back to back; now and then a gap.
                start = ended + datetime.timedelta(
                    days=1 if rng.random() < 0.8 else rng.randint(10, 30)
                )
                if start >= today:
                    break
            else:
                internships.append(
                    Internship(track=track, company=company, start=start, planned_end=planned_end)
                )
                break
    internships = bulk.create(internships)
    # Interviews and hours (≈ 200,000 and 150,000 at 50,000 families) as plain tuples.
    now = timezone.now()
    bulk.insert_rows(
        JobInterview,
        ["track", "planned_date", "held_date", "held_by", "outcome_note", "created_at"],
        [(*row, "", now) for row in interviews],
    )
    # One executemany() rather than bulk_update(), whose CASE per row is slow at 50,000.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {EmploymentTrack._meta.db_table} SET outcome = %s, outcome_date = %s, "  # noqa: S608
            "outcome_employer = %s, outcome_hours = %s WHERE id = %s",
            [
                (t.outcome, t.outcome_date, t.outcome_employer, t.outcome_hours, t.pk)
                for t in with_outcome
            ],
        )

    hours = []
    for internship in internships:
        hours.append((internship.pk, internship.start, Decimal(rng.choice([8, 10, 12, 15]))))
        if (internship.end - internship.start).days > 40 and internship.start + datetime.timedelta(
            days=35
        ) < today:
            later = internship.start + datetime.timedelta(days=35)
            hours.append((internship.pk, later, Decimal(rng.choice([18, 20, 25]))))
    bulk.insert_rows(
        InternshipHours,
        ["internship", "from_date", "hours", "created_by"],
        [(*row, None) for row in hours],
    )

    # The seed's open job-mentor assignments become mentor periods of at most 6 months
    # (LAB § 167), renewed back to back from the assignment's start; the last period
    # runs a few more weeks and carries the access (its end ends the mentor's access).
    chains = []
    for track in tracks:
        access = mentor_access.get(track.person_id)
        if access is None or track.outcome:
            continue
        periods, start = [], access.start
        while True:
            end = clocks.mentor_period_max_end(start)
            if end >= today:
                periods.append(
                    (start, min(end, today + datetime.timedelta(days=rng.randint(1, 60))))
                )
                break
            periods.append((start, end))
            start = end + datetime.timedelta(days=1)
        chains.append((track, access, periods, Decimal(rng.choice([20, 25, 30]))))
    ends: dict[datetime.date, list[int]] = {}
    for _track, access, periods, _target in chains:
        ends.setdefault(periods[-1][1], []).append(access.pk)
    for end, ids in ends.items():
        PersonAssignment.objects.filter(pk__in=ids).update(end=end)
    assignments, previous = [], {}
    for round_ in range(max((len(c[2]) for c in chains), default=0)):
        rows = [
            MentorAssignment(
                track=track,
                mentor_id=access.user_id,
                start=periods[round_][0],
                end=periods[round_][1],
                target_hours=target,
                renewed_from=previous.get(track.pk),
                access=access if round_ == len(periods) - 1 else None,
            )
            for track, access, periods, target in chains
            if len(periods) > round_
        ]
        rows = bulk.create(rows)
        previous = {row.track_id: row for row in rows}
        assignments += rows
    bulk.create(
        [
            MentorContact(
                assignment=a,
                date=min(a.start + datetime.timedelta(days=14), today),
                note="Opfølgning på arbejdspladsen.",
                hours_per_week=Decimal(12),
                created_by_id=a.mentor_id,
            )
            for a in assignments
        ]
    )
