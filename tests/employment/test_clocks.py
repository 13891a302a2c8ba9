"""The clocks' date arithmetic, CVR validation, gap detection and interview cadence."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from employment import clocks
from employment.models import InternshipStatus
from employment.selectors import internship_gaps, interview_status
from employment.validators import validate_cvr
from tests.employment_factories import InternshipFactory, TrackFactory, interview

D = datetime.date


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2024, 8, 31), D(2025, 2, 28)),  # month end, no leap year
        (D(2023, 8, 31), D(2024, 2, 29)),  # month end into a leap February
        (D(2024, 2, 29), D(2024, 8, 29)),  # leap day start
        (D(2025, 9, 30), D(2026, 3, 30)),
        (D(2025, 12, 31), D(2026, 6, 30)),
        (D(2026, 1, 1), D(2026, 7, 1)),
    ],
)
def test_six_month_mark_uses_calendar_months(start, expected):
    assert clocks.six_month_mark(start) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2026, 1, 25), D(2026, 3, 8)),  # across a short February
        (D(2024, 1, 25), D(2024, 3, 7)),  # across a leap February
        (D(2025, 12, 1), D(2026, 1, 12)),  # across the year end
        (D(2024, 2, 29), D(2024, 4, 11)),
    ],
)
def test_internship_deadline_is_42_days_across_months(start, expected):
    assert clocks.internship_deadline(start) == expected


def test_intensive_phase_ends_after_13_weeks():
    assert clocks.intensive_phase_end(D(2026, 1, 5)) == D(2026, 4, 6)


def test_clocks_follow_the_configured_rules(settings):
    settings.BI18_RULES = {
        "internship_deadline_days": 30,
        "intensive_phase_weeks": 10,
        "job_interview_interval_months": 1,
    }
    assert clocks.internship_deadline(D(2026, 1, 1)) == D(2026, 1, 31)
    assert clocks.intensive_phase_end(D(2026, 1, 1)) == D(2026, 3, 12)
    assert clocks.next_interview_due(D(2026, 1, 31), None) == D(2026, 2, 28)


def test_next_interview_is_due_an_interval_after_the_last_one_held():
    assert clocks.next_interview_due(D(2026, 1, 5), None) == D(2026, 4, 5)
    assert clocks.next_interview_due(D(2026, 1, 5), D(2025, 11, 30)) == D(2026, 2, 28)


def test_mentor_period_max_end_is_six_calendar_months():
    assert clocks.mentor_period_max_end(D(2024, 8, 31)) == D(2025, 2, 28)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("64942212", True),  # Københavns Kommune
        ("24256790", True),
        ("6494 2212", True),
        ("DK64942212", True),
        ("64942213", False),  # wrong check digit
        ("6494221", False),  # 7 digits
        ("649422120", False),  # 9 digits
        ("", False),
        ("ABCDEFGH", False),
        ("04942212", False),  # leading zero
        ("6494-221x", False),
    ],
)
def test_cvr_validation(value, valid):
    if valid:
        validate_cvr(value)
    else:
        with pytest.raises(ValidationError):
            validate_cvr(value)


def test_wrong_length_cvr_says_eight_digits():
    with pytest.raises(ValidationError) as exc:
        validate_cvr("1234")
    assert exc.value.code == "cvr_length"


# --- Gaps -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_back_to_back_internships_have_no_gap():
    track = TrackFactory()
    a = InternshipFactory(
        track=track,
        start=D(2026, 2, 1),
        planned_end=D(2026, 3, 31),
        actual_end=D(2026, 3, 31),
        status=InternshipStatus.ENDED,
    )
    b = InternshipFactory(track=track, start=D(2026, 4, 1), planned_end=D(2026, 6, 30))
    assert internship_gaps([a, b], today=D(2026, 5, 1)) == []


@pytest.mark.django_db
def test_a_gap_between_internships_is_detected_with_its_length():
    track = TrackFactory()
    a = InternshipFactory(
        track=track,
        start=D(2026, 2, 1),
        planned_end=D(2026, 3, 31),
        actual_end=D(2026, 3, 20),
        status=InternshipStatus.ENDED,
    )
    b = InternshipFactory(track=track, start=D(2026, 4, 1), planned_end=D(2026, 6, 30))
    [gap] = internship_gaps([b, a], today=D(2026, 5, 1))
    assert (gap.start, gap.end, gap.days) == (D(2026, 3, 21), D(2026, 3, 31), 11)
    assert gap.after == a and gap.before == b


@pytest.mark.django_db
def test_an_open_gap_after_the_last_internship_ended():
    a = InternshipFactory(
        start=D(2026, 2, 1),
        planned_end=D(2026, 3, 31),
        actual_end=D(2026, 3, 20),
        status=InternshipStatus.ENDED,
    )
    [gap] = internship_gaps([a], today=D(2026, 5, 1))
    assert gap.start == D(2026, 3, 21) and gap.end is None


@pytest.mark.django_db
def test_no_gap_once_the_parent_has_a_job_and_cancelled_internships_do_not_count():
    track = TrackFactory()
    a = InternshipFactory(
        track=track,
        start=D(2026, 2, 1),
        planned_end=D(2026, 3, 31),
        actual_end=D(2026, 3, 20),
        status=InternshipStatus.ENDED,
    )
    cancelled = InternshipFactory(
        track=track,
        start=D(2026, 3, 25),
        planned_end=D(2026, 6, 1),
        status=InternshipStatus.CANCELLED,
    )
    assert internship_gaps([a, cancelled], today=D(2026, 5, 1), job_from=D(2026, 3, 21)) == []
    assert len(internship_gaps([a, cancelled], today=D(2026, 5, 1))) == 1


@pytest.mark.django_db
def test_overlapping_internships_have_no_gap():
    track = TrackFactory()
    a = InternshipFactory(track=track, start=D(2026, 2, 1), planned_end=D(2026, 5, 31))
    b = InternshipFactory(
        track=track,
        start=D(2026, 3, 1),
        planned_end=D(2026, 3, 31),
        actual_end=D(2026, 3, 31),
        status=InternshipStatus.ENDED,
    )
    assert internship_gaps([a, b], today=D(2026, 4, 15)) == []


# --- Interview cadence ------------------------------------------------------------------------


@pytest.mark.django_db
def test_interview_is_overdue_when_none_held_within_the_interval():
    track = TrackFactory(start=D(2026, 1, 5))
    status = interview_status(track, [], today=D(2026, 4, 6))
    assert status.next_due == D(2026, 4, 5) and status.overdue


@pytest.mark.django_db
def test_interview_cadence_counts_from_the_last_interview_held():
    track = TrackFactory(start=D(2026, 1, 5))
    rows = [
        interview(track, held=D(2026, 1, 10)),
        interview(track, held=D(2026, 3, 31)),
        interview(track, planned=D(2026, 6, 1)),
    ]
    status = interview_status(track, rows, today=D(2026, 5, 1))
    assert status.last_held == D(2026, 3, 31)
    assert status.next_due == D(2026, 6, 30)
    assert not status.overdue
    assert status.next_planned == D(2026, 6, 1)
    assert status.held_first_six_months == 2 and status.required_first_six_months == 4


@pytest.mark.django_db
def test_a_finished_track_has_no_overdue_interview():
    track = TrackFactory(start=D(2025, 1, 5), outcome="ordinary_job", outcome_date=D(2025, 6, 1))
    assert not interview_status(track, [], today=D(2026, 4, 6)).overdue
