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
        "job_interviews_first_six_months": 2,
    }
    assert clocks.internship_deadline(D(2026, 1, 1)) == D(2026, 1, 31)
    assert clocks.intensive_phase_end(D(2026, 1, 1)) == D(2026, 3, 12)
    # Two in the first six months (181 days): the first after 90 days.
    assert clocks.next_interview_due(D(2026, 1, 1), []) == D(2026, 4, 1)
    # Both held: the one-month interval, clamped to the month's end.
    assert clocks.next_interview_due(D(2026, 1, 1), [D(2026, 1, 2), D(2026, 1, 31)]) == D(
        2026, 2, 28
    )


def test_four_interviews_are_spread_over_the_first_six_months():
    start = D(2026, 1, 1)  # month 6 is 1 July, 181 days later
    assert clocks.next_interview_due(start, []) == D(2026, 2, 15)  # 181 // 4 = 45 days
    held = [D(2026, 2, 10)]
    assert clocks.next_interview_due(start, held) == D(2026, 3, 29)  # 141 // 3 = 47 days
    held.append(D(2026, 3, 29))
    assert clocks.next_interview_due(start, held) == D(2026, 5, 15)  # 94 // 2
    held.append(D(2026, 5, 15))
    assert clocks.next_interview_due(start, held) == D(2026, 7, 1)  # the last one by month 6
    held.append(D(2026, 6, 30))
    # All four held: the configured 3-month interval from the last one.
    assert clocks.next_interview_due(start, held) == D(2026, 9, 30)
    assert clocks.interviews_in_first_six_months(start, held) == 4


def test_a_late_interview_leaves_less_time_for_the_rest_but_never_a_due_date_behind_it():
    start = D(2026, 1, 1)
    assert clocks.next_interview_due(start, [D(2026, 6, 20)]) == D(2026, 6, 23)  # 11 // 3
    assert clocks.next_interview_due(start, [D(2026, 7, 1)]) == D(2026, 7, 1)


def test_after_month_6_the_interval_runs_from_the_last_interview_even_if_some_were_missed():
    start = D(2026, 1, 1)
    held = [D(2026, 2, 15), D(2026, 8, 10)]
    assert clocks.interviews_in_first_six_months(start, held) == 1
    assert clocks.next_interview_due(start, held) == D(2026, 11, 10)


def test_interviews_before_the_start_do_not_count_or_move_the_schedule_back():
    start = D(2026, 1, 1)
    assert clocks.interviews_in_first_six_months(start, [D(2025, 12, 1)]) == 0
    assert clocks.next_interview_due(start, [D(2025, 12, 1)]) == D(2026, 2, 15)


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
def test_interview_is_overdue_when_the_first_one_is_not_held_after_six_weeks():
    track = TrackFactory(start=D(2026, 1, 5))  # month 6: 5 July, 181 days
    status = interview_status(track, [], today=D(2026, 2, 20))
    assert status.next_due == D(2026, 2, 19) and status.overdue
    assert status.held_first_six_months == 0 and not status.first_six_months_met


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
    assert status.next_due == D(2026, 5, 18)  # 96 days to month 6, two still missing
    assert not status.overdue
    assert status.next_planned == D(2026, 6, 1)
    assert status.held_first_six_months == 2 and status.required_first_six_months == 4
    assert status.first_six_months_percent == 50


@pytest.mark.django_db
def test_a_finished_track_has_no_overdue_interview():
    track = TrackFactory(start=D(2025, 1, 5), outcome="ordinary_job", outcome_date=D(2025, 6, 1))
    assert not interview_status(track, [], today=D(2026, 4, 6)).overdue
