"""Demo youth tracks for `manage.py seed_demo` (registered in YouthConfig.ready()).

About a third of the children aged 14–29 get a youth track: every young person the
families seeder gave a retention counsellor, plus a random share of the others. Bulk
inserts per chunk of families; deterministic for the rng; no per-family queries.
"""

import datetime
import random
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from bi18.accounts.roles import Role
from bi18.lib import bulk
from families.models import NetworkMember, Person, PersonAssignment, PersonRole
from families.registry import DemoSeeder
from youth import rules
from youth.models import (
    GRADE_VALUES,
    ApplicationStatus,
    ApprenticeshipApplication,
    Clarification,
    CompanyInternship,
    Enrolment,
    EnrolmentEnd,
    ExamPreparation,
    FollowUp,
    FollowUpAnswer,
    GuidanceSession,
    InternshipEnd,
    LeisureJob,
    RetentionContact,
    Risk,
    YouthTrack,
)

CHUNK = 2000
MIN_AGE, MAX_AGE = 14, 29
OTHERS_SHARE = 0.22  # plus everyone with a retention counsellor ≈ one third in all
# The demo counsellors (`fastholdelse`, `uu`) get this many follow-ups around today.
DEMO_FOLLOW_UP_OFFSETS = (-12, -3, 2, 9)

EMPLOYERS = (
    "Netto",
    "Føtex",
    "Lidl",
    "McDonald's",
    "Bilka",
    "Tivoli",
    "7-Eleven",
    "Irma",
    "Københavns Idrætsanlæg",
    "Vesterbro Boldklub",
    "Q8",
    "Fakta",
)
# Company internships (virksomhedspraktik) for young people: (company, industry).
PLACEMENTS = (
    ("Valby Autoværksted ApS", "Auto og mekanik"),
    ("Nørrebro Frisør", "Frisør"),
    ("Amager Byg A/S", "Byggeri"),
    ("Hotel Vesterport", "Hotel og restauration"),
    ("Østerbro Plejecenter", "Pleje og omsorg"),
    ("Kløver Køkken A/S", "Køkken"),
    ("Havne Lager ApS", "Lager og logistik"),
    ("Centrum Elektrik ApS", "El-installation"),
)
# Exam preparation: (subject, who gives the help, hours per week).
EXAM_HELP = (
    ("Dansk", "Lektiecafé Nørrebro", Decimal("3.5")),
    ("Matematik", "Ungdomsskolen, matematikværksted", Decimal("2")),
    ("Dansk og matematik", "KVUC, prøveforberedende undervisning", Decimal("6")),
    ("Matematik", "Røde Kors Lektiehjælp", Decimal("1.5")),
    ("Dansk", "Hanne Holm, lærer på Blågård Skole", Decimal("2")),
    ("Dansk og matematik", "Lektiecafé Mjølnerparken", Decimal("4")),
)
INSTITUTIONS = (
    "TEC",
    "NEXT Uddannelse København",
    "Københavns Professionshøjskole",
    "Hotel- og Restaurantskolen",
    "Syddansk Erhvervsskole",
    "KVUC",
    "Niels Brock",
    "Københavns Tekniske Skole",
)
PROGRAMMES = (
    "Elektriker",
    "Tømrer",
    "Frisør",
    "Ernæringsassistent",
    "Kontorassistent",
    "Social- og sundhedshjælper",
    "Automekaniker",
    "Detailhandel",
    "HF",
    "VVS-energispecialist",
    "Datatekniker",
    "Pædagogisk assistent",
)
COMPANIES = (
    "Bravida",
    "Coop",
    "Salling Group",
    "Kemp & Lauritzen",
    "Region Hovedstaden",
    "Kone",
    "Dansk Supermarked",
    "Hotel d'Angleterre",
    "Rambøll",
    "Bygma",
)
CHOICES = (
    "EUD: Elektriker",
    "EUD: Frisør",
    "EUX: Kontor",
    "HF",
    "EUD: SOSU",
    "EUD: Tømrer",
    "Produktionsskole",
    "EGU",
)
SCHOOLS = INSTITUTIONS


def _grade(rng: random.Random, weights=(1, 3, 5, 6, 5, 3, 1)) -> int:
    return rng.choices(GRADE_VALUES, weights=weights)[0]


def _chunks(seq, size):
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def seed(*, rng: random.Random, family_ids: list[int], users: dict, today: datetime.date) -> None:
    demo_rc = users.get(Role.RETENTION_COUNSELLOR) or users.get(str(Role.RETENTION_COUNSELLOR))
    demo_uu = users.get(Role.YOUTH_GUIDANCE_COUNSELLOR) or users.get(
        str(Role.YOUTH_GUIDANCE_COUNSELLOR)
    )
    recorder = demo_rc or demo_uu or next(iter(users.values()), None)
    demo_counts: dict[int, int] = {}
    oldest = today - relativedelta(years=MAX_AGE + 1) + datetime.timedelta(days=1)
    youngest = today - relativedelta(years=MIN_AGE)
    for ids in _chunks(sorted(family_ids), CHUNK):
        children = list(
            Person.objects.filter(
                family_id__in=ids,
                role=PersonRole.CHILD,
                date_of_birth__gte=oldest,
                date_of_birth__lte=youngest,
                youth_tracks__isnull=True,
            )
            .order_by("id")
            .values_list("id", "family_id", "date_of_birth")
        )
        if not children:
            continue
        child_ids = [c[0] for c in children]
        rc_of = dict(
            PersonAssignment.objects.active(today)
            .filter(person_id__in=child_ids, role=Role.RETENTION_COUNSELLOR)
            .order_by("person_id", "id")
            .values_list("person_id", "user_id")
        )
        uu_of = dict(
            NetworkMember.objects.filter(
                family_id__in=ids, group_role=Role.YOUTH_GUIDANCE_COUNSELLOR
            )
            .order_by("family_id", "id")
            .values_list("family_id", "user_id")
        )
        _seed_chunk(rng, children, rc_of, uu_of, today, demo_rc, demo_uu, recorder, demo_counts)


def _seed_chunk(rng, children, rc_of, uu_of, today, demo_rc, demo_uu, recorder, demo_counts):
    demo_ids = {u.pk for u in (demo_rc, demo_uu) if u is not None}
    tracks: list[YouthTrack] = []
    plans: list[dict] = []
    for person_id, family_id, dob in children:
        rc = rc_of.get(person_id)
        if rc is None and rng.random() >= OTHERS_SHARE:
            continue
        uu = uu_of.get(family_id) if rng.random() < 0.6 else None
        age_days = (today - dob).days
        start = today - datetime.timedelta(
            days=rng.randint(20, min(720, max(21, age_days - 13 * 365)))
        )
        start = max(start, dob + relativedelta(years=13))
        if start > today:
            start = today
        education = rng.random() < 0.7
        leisure = (not education) or rng.random() < 0.3
        planned_end = start + relativedelta(months=rng.choice((6, 9, 12)))
        actual_end = None
        demo_user = next((u for u in (rc, uu) if u in demo_ids), None)
        plan = {
            "person_id": person_id,
            "education": education,
            "leisure": leisure,
            "follow_up": False,
        }
        if demo_user is not None and demo_counts.get(demo_user, 0) < len(DEMO_FOLLOW_UP_OFFSETS):
            # A follow-up due around today, so that "Mit arbejde" has something to show.
            offset = DEMO_FOLLOW_UP_OFFSETS[demo_counts.get(demo_user, 0)]
            demo_counts[demo_user] = demo_counts.get(demo_user, 0) + 1
            due = today + datetime.timedelta(days=offset)
            actual_end = due - relativedelta(months=3)
            start = min(start, actual_end - datetime.timedelta(days=120))
            start = max(start, dob + relativedelta(years=MIN_AGE - 1))
            planned_end = actual_end
        elif planned_end < today and rng.random() < 0.8:
            actual_end = min(today, planned_end + datetime.timedelta(days=rng.randint(-30, 30)))
            plan["follow_up"] = rules.follow_up_due_date(actual_end) < today - datetime.timedelta(
                days=7
            )
        if actual_end is not None and actual_end < start:
            actual_end = start
        if planned_end < start:
            planned_end = start
        tracks.append(
            YouthTrack(
                person_id=person_id,
                education_effort=education,
                leisure_job_effort=leisure,
                start=start,
                planned_end=planned_end,
                actual_end=actual_end,
                retention_counsellor_id=rc,
                guidance_counsellor_id=uu,
            )
        )
        plans.append(plan)
    if not tracks:
        return
    bulk.create(tracks)
    # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; fall back to a lookup.
    if tracks[0].pk is None:
        ids = dict(
            YouthTrack.objects.filter(person_id__in=[t.person_id for t in tracks]).values_list(
                "person_id", "id"
            )
        )
        for t in tracks:
            t.pk = t.id = ids[t.person_id]

    jobs, exams, sessions, clarifications, applications, contacts, enrolments, follow_ups = (
        [],
        [],
        [],
        [],
        [],
        [],
        [],
        [],
    )
    internships = []
    for track, plan in zip(tracks, plans, strict=True):
        # Its own generator per person, so adding internships moved no other demo record.
        irng = random.Random(f"internship-{track.person_id}")
        if plan["education"] and irng.random() < 0.35:
            internships += _internships(irng, track, today)
    bulk.create(internships)
    for track, plan in zip(tracks, plans, strict=True):
        start, end = track.start, track.actual_end
        horizon = end or today
        span = max(1, (horizon - start).days)

        def day_in(lo=0, hi=span, _start=start):
            return _start + datetime.timedelta(days=rng.randint(lo, max(lo, hi)))

        if plan["leisure"]:
            job_start = day_in(0, span // 3)
            jobs.append(
                LeisureJob(
                    track_id=track.pk,
                    employer=rng.choice(EMPLOYERS),
                    hours_per_week=Decimal(rng.choice((4, 6, 8, 10, 12, 15))),
                    start=job_start,
                    end=end if end and rng.random() < 0.6 else None,
                )
            )
        if plan["education"]:
            sessions += [
                GuidanceSession(
                    track_id=track.pk,
                    date=day_in(0, span // 2),
                    education_choice=rng.choice(CHOICES),
                    note="",
                )
                for _ in range(rng.randint(1, 2))
            ]
            if rng.random() < 0.5:
                clarifications.append(
                    Clarification(
                        track_id=track.pk,
                        date=day_in(0, 30),
                        academic_gaps=rng.random() < 0.6,
                        language_gaps=rng.random() < 0.4,
                        text="Afklaring af faglige forudsætninger.",
                    )
                )
            if rng.random() < 0.5:
                before = [_grade(rng, (3, 5, 5, 4, 2, 1, 0)) for _ in range(3)]
                exam_date = day_in(30, span + 60)
                after = [_grade(rng) for _ in range(3)] if exam_date < today else [None, None, None]
                # Not from rng: the rest of the seed stays as it was.
                subject, provider, hours = EXAM_HELP[track.pk % len(EXAM_HELP)]
                exams.append(
                    ExamPreparation(
                        track_id=track.pk,
                        exam_date=exam_date,
                        subject=subject,
                        provider=provider,
                        hours_per_week=hours,
                        danish_written_before=before[0],
                        danish_oral_before=before[1],
                        maths_before=before[2],
                        danish_written_after=after[0],
                        danish_oral_after=after[1],
                        maths_after=after[2],
                    )
                )
            if rng.random() < 0.35:
                applications += [
                    ApprenticeshipApplication(
                        track_id=track.pk,
                        company=rng.choice(COMPANIES),
                        applied_on=day_in(0, span),
                        status=rng.choice(ApplicationStatus.values),
                    )
                    for _ in range(rng.randint(1, 3))
                ]
            if rng.random() < 0.65:
                e_start = day_in(0, span)
                roll = rng.random()
                if roll < 0.15:
                    e_end = min(today, e_start + datetime.timedelta(days=rng.randint(20, 200)))
                    enrolments.append(
                        _enrolment(rng, plan, e_start, e_end, EnrolmentEnd.DROPPED_OUT)
                    )
                elif roll < 0.25 and e_start + datetime.timedelta(days=200) < today:
                    e_end = e_start + datetime.timedelta(days=rng.randint(20, 120))
                    enrolments.append(
                        _enrolment(rng, plan, e_start, e_end, EnrolmentEnd.TRANSFERRED)
                    )
                    enrolments.append(
                        _enrolment(
                            rng, plan, e_end + datetime.timedelta(days=rng.randint(1, 40)), None, ""
                        )
                    )
                else:
                    enrolments.append(_enrolment(rng, plan, e_start, None, ""))
            if track.retention_counsellor_id:
                contacts += [
                    RetentionContact(
                        track_id=track.pk,
                        date=day_in(0, span),
                        school=rng.choice(SCHOOLS),
                        risk=rng.choice(Risk.values),
                        note="",
                        recorded_by_id=track.retention_counsellor_id,
                    )
                    for _ in range(rng.randint(1, 3))
                ]
        if plan["follow_up"] and recorder is not None:
            follow_ups.append(track)
    bulk.create(jobs)
    bulk.create(exams)
    bulk.create(sessions)
    bulk.create(clarifications)
    bulk.create(applications)
    bulk.create(contacts)
    bulk.create(enrolments)
    by_person: dict[int, list[Enrolment]] = {}
    for e in enrolments:
        by_person.setdefault(e.person_id, []).append(e)
    rows = []
    for track in follow_ups:
        due = rules.follow_up_due_date(track.actual_end)
        derived = rules.in_education_from(by_person.get(track.person_id, []), due)
        answer = FollowUpAnswer.IN_EDUCATION if derived else FollowUpAnswer.NOT_IN_EDUCATION
        rows.append(
            FollowUp(
                track_id=track.pk,
                due=due,
                answer=answer,
                derived_in_education=derived,
                recorded_at=datetime.datetime.combine(due, datetime.time(10), tzinfo=datetime.UTC),
                recorded_by_id=track.retention_counsellor_id
                or track.guidance_counsellor_id
                or recorder.pk,
            )
        )
    bulk.create(rows)


def _enrolment(rng, plan, start, end, reason) -> Enrolment:
    return Enrolment(
        person_id=plan["person_id"],
        institution=rng.choice(INSTITUTIONS),
        programme=rng.choice(PROGRAMMES),
        start=start,
        end=end,
        end_reason=reason,
    )


def _internships(rng, track, today) -> list[CompanyInternship]:
    """One or two two-to-four-week placements during the effort; the last may be running."""
    rows = []
    day = track.start + datetime.timedelta(days=rng.randint(14, 60))
    last_day = track.actual_end or today + datetime.timedelta(days=30)
    for _n in range(rng.choice((1, 1, 2))):
        if day > last_day:
            break
        company, industry = rng.choice(PLACEMENTS)
        planned_end = day + datetime.timedelta(weeks=rng.choice((2, 3, 4)))
        ended = planned_end < today and rng.random() < 0.9
        reason = (
            rng.choices(
                [InternshipEnd.COMPLETED, InternshipEnd.APPRENTICESHIP, InternshipEnd.DROPPED_OUT],
                [0.7, 0.2, 0.1],
            )[0]
            if ended
            else ""
        )
        rows.append(
            CompanyInternship(
                track_id=track.pk,
                company=company,
                industry=industry,
                start=day,
                planned_end=planned_end,
                actual_end=planned_end if ended else None,
                hours_per_week=Decimal(rng.choice((15, 20, 25, 30))),
                end_reason=reason,
            )
        )
        day = planned_end + datetime.timedelta(days=rng.randint(30, 120))
    return rows


SEEDER = DemoSeeder(key="youth", order=40, seed=seed)
