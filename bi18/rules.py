"""Durations, cadences and targets that come from law or from the pilot design.

SPEC §8: these are configuration with the budget note's values as defaults, not
constants scattered in code. Override any of them in settings.BI18_RULES (or by
environment, see settings.py). Read them through `rule("name")`.
"""

from django.conf import settings

DEFAULTS: dict[str, object] = {
    # Employment track (SPEC §5)
    "intensive_phase_weeks": 13,
    "internship_deadline_days": 42,
    "job_interview_interval_months": 3,
    "job_interviews_first_six_months": 4,
    "internship_cap_weeks_activity_ready": 13,
    "job_mentor_period_months": 6,
    # Youth track (SPEC §6)
    "youth_age_limit_years": 30,
    # The youngest on a youth track: a leisure job is allowed from 13 (issue 16 §4).
    "youth_min_age_years": 13,
    # Ages the person form questions (a warning, never a block): a typo in the CPR number.
    "parent_age_warning_years": 80,
    "child_age_warning_years": 30,
    "youth_follow_up_months": 3,
    # Family plan (SPEC §4)
    "plan_review_interval_months": 3,
    # Capacity (the budget note: 130 families with 260 parents; about 100 young people on
    # the education effort)
    "planned_families": 130,
    "planned_parents": 260,
    "planned_young_people": 100,
    # Targets (SPEC §7)
    "target_t1_internship_6_months": 0.82,
    "target_t2_education_3_months": 0.50,
    "small_cell_threshold": 5,
    # Journal notes (issue 13 §1): a note is locked this long after it was written
    "note_lock_hours": 24,
    # "Mit arbejde" and the daily digest
    "work_horizon_days": 14,
    # Evaluation (issue 15)
    # Yearly cash benefit (kontanthjælp) one extra person in work no longer receives:
    # the 2018 rate for a provider aged 30 or over, 14,993 DKK a month × 12, at the budget
    # note's 2018 price level. Check it against the current rate before a decision.
    "benefit_per_person_year_dkk": 179_916,
    # Nearest-neighbour matching on months on benefits: never further apart than this.
    "evaluation_caliper_months": 12,
    # The pseudonymised extract follows each person this many months from enrolment.
    "evaluation_extract_months": 24,
}


def rule(name: str):
    overrides = getattr(settings, "BI18_RULES", {}) or {}
    if name in overrides:
        return overrides[name]
    return DEFAULTS[name]
