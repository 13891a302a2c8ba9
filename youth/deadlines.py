"""The youth track's deadline kinds for "Mit arbejde" (registered in YouthConfig.ready()).

The kinds are read together, once per work list (two queries), derive their dates with
youth.rules and store nothing.
Items go to the responsible retention counsellor and/or youth guidance counsellor.
"""

import datetime

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bi18.lib.prepared import fixed_values
from bi18.rules import rule
from families.access import scope_for
from families.scope import Scope
from families.worklist.registry import Deadline, DeadlineKind, pk_url, shared
from youth import access, rules
from youth.models import ExamPreparation, YouthTrack

# An item shows the person and the family of a track, not every column of three tables.
_PERSON = (
    "person_id",
    "person__first_name",
    "person__last_name",
    "person__family",
    "person__family__case_number",
)
_MARK = 987654321

FOLLOW_UP = "youth.follow_up"
EXAM = "youth.exam"
PLANNED_END = "youth.planned_end"


def _responsible_tracks(v):
    """Tracks the user (`v["user"]`) is responsible for, of young people they may still see
    (youth.access's rule: an id-set filter from the user's scope, so no scan of the people
    table); with `v["family"]`, only that family's."""
    tracks = YouthTrack.objects.responsible(v["user"])
    if "family" in v:
        tracks = tracks.filter(person__family_id=v["family"])
    return tracks.filter(
        access.TRACK.scope_q(Scope.given(v), person="person", family="person__family_id")
    )


def _due_tracks(v):
    """The tracks due a follow-up or at their planned end."""
    follow_up = Q(actual_end__isnull=False, actual_end__lte=v["ended_by"], follow_up__isnull=True)
    planned_end = Q(actual_end__isnull=True, planned_end__isnull=False, planned_end__lte=v["until"])
    return (
        _responsible_tracks(v)
        .annotate(
            is_follow_up=ExpressionWrapper(follow_up, output_field=BooleanField()),
            is_planned_end=ExpressionWrapper(planned_end, output_field=BooleanField()),
        )
        .filter(Q(is_follow_up=True) | Q(is_planned_end=True))
        .values("actual_end", "planned_end", "is_follow_up", "is_planned_end", *_PERSON)
    )


def _exams(v):
    """Exams coming up, and exams held whose grades are not recorded yet."""
    no_result = Q(
        danish_written_after__isnull=True, danish_oral_after__isnull=True, maths_after__isnull=True
    )
    return (
        ExamPreparation.objects.filter(track__in=_responsible_tracks(v).values("pk"))
        .filter(no_result, exam_date__isnull=False, exam_date__lte=v["until"])
        .values("id", "exam_date", *(f"track__{name}" for name in _PERSON))
    )


def _work(user, today, until, family_id) -> dict[str, list[Deadline]]:
    """Every youth item of the user due by `until`, by kind, read once per work list
    (registry.shared): the tracks due a follow-up or at their planned end in one query,
    the exams in another; rows, not model instances."""
    return shared(
        ("youth", user.pk if user else None, today, until, family_id),
        lambda: _read_work(user, today, until, family_id),
    )


def _read_work(user, today, until, family_id) -> dict[str, list[Deadline]]:
    items: dict[str, list[Deadline]] = {FOLLOW_UP: [], EXAM: [], PLANNED_END: []}
    if not (user and user.is_authenticated):
        return items
    if not access.TRACK.may_view(user):
        return items
    # Both queries built once per process (bi18.lib.prepared.fixed_values).
    values = {
        "user": user.pk,
        "until": until,
        "ended_by": rules.latest_end_due_by(until),
        **scope_for(user).as_values(),
    }
    if family_id is not None:
        values["family"] = family_id
    shape = family_id is not None
    rows = fixed_values(("youth.due_tracks", shape), _due_tracks, values)
    follow_up_url = pk_url("youth:follow_up")
    track_edit_url = pk_url("youth:track_edit")
    follow_up_label = _(
        "Follow-up %(months)s months after the effort: confirm the education status"
    ) % {"months": rule("youth_follow_up_months")}
    planned_end_label = _("Youth effort at its planned end: record the end or a new planned end")

    # The person's id goes with each item, as with the employment items: the work list's
    # audit row names the people it showed, and a snooze the person it is about.
    item = Deadline.about

    for row in rows:
        if row["is_follow_up"]:
            items[FOLLOW_UP].append(
                item(
                    FOLLOW_UP,
                    follow_up_label,
                    rules.follow_up_due_date(row["actual_end"]),
                    follow_up_url(row["person_id"]),
                    row,
                    _("effort ended %(date)s")
                    % {"date": date_format(row["actual_end"], "SHORT_DATE_FORMAT")},
                )
            )
        if row["is_planned_end"]:
            items[PLANNED_END].append(
                item(
                    PLANNED_END,
                    planned_end_label,
                    row["planned_end"],
                    track_edit_url(row["person_id"]),
                    row,
                )
            )

    exams = fixed_values(("youth.exams", shape), _exams, values)
    # One reverse() for all of them (the address names the person and the exam).
    head, _mark, tail = reverse("youth:record_edit", args=[_MARK, "exam", _MARK]).partition(
        str(_MARK)
    )
    middle, _mark, tail = tail.partition(str(_MARK))
    for exam in exams:
        row = {name: exam[f"track__{name}"] for name in _PERSON}
        held = exam["exam_date"] < today
        items[EXAM].append(
            item(
                EXAM,
                _("Exam held: record the grades") if held else _("Exam date approaching"),
                exam["exam_date"],
                f"{head}{int(row['person_id'])}{middle}{int(exam['id'])}{tail}",
                row,
            )
        )
    return items


def collect_follow_ups(
    user, today: datetime.date, until: datetime.date, family_id: int | None = None
) -> list[Deadline]:
    return _work(user, today, until, family_id)[FOLLOW_UP]


def collect_exams(
    user, today: datetime.date, until: datetime.date, family_id: int | None = None
) -> list[Deadline]:
    """Exams coming up, and exams held whose grades are not recorded yet."""
    return _work(user, today, until, family_id)[EXAM]


def collect_planned_ends(
    user, today: datetime.date, until: datetime.date, family_id: int | None = None
) -> list[Deadline]:
    """Efforts reaching their planned end without an actual end recorded."""
    return _work(user, today, until, family_id)[PLANNED_END]


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
