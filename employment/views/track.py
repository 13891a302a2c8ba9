"""Starting, editing and closing an employment track (its outcome)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from bi18.lib.versioning import save_or_conflict
from employment import services
from employment.access import get_parent_for_user, require_track_editor
from employment.forms import OutcomeForm, TrackForm
from employment.models import EmploymentTrack
from employment.views.common import form_page, parent_url, track_or_404


@login_required
def track_edit(request, person_pk):
    person = get_parent_for_user(request.user, person_pk)
    require_track_editor(request.user, person)
    track = EmploymentTrack.objects.filter(person=person).current_first().first()
    form = TrackForm(request.POST if request.method == "POST" else None, instance=track)
    if request.method == "POST" and form.is_valid():
        if track is None:
            result = save_or_conflict(
                form,
                lambda: services.track_create(
                    actor=request.user, person=person, **form.track_data()
                ),
            )
        else:
            result = save_or_conflict(
                form,
                lambda: services.track_update(
                    actor=request.user,
                    track=track,
                    version=form.cleaned_data.get("version") or 0,
                    **form.track_data(),
                ),
                reload=lambda: EmploymentTrack.objects.get(pk=track.pk),
            )
        if result.saved:
            messages.success(request, _("The employment track was saved."))
            return redirect(parent_url(person))
    title = _("Start employment track") if track is None else _("Edit employment track")
    return form_page(request, person, form, title)


@login_required
def track_new(request, person_pk):
    """A new track for a parent whose current track has ended (it has an outcome); the
    earlier track is kept as it was."""
    person = get_parent_for_user(request.user, person_pk)
    require_track_editor(request.user, person)
    current = EmploymentTrack.objects.filter(person=person).current_first().first()
    if current is None or not current.outcome:
        messages.info(request, _("A new track can be started once the current one has an outcome."))
        return redirect(parent_url(person))
    form = TrackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.track_create(actor=request.user, person=person, **form.track_data())
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The new employment track was started."))
            return redirect(parent_url(person))
    return form_page(request, person, form, _("Start a new employment track"))


@login_required
def track_outcome(request, person_pk):
    person = get_parent_for_user(request.user, person_pk)
    require_track_editor(request.user, person)
    track = track_or_404(person)
    initial = {
        "outcome": track.outcome,
        "outcome_date": track.outcome_date,
        "outcome_hours": track.outcome_hours,
        "outcome_employer": track.outcome_employer,
        "outcome_reason": track.outcome_reason,
        "version": track.version,
    }
    form = OutcomeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        result = save_or_conflict(
            form,
            lambda: services.track_set_outcome(
                actor=request.user, track=track, **form.cleaned_data
            ),
            reload=lambda: EmploymentTrack.objects.get(pk=track.pk),
        )
        if result.saved:
            messages.success(request, _("The outcome was saved."))
            return redirect(parent_url(person))
    return form_page(request, person, form, _("Outcome of the employment track"))
