"""Internships: registering one, editing it, and its weekly hours."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.lib.versioning import save_or_conflict
from employment import clocks, services
from employment.access import can_edit_track, get_parent_for_user, require_track_editor
from employment.forms import HoursForm, InternshipCreateForm, InternshipEditForm
from employment.models import Internship
from employment.views.common import form_page, parent_url, track_or_404


@login_required
def internship_create(request, person_pk):
    person = get_parent_for_user(request.user, person_pk)
    require_track_editor(request.user, person)
    track = track_or_404(person)
    form = InternshipCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            company = data["company"] or services.company_create(
                actor=request.user,
                name=data["new_company_name"].strip(),
                cvr=data["new_company_cvr"],
                industry=data["new_company_industry"].strip(),
            )
            services.internship_register(
                actor=request.user,
                track=track,
                company=company,
                start=data["start"],
                planned_end=data["planned_end"],
                hours=data["hours"],
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The internship was registered."))
            return redirect(parent_url(person))
    return form_page(
        request,
        person,
        form,
        _("Register internship"),
        extra={"deadline": clocks.internship_deadline(track.start)},
    )


def _internship_for(request, pk):
    internship = get_object_or_404(
        Internship.objects.select_related("track__person__family", "company"), pk=pk
    )
    person = get_parent_for_user(request.user, internship.track.person_id)
    return internship, person


@login_required
def internship_edit(request, pk):
    internship, person = _internship_for(request, pk)
    require_track_editor(request.user, person)
    form = InternshipEditForm(
        request.POST if request.method == "POST" else None, instance=internship
    )
    if request.method == "POST" and form.is_valid():
        result = save_or_conflict(
            form,
            lambda: services.internship_update(
                actor=request.user,
                internship=Internship.objects.select_related("track__person__family").get(
                    pk=internship.pk
                ),
                version=form.cleaned_data["version"],
                **form.internship_data(),
            ),
            reload=lambda: Internship.objects.get(pk=internship.pk),
        )
        if result.saved:
            messages.success(request, _("The internship was saved."))
            return redirect(parent_url(person))
    hours_form = HoursForm(initial={"from_date": timezone.localdate()})
    return form_page(
        request,
        person,
        form,
        _("Internship at %(company)s") % {"company": internship.company.name},
        extra={"internship": internship, "hours_form": hours_form, "hours": internship.hours.all()},
    )


@login_required
def internship_hours(request, pk):
    """Add weekly hours from a date (company consultants, the caseworker and the parent's mentor)."""
    internship, person = _internship_for(request, pk)
    is_mentor = internship.track.mentors.filter(
        mentor=request.user, closed_on__isnull=True
    ).exists()
    if not (can_edit_track(request.user, person) or is_mentor):
        raise PermissionDenied
    form = HoursForm(
        request.POST if request.method == "POST" else None,
        initial={"from_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.internship_hours_set(
                actor=request.user,
                internship=internship,
                from_date=form.cleaned_data["from_date"],
                hours=form.cleaned_data["hours"],
            )
        except services.ServiceError as exc:
            form.add_error("from_date", str(exc))
        else:
            messages.success(request, _("The hours were saved."))
            return redirect(parent_url(person))
    return form_page(
        request,
        person,
        form,
        _("Weekly hours at %(company)s") % {"company": internship.company.name},
        extra={"hours": internship.hours.all()},
    )
