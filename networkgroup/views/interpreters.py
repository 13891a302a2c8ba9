"""Interpreter bookings for a meeting: full members request and change them, as they
change the meeting itself (networkgroup.access)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.audit.services import audit_log
from bi18.lib.versioning import save_or_conflict
from networkgroup import access
from networkgroup.forms import InterpreterBookingForm
from networkgroup.models import InterpreterBooking
from networkgroup.services import interpreters
from networkgroup.views.common import family_for_member


@login_required
def interpreter_booking(request, family_pk, pk, booking_pk=None):
    family = family_for_member(request.user, family_pk)
    meeting = access.get_meeting(request.user, family, pk)
    access.require_full_member(request.user, family)
    booking = (
        get_object_or_404(InterpreterBooking, pk=booking_pk, meeting=meeting)
        if booking_pk
        else None
    )
    if booking is not None:
        initial = {
            name: getattr(booking, name)
            for name in (
                "language",
                "starts_at",
                "minutes",
                "supplier",
                "remote",
                "status",
                "cost",
                "note",
                "version",
            )
        }
        initial["starts_at"] = timezone.localtime(booking.starts_at)
    else:
        initial = {
            "language": meeting.interpreter_language or family.preferred_language,
            "starts_at": timezone.localtime(meeting.starts_at),
        }
    form = InterpreterBookingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        result = save_or_conflict(
            form,
            lambda: (
                interpreters.interpreter_book(
                    actor=request.user, meeting=meeting, data=form.booking_data()
                )
                if booking is None
                else interpreters.interpreter_booking_update(
                    actor=request.user,
                    booking=booking,
                    data=form.booking_data(),
                    version=form.cleaned_data["version"] or 0,
                )
            ),
            reload=lambda: InterpreterBooking.objects.get(pk=booking.pk) if booking else None,
        )
        if result.saved:
            messages.success(request, _("The interpreter booking was saved."))
            return redirect("networkgroup:meeting", family_pk=family.pk, pk=meeting.pk)
    if request.method == "GET":
        audit_log(
            actor=request.user,
            action="view",
            event="networkgroup.meeting.viewed",
            family=family,
            detail={"meeting_id": meeting.pk, "booking_id": booking.pk if booking else None},
        )
    return render(
        request,
        "networkgroup/interpreter_form.html",
        {
            "family": family,
            "meeting": meeting,
            "booking": booking,
            "form": form,
            "nav_active": "families",
        },
    )
