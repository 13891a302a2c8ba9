"""Interpreter bookings for a meeting: requested by full members of the network group,
audited, and their cost booked as an interpreter expenditure on BIU 18.21 (SPEC §7)."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from budget import services as budget_services
from budget.models import Category, Expenditure
from networkgroup import services
from networkgroup.models import InterpreterBooking
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(family, caseworker):
    starts = timezone.make_aware(datetime.datetime(2026, 3, 10, 10))
    data = services.MeetingData(
        starts_at=starts, place="Rådhuset", attending_members=[caseworker], attending_people=[]
    )
    return services.meeting_create(actor=caseworker, family=family, data=data)


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _urls(meeting, booking=None):
    args = [meeting.family_id, meeting.pk]
    if booking is None:
        return reverse("networkgroup:meeting_interpreter_create", args=args)
    return reverse("networkgroup:meeting_interpreter_edit", args=[*args, booking.pk])


FORM = {
    "language": "Somali",
    "starts_at": "2026-03-10T10:00",
    "minutes": "90",
    "supplier": "Tolkeservice København",
    "status": "requested",
    "cost": "",
    "note": "",
}


def test_a_member_books_an_interpreter_shown_on_the_meeting_and_audited(meeting, caseworker):
    client = _client(caseworker)
    response = client.post(_urls(meeting), FORM)
    assert response.status_code == 302
    booking = InterpreterBooking.objects.get(meeting=meeting)
    assert booking.language == "Somali" and booking.requested_by == caseworker
    meeting.refresh_from_db()
    assert meeting.interpreter_booked and meeting.interpreter_language == "Somali"
    assert AuditEvent.objects.filter(
        event="networkgroup.interpreter.booked", family_id=meeting.family_id, actor=caseworker
    ).exists()
    page = client.get(reverse("networkgroup:meeting", args=[meeting.family_id, meeting.pk]))
    html = page.content.decode()
    assert "Tolkeservice København" in html and "Bestilt" in html
    # No cost yet: nothing is booked in the budget.
    assert not Expenditure.objects.filter(category=Category.INTERPRETER).exists()


def test_the_cost_becomes_an_interpreter_expenditure_on_18_21_and_follows_changes(
    meeting, caseworker
):
    client = _client(caseworker)
    client.post(_urls(meeting), FORM | {"cost": "1250,50", "status": "confirmed"})
    booking = InterpreterBooking.objects.get()
    expenditure = Expenditure.objects.get(reference=f"interpreter-booking-{booking.pk}")
    assert expenditure.amount == Decimal("1250.50")
    assert expenditure.line.code == "18.21"
    assert expenditure.activity.name == "Styrket beskæftigelsesindsats for minoritetsforældrene"
    assert expenditure.category == Category.INTERPRETER
    assert expenditure.family_id == meeting.family_id
    assert expenditure.date == datetime.date(2026, 3, 10)
    # The invoice differs (typed with a thousands point): the expenditure follows; no second row.
    data = FORM | {"cost": "1.400,75", "status": "confirmed", "version": booking.version}
    assert client.post(_urls(meeting, booking), data).status_code == 302
    [expenditure] = Expenditure.objects.filter(category=Category.INTERPRETER)
    assert expenditure.amount == Decimal("1400.75")
    # The edit form shows the amount as it is typed: with a decimal comma.
    assert 'value="1400,75"' in client.get(_urls(meeting, booking)).content.decode()
    # Cancelled in time, no cost: the expenditure goes.
    booking.refresh_from_db()
    data = FORM | {"cost": "", "status": "cancelled", "version": booking.version}
    assert client.post(_urls(meeting, booking), data).status_code == 302
    assert not Expenditure.objects.filter(category=Category.INTERPRETER).exists()


def test_the_budget_shows_the_interpreters_share_of_18_21_and_what_it_has_spent(
    meeting, caseworker, budget_officer
):
    _client(caseworker).post(_urls(meeting), FORM | {"cost": "2000"})
    rows = {
        (r["year"], r["category"]): r
        for r in budget_services.share_status(datetime.date(2026, 12, 31))
    }
    # The budget note's years carry its split: consultants 3,000 and interpreters 200 (thousand).
    assert rows[(2018, "Tolk")]["allocated"] == Decimal("200000.00")
    assert rows[(2018, "Konsulentløn")]["allocated"] == Decimal("3000000.00")
    page = _client(budget_officer).get(reverse("budget:overview")).content.decode()
    assert "Fordeling af bevillingerne" in page and "Tolk" in page


def test_a_booking_costs_in_a_year_with_a_share_are_counted_against_it(
    meeting, caseworker, budget_officer
):
    from budget.models import Activity, Allocation, AllocationShare

    activity = Activity.objects.get(
        line__code="18.21", name="Styrket beskæftigelsesindsats for minoritetsforældrene"
    )
    allocation = Allocation.objects.create(activity=activity, year=2026, amount_thousands=3200)
    AllocationShare.objects.create(
        allocation=allocation, category="interpreter", amount_thousands=200
    )
    _client(caseworker).post(_urls(meeting), FORM | {"cost": "2000"})
    [row] = [
        r
        for r in budget_services.share_status(datetime.date(2026, 12, 31))
        if r["year"] == 2026 and r["category"] == "Tolk"
    ]
    assert row["spent"] == Decimal("2000.00") and row["share"] == pytest.approx(0.01)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"language": ""}, "language"),
        ({"cost": "-5"}, "cost"),
        ({"cost": "abc"}, "cost"),
        ({"cost": "12,345"}, "cost"),  # three decimals: not an amount
        ({"cost": "100.000.000"}, "cost"),  # more than the field holds
        ({"minutes": "5"}, "minutes"),
        ({"starts_at": "2026-02-31T10:00"}, "starts_at"),
        ({"supplier": ""}, "supplier"),
    ],
)
def test_bad_input_is_refused_and_books_nothing(meeting, caseworker, changes, field):
    response = _client(caseworker).post(_urls(meeting), FORM | changes)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not InterpreterBooking.objects.exists() and not Expenditure.objects.exists()


def test_a_stale_edit_is_refused_and_overwrites_nothing(meeting, caseworker):
    client = _client(caseworker)
    client.post(_urls(meeting), FORM)
    booking = InterpreterBooking.objects.get()
    stale = booking.version
    client.post(_urls(meeting, booking), FORM | {"supplier": "Ny tolk", "version": stale})
    response = client.post(_urls(meeting, booking), FORM | {"supplier": "Gammel", "version": stale})
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.supplier == "Ny tolk"
    # The one conflict handling (bi18.lib.versioning.save_or_conflict): what was typed is
    # kept, the form now carries the saved version, so saving again is a deliberate choice.
    html = response.content.decode()
    assert "En anden har gemt, mens du redigerede" in html
    assert 'value="Gammel"' in html
    assert f'name="version" value="{booking.version}"' in html
    client.post(_urls(meeting, booking), FORM | {"supplier": "Gammel", "version": booking.version})
    booking.refresh_from_db()
    assert booking.supplier == "Gammel"


def test_a_youth_counsellor_in_the_group_may_not_book_and_an_outsider_gets_404(
    meeting, family, other_caseworker
):
    uu = UserFactory(username="uu-i", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    meeting.attending_members.add(uu)
    assert _client(uu).post(_urls(meeting), FORM).status_code == 403
    assert _client(other_caseworker).get(_urls(meeting)).status_code == 404
    assert not InterpreterBooking.objects.exists()
