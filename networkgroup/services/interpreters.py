"""Interpreter bookings for a meeting. Each write is atomic, audited, and tells the budget
(through networkgroup.signals) so that the cost is booked on the right line in the same
transaction."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from bi18.audit.services import audit_log
from bi18.lib.errors import ConflictError, ServiceError
from bi18.lib.versioning import update_if_version
from networkgroup.models import InterpreterBooking, InterpreterBookingStatus, Meeting
from networkgroup.signals import interpreter_cost_changed


@dataclass(frozen=True)
class BookingData:
    language: str
    starts_at: datetime.datetime
    minutes: int
    supplier: str
    remote: bool = False
    status: str = InterpreterBookingStatus.REQUESTED
    cost: Decimal | None = None
    note: str = ""


def _check(data: BookingData) -> None:
    if not data.language.strip():
        raise ServiceError(_("Give the language to interpret."))
    if data.cost is not None and data.cost < 0:
        raise ServiceError(_("The cost cannot be negative."))


def _fields(data: BookingData) -> dict:
    return {
        "language": data.language.strip(),
        "starts_at": data.starts_at,
        "minutes": data.minutes,
        "supplier": data.supplier.strip(),
        "remote": data.remote,
        "status": data.status,
        "cost": data.cost,
        "note": data.note,
    }


@transaction.atomic
def interpreter_book(*, actor, meeting: Meeting, data: BookingData) -> InterpreterBooking:
    """Request an interpreter for `meeting`; marks the meeting as having one booked."""
    _check(data)
    booking = InterpreterBooking.objects.create(
        meeting=meeting, requested_by=actor, **_fields(data)
    )
    if not meeting.interpreter_booked or not meeting.interpreter_language:
        Meeting.objects.filter(pk=meeting.pk).update(
            interpreter_booked=True,
            interpreter_language=meeting.interpreter_language or booking.language,
        )
    audit_log(
        actor=actor,
        action="create",
        event="networkgroup.interpreter.booked",
        family=meeting.family,
        detail={"meeting_id": meeting.pk, "booking_id": booking.pk},
    )
    interpreter_cost_changed.send(sender=InterpreterBooking, booking=booking, actor=actor)
    return booking


@transaction.atomic
def interpreter_booking_update(
    *, actor, booking: InterpreterBooking, data: BookingData, version: int
) -> InterpreterBooking:
    """Change a booking (confirm, cancel, record the invoiced cost); refuses a stale version."""
    _check(data)
    if not update_if_version(InterpreterBooking, pk=booking.pk, version=version, **_fields(data)):
        raise ConflictError
    booking.refresh_from_db()
    audit_log(
        actor=actor,
        action="change",
        event="networkgroup.interpreter.changed",
        family=booking.meeting.family,
        detail={"meeting_id": booking.meeting_id, "booking_id": booking.pk},
    )
    interpreter_cost_changed.send(sender=InterpreterBooking, booking=booking, actor=actor)
    return booking
