"""The youth track's deadline kinds for "Mit arbejde" (registered in YouthConfig.ready()).

Each collector makes one query, derives its dates with youth.rules and stores nothing.
Items go to the responsible retention counsellor and/or youth guidance counsellor.
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bi18.rules import rule
from families.worklist.registry import Deadline, DeadlineKind, per_request, pk_url
from youth import access, rules
from youth.models import ExamPreparation, YouthTrack

# An item shows the person and the family of a track, not every column of three tables.
_PERSON = ("person__id", "person__first_name", "person__last_name", "person__family__case_number")

FOLLOW_UP = "youth.follow_up"
EXAM = "youth.exam"
PLANNED_END = "youth.planned_end"


def _responsible_tracks(user, family_id=None):
    """Tracks the user is responsible for, of young people they may still see (youth.access:
    an id-set filter from the user's scope, so no scan of the people table); with
    `family_id`, only that family's. Built once per request (per_request)."""
    if not (user and user.is_authenticated):
        return YouthTrack.objects.none()

    def build():
        tracks = YouthTrack.objects.responsible(user)
        if family_id is not None:
            tracks = tracks.filter(person__family_id=family_id)
        return access.tracks(user, tracks)

    return per_request(user, ("youth.tracks", family_id), build)


def collect_follow_ups(
    user, today: datetime.date, until: datetime.date, family_id: int | None = None
) -> list[Deadline]:
    tracks = (
        _responsible_tracks(user, family_id)
        .filter(actual_end__isnull=False, actual_end__lte=rules.latest_end_due_by(until))
        .filter(follow_up__isnull=True)
        .select_related("person__family")
        .only("id", "actual_end", *_PERSON)
        .order_by("actual_end", "pk")
    )
    follow_up_url = pk_url("youth:follow_up")
    items = []
    for track in tracks:
        person = track.person
        items.append(
            Deadline(
                kind=FOLLOW_UP,
                label=_(
                    "Follow-up %(months)s months after the effort: confirm the education status"
                )
                % {"months": rule("youth_follow_up_months")},
                due=rules.follow_up_due_date(track.actual_end),
                url=follow_up_url(person.pk),
                family_case_number=person.family.case_number,
                family_id=person.family_id,
                person_name=person.full_name,
                detail=_("effort ended %(date)s")
                % {"date": date_format(track.actual_end, "SHORT_DATE_FORMAT")},
            )
        )
    return items


def collect_exams(
    user, today: datetime.date, until: datetime.date, family_id: int | None = None
) -> list[Deadline]:
    """Exams coming up, and exams held whose grades are not recorded yet."""
    no_result = Q(
        danish_written_after__isnull=True, danish_oral_after__isnull=True, maths_after__isnull=True
    )
    exams = (
        ExamPreparation.objects.filter(track__in=_responsible_tracks(user, family_id).values("pk"))
        .filter(no_result, exam_date__isnull=False, exam_date__lte=until)
        .select_related("track__person__family")
        .only("id", "exam_date", "track__id", *(f"track__{name}" for name in _PERSON))
        .order_by("exam_date", "pk")
    )
    items = []
    for exam in exams:
        person = exam.track.person
        held = exam.exam_date < today
        items.append(
            Deadline(
                kind=EXAM,
                label=_("Exam held: record the grades") if held else _("Exam date approaching"),
                due=exam.exam_date,
                url=reverse("youth:record_edit", args=[person.pk, "exam", exam.pk]),
                family_case_number=person.family.case_number,
                family_id=person.family_id,
                person_name=person.full_name,
            )
        )
    return items


def collect_planned_ends(
    user, today: datetime.date, until: datetime.date, family_id: int | None = None
) -> list[Deadline]:
    """Efforts reaching their planned end without an actual end recorded."""
    tracks = (
        _responsible_tracks(user, family_id)
        .filter(actual_end__isnull=True, planned_end__isnull=False, planned_end__lte=until)
        .select_related("person__family")
        .only("id", "planned_end", *_PERSON)
        .order_by("planned_end", "pk")
    )
    track_edit_url = pk_url("youth:track_edit")
    return [
        Deadline(
            kind=PLANNED_END,
            label=_("Youth effort at its planned end: record the end or a new planned end"),
            due=track.planned_end,
            url=track_edit_url(track.person.pk),
            family_case_number=track.person.family.case_number,
            family_id=track.person.family_id,
            person_name=track.person.full_name,
        )
        for track in tracks
    ]


_follow_up_kind_label = lazy(
    lambda: (
        _("Youth follow-up after %(months)s months") % {"months": rule("youth_follow_up_months")}
    ),
    str,
)

KINDS = [
    DeadlineKind(key=FOLLOW_UP, label=_follow_up_kind_label(), collect=collect_follow_ups),
    DeadlineKind(key=EXAM, label=gettext_lazy("Exam (youth track)"), collect=collect_exams),
    DeadlineKind(
        key=PLANNED_END,
        label=gettext_lazy("Planned end of youth effort"),
        collect=collect_planned_ends,
    ),
]
