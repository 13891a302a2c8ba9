"""The deadline engine per role, the forecasts, and "Mit arbejde" (SPEC §7, §9)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from bi18.accounts.roles import Role
from employment import services
from employment.deadlines import (
    INTENSIVE_END,
    INTERNSHIP_CAP,
    INTERNSHIP_DEADLINE,
    INTERNSHIP_GAP,
    INTERNSHIP_OVERRUN,
    INTERVIEW_DUE,
    MENTOR_END,
    RISK_INTERVIEWS,
    RISK_MONTH6,
    RISK_WEEK6,
)
from employment.models import InternshipStatus, TrackKind
from families.models import PersonAssignment
from families.worklist.engine import items_for
from tests.employment_factories import InternshipFactory, TrackFactory, interview
from tests.factories import FamilyFactory, PersonFactory, UserFactory, add_member

D = datetime.date
TODAY = D(2026, 3, 1)


def kinds(work):
    return sorted({d.kind for d in work.overdue + work.upcoming})


@pytest.fixture
def parent(family):
    return family.people.get(first_name="Amina")


@pytest.fixture
def team(family, company_consultant, employment_consultant):
    add_member(family, company_consultant, Role.COMPANY_CONSULTANT)
    add_member(family, employment_consultant, Role.EMPLOYMENT_CONSULTANT)
    return family


@pytest.fixture
def track(team, parent, company_consultant, employment_consultant):
    # Started 1 January: week 6 was 12 February (overdue), the first interview 15 February.
    return TrackFactory(
        person=parent,
        start=D(2026, 1, 1),
        company_consultant=company_consultant,
        employment_consultant=employment_consultant,
    )


def test_company_consultant_gets_the_overdue_internship_deadline(track, company_consultant):
    work = items_for(company_consultant, TODAY)
    [item] = [d for d in work.overdue if d.kind == INTERNSHIP_DEADLINE]
    assert item.due == D(2026, 2, 12)
    assert item.person_name == "Amina Hassan"
    assert item.url == reverse("employment:internship_create", args=[track.person_id])


def test_registering_an_internship_resolves_the_deadline(track, company_consultant):
    InternshipFactory(track=track, start=D(2026, 2, 20))
    assert INTERNSHIP_DEADLINE not in kinds(items_for(company_consultant, TODAY))


def test_a_cancelled_internship_does_not_resolve_the_deadline(track, company_consultant):
    InternshipFactory(track=track, start=D(2026, 2, 20), status=InternshipStatus.CANCELLED)
    assert INTERNSHIP_DEADLINE in kinds(items_for(company_consultant, TODAY))


def test_upcoming_deadline_appears_within_the_horizon_only(team, parent, company_consultant):
    TrackFactory(
        person=parent, start=D(2026, 1, 25), company_consultant=company_consultant
    )  # due 8 March
    assert [d.kind for d in items_for(company_consultant, TODAY).upcoming] == [INTERNSHIP_DEADLINE]
    assert not items_for(company_consultant, TODAY, horizon_days=3)


def test_upskilling_tracks_have_no_week_6_or_week_13(team, parent, company_consultant):
    TrackFactory(
        person=parent,
        start=D(2025, 10, 1),
        kind=TrackKind.UPSKILLING,
        company_consultant=company_consultant,
    )
    assert not {INTERNSHIP_DEADLINE, INTENSIVE_END} & set(
        kinds(items_for(company_consultant, TODAY))
    )


def test_employment_consultant_gets_interviews_but_not_internship_items(
    track, employment_consultant
):
    work = items_for(employment_consultant, D(2026, 4, 2))
    assert kinds(work) == [INTERVIEW_DUE]
    [item] = work.overdue
    assert item.due == D(2026, 2, 15)  # 4 in the first six months: the first after 45 days
    assert "0 af 4 i de første 6 måneder" in item.detail


def test_interview_held_moves_the_next_due_date(track, employment_consultant):
    interview(track, held=D(2026, 3, 15), by=employment_consultant)
    assert not items_for(employment_consultant, D(2026, 4, 2))
    [item] = items_for(employment_consultant, D(2026, 4, 10)).upcoming
    assert item.due == D(2026, 4, 20)  # the 3 still missing spread over the 108 days left


def test_once_four_are_held_in_six_months_the_interval_takes_over(track, employment_consultant):
    for day in (D(2026, 2, 10), D(2026, 3, 25), D(2026, 5, 5), D(2026, 6, 20)):
        interview(track, held=day, by=employment_consultant)
    assert not items_for(employment_consultant, D(2026, 9, 1))
    [item] = items_for(employment_consultant, D(2026, 9, 15)).upcoming
    assert item.due == D(2026, 9, 20)
    assert "første 6 måneder" not in item.detail


def test_too_few_interviews_by_month_6_is_forecast_until_enough_are_planned(
    track, employment_consultant
):
    for day in (D(2026, 2, 10), D(2026, 3, 25)):
        interview(track, held=day, by=employment_consultant)
    today = D(2026, 6, 20)  # month 6 is 1 July, within the horizon
    at_risk = items_for(employment_consultant, today, with_forecast=True).at_risk
    [risk] = [r for r in at_risk if r.kind == RISK_INTERVIEWS]
    assert risk.kind == RISK_INTERVIEWS and risk.due == D(2026, 7, 1)
    assert risk.detail == "2 holdt, 0 planlagt"
    interview(track, planned=D(2026, 6, 24))
    interview(track, planned=D(2026, 6, 30))
    at_risk = items_for(employment_consultant, today, with_forecast=True).at_risk
    assert RISK_INTERVIEWS not in {r.kind for r in at_risk}


def test_intensive_phase_end_stays_overdue_only_without_a_goal(track, company_consultant):
    assert INTENSIVE_END in kinds(items_for(company_consultant, D(2026, 4, 10)))
    track.goal = "Kitchen assistant"
    track.save()
    assert INTENSIVE_END not in kinds(items_for(company_consultant, D(2026, 4, 10)))
    assert INTENSIVE_END in kinds(
        items_for(company_consultant, D(2026, 3, 25))
    )  # still ahead: upcoming


def test_internship_gap_and_cap(track, company_consultant):
    InternshipFactory(
        track=track,
        start=D(2026, 1, 20),
        planned_end=D(2026, 2, 15),
        actual_end=D(2026, 2, 15),
        status=InternshipStatus.ENDED,
        end_reason="new_internship",
    )
    work = items_for(company_consultant, TODAY)
    [gap] = [d for d in work.overdue if d.kind == INTERNSHIP_GAP]
    assert gap.due == D(2026, 2, 16)
    InternshipFactory(track=track, start=D(2026, 2, 16), planned_end=D(2026, 6, 1))
    work = items_for(company_consultant, D(2026, 5, 10))
    assert INTERNSHIP_GAP not in kinds(work)
    [cap] = [d for d in work.upcoming if d.kind == INTERNSHIP_CAP]
    assert cap.due == D(2026, 5, 18)  # 13 weeks after 16 February


def test_internship_past_its_planned_end_asks_for_its_end(track, company_consultant):
    internship = InternshipFactory(track=track, start=D(2026, 1, 20), planned_end=D(2026, 2, 20))
    [item] = [
        d for d in items_for(company_consultant, TODAY).overdue if d.kind == INTERNSHIP_OVERRUN
    ]
    assert item.due == D(2026, 2, 20)
    assert item.url == reverse("employment:internship_edit", args=[internship.pk])
    internship.actual_end = D(2026, 2, 20)
    internship.status = InternshipStatus.ENDED
    internship.end_reason = "ordinary_job"
    internship.save()
    assert INTERNSHIP_OVERRUN not in kinds(items_for(company_consultant, TODAY))


def _mentor_period_ending_soon(caseworker, track, mentor):
    """A mentor period that began four weeks ago and ends in nine days. The mentor sees the
    parent through the period's person assignment, which the scope reads on the real day."""
    today = timezone.localdate()
    return services.mentor_assign(
        actor=caseworker,
        track=track,
        mentor=mentor,
        start=today - datetime.timedelta(28),
        end=today + datetime.timedelta(9),
    )


def test_job_mentor_sees_only_their_mentees_mentor_period(
    track, company_consultant, caseworker, job_mentor
):
    other_track = TrackFactory(person=PersonFactory())
    other_mentor = UserFactory(username="other_mentor", role=Role.JOB_MENTOR)
    _mentor_period_ending_soon(caseworker, track, job_mentor)
    _mentor_period_ending_soon(caseworker, other_track, other_mentor)
    work = items_for(job_mentor, timezone.localdate())
    assert [(d.kind, d.person_name) for d in work.upcoming] == [(MENTOR_END, "Amina Hassan")]
    assert not work.overdue  # a mentor does not get the company consultant's items


def test_a_mentor_who_no_longer_sees_the_parent_gets_no_item_about_them(
    track, caseworker, job_mentor
):
    """The mentor's person assignment can end while the mentor period stays open (the legal
    basis withdrawn: families.consent.services.access_revoke_without_basis)."""
    today = timezone.localdate()
    _mentor_period_ending_soon(caseworker, track, job_mentor)
    assert MENTOR_END in kinds(items_for(job_mentor, today))
    ended = PersonAssignment.objects.filter(user=job_mentor, person=track.person)
    assert ended.update(end=today - datetime.timedelta(1)) == 1
    work = items_for(job_mentor, today)
    assert not work.overdue and not work.upcoming


def test_renewed_mentor_period_no_longer_ends(track, caseworker, job_mentor):
    today = timezone.localdate()
    first = _mentor_period_ending_soon(caseworker, track, job_mentor)
    assert MENTOR_END in kinds(items_for(job_mentor, today))
    services.mentor_renew(actor=caseworker, assignment=first, end=today + datetime.timedelta(150))
    assert MENTOR_END not in kinds(items_for(job_mentor, today))


def test_coordinating_caseworker_gets_all_items_of_the_family(track, caseworker):
    assert kinds(items_for(caseworker, D(2026, 4, 2))) == [
        INTENSIVE_END,
        INTERNSHIP_DEADLINE,
        INTERVIEW_DUE,
    ]


def test_non_coordinating_caseworker_gets_nothing(track, family, other_caseworker):
    add_member(family, other_caseworker)
    assert not items_for(other_caseworker, D(2026, 4, 2))


def test_consultant_outside_the_group_gets_nothing(track, company_consultant, family):
    family.members.filter(user=company_consultant).delete()
    assert not items_for(company_consultant, TODAY)


def test_non_member_and_other_roles_get_nothing(track, retention_counsellor, manager, family):
    stranger = UserFactory(username="stranger", role=Role.COMPANY_CONSULTANT)
    add_member(family, retention_counsellor, Role.RETENTION_COUNSELLOR)
    for user in (stranger, retention_counsellor, manager):
        assert not items_for(user, D(2026, 4, 2), with_forecast=True).at_risk
        assert not items_for(user, D(2026, 4, 2))


def test_finished_track_raises_nothing(track, caseworker):
    track.outcome, track.outcome_date = "ordinary_job", D(2026, 2, 1)
    track.save()
    assert not items_for(caseworker, D(2026, 4, 2))


def test_forecast_week6_and_month6(team, parent, company_consultant, family):
    other = family.people.get(first_name="Omar")
    TrackFactory(person=parent, start=D(2026, 1, 25), company_consultant=company_consultant)
    TrackFactory(
        person=other,
        start=D(2025, 9, 10),
        company_consultant=company_consultant,
        kind=TrackKind.UPSKILLING,
    )
    work = items_for(company_consultant, TODAY, with_forecast=True)
    assert sorted((d.kind, d.person_name, d.due) for d in work.at_risk) == [
        (RISK_MONTH6, "Omar Hassan", D(2026, 3, 10)),
        (RISK_WEEK6, "Amina Hassan", D(2026, 3, 8)),
    ]


def test_parent_in_internship_on_month_6_is_not_at_risk(team, parent, company_consultant):
    track = TrackFactory(person=parent, start=D(2025, 9, 10), company_consultant=company_consultant)
    InternshipFactory(track=track, start=D(2025, 10, 1), planned_end=D(2026, 4, 1))
    assert not items_for(company_consultant, TODAY, with_forecast=True).at_risk


# --- "Mit arbejde" ------------------------------------------------------------------------------


def _many_tracks(n, consultant, caseworker, start):
    for _ in range(n):
        fam = FamilyFactory()
        add_member(fam, consultant, Role.COMPANY_CONSULTANT)
        add_member(fam, caseworker, coordinator=True)
        p = PersonFactory(family=fam)
        t = TrackFactory(
            person=p, start=start, company_consultant=consultant, employment_consultant=consultant
        )
        InternshipFactory(
            track=t,
            start=start + datetime.timedelta(days=5),
            planned_end=start + datetime.timedelta(days=20),
            actual_end=start + datetime.timedelta(days=20),
            status=InternshipStatus.ENDED,
            end_reason="other",
        )


def test_my_work_lists_items_grouped_by_kind_with_links(track, company_consultant, login):
    response = login(company_consultant).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kind="employment.internship_deadline"' in html
    assert reverse("employment:internship_create", args=[track.person_id]) in html
    assert "Amina Hassan" in html


def test_my_work_links_the_task_and_names_whom_it_is_about(track, company_consultant, login):
    """The link is the task itself; whom it is about heads its family's group (issue 16 §1)."""
    html = login(company_consultant).get(reverse("home")).content.decode()
    url = reverse("employment:internship_create", args=[track.person_id])
    link = re.search(rf'<a href="{re.escape(url)}"[^>]*>([^<]*)</a>', html)
    assert link and link.group(1) == "Frist for praktik (uge 6)"
    summary = html[html.rfind("<summary", 0, link.start()) : link.start()]
    assert "Amina Hassan" in summary


@pytest.mark.parametrize("who", ["company_consultant", "caseworker"])
def test_my_work_query_count_does_not_grow(who, company_consultant, caseworker, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = {"company_consultant": company_consultant, "caseworker": caseworker}[who]
    client.force_login(user)
    _many_tracks(2, company_consultant, caseworker, start=D(2025, 12, 1))
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("home")).status_code == 200
    _many_tracks(20, company_consultant, caseworker, start=D(2025, 12, 1))
    with CaptureQueriesContext(connection) as large:
        body = client.get(reverse("home")).content.decode()
    assert body.count("BI18-") >= 22  # the items are really there
    assert len(large) == len(small)
    # The kinds of each app read together (employment 4 queries, youth 2, plans 2): 23 → 15.
    assert len(large) <= 15


def test_my_work_view_is_audited_without_names(track, company_consultant, login):
    from bi18.audit.models import AuditEvent

    login(company_consultant).get(reverse("home"))
    event = AuditEvent.objects.get(event="deadlines.worklist.viewed", actor=company_consultant)
    assert event.detail["person_ids"] == [track.person_id]
    assert event.detail["case_numbers"] == [track.person.family.case_number]
    assert "Amina" not in str(event.detail)


def test_the_compiled_queries_give_the_work_list_the_orm_gives(
    monkeypatch, track, company_consultant, employment_consultant, caseworker, job_mentor
):
    """The collectors' queries are built once per process and run with each call's values
    (bi18.lib.prepared.fixed_values): every role's list, forecasts and one family's items
    included, is the same as the ORM's built anew with those values."""
    from bi18.lib import prepared

    InternshipFactory(
        track=track,
        start=D(2026, 1, 20),
        planned_end=D(2026, 2, 15),
        actual_end=D(2026, 2, 15),
        status=InternshipStatus.ENDED,
        end_reason="new_internship",
    )
    InternshipFactory(track=track, start=D(2026, 2, 16), planned_end=D(2026, 3, 1))
    interview(track, held=D(2026, 1, 20))
    _mentor_period_ending_soon(caseworker, track, job_mentor)
    users = (company_consultant, employment_consultant, caseworker, job_mentor)
    days = (TODAY, D(2026, 5, 10), timezone.localdate())

    def read():
        return [
            items_for(user, day, horizon, with_forecast=True, family_id=family_id)
            for user in users
            for day in days
            for horizon in (0, 14, 90)
            for family_id in (None, track.person.family_id)
        ]

    compiled = read()
    assert any(w.overdue or w.upcoming or w.at_risk for w in compiled)
    monkeypatch.setattr(prepared, "fixed_values", lambda key, build, values: list(build(values)))
    for module in ("employment.deadlines", "youth.deadlines", "networkgroup.panels"):
        monkeypatch.setattr(f"{module}.fixed_values", prepared.fixed_values)
    assert read() == compiled
