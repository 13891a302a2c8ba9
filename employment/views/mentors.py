"""Job mentors: assignment, renewal, closing, and the mentor's contacts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from employment import services
from employment.access import can_edit_track, get_parent_for_user, require_track_editor
from employment.forms import MentorAssignForm, MentorContactForm, MentorRenewForm
from employment.models import MentorAssignment
from employment.views.common import form_page, parent_url, track_or_404


@login_required
def mentor_assign(request, person_pk):
    person = get_parent_for_user(request.user, person_pk)
    require_track_editor(request.user, person)
    track = track_or_404(person)
    form = MentorAssignForm(
        request.POST if request.method == "POST" else None, initial={"start": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_assign(actor=request.user, track=track, **form.cleaned_data)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The job mentor was assigned."))
            return redirect(parent_url(person))
    return form_page(request, person, form, _("Assign job mentor"))


def _mentor_for(request, pk):
    assignment = get_object_or_404(
        MentorAssignment.objects.select_related("track__person__family", "mentor"), pk=pk
    )
    person = get_parent_for_user(request.user, assignment.track.person_id)
    return assignment, person


@login_required
def mentor_renew(request, pk):
    assignment, person = _mentor_for(request, pk)
    require_track_editor(request.user, person)
    form = MentorRenewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_renew(
                actor=request.user, assignment=assignment, end=form.cleaned_data["end"]
            )
        except services.ServiceError as exc:
            form.add_error("end", str(exc))
        else:
            messages.success(request, _("The mentor period was renewed."))
            return redirect(parent_url(person))
    return form_page(
        request, person, form, _("Renew mentor period"), extra={"assignment": assignment}
    )


@login_required
@require_POST
def mentor_close(request, pk):
    assignment, person = _mentor_for(request, pk)
    require_track_editor(request.user, person)
    try:
        services.mentor_close(actor=request.user, assignment=assignment, on=timezone.localdate())
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The mentor period was closed."))
    return redirect(parent_url(person))


@login_required
def mentor_contact(request, pk):
    assignment, person = _mentor_for(request, pk)
    if not (assignment.mentor_id == request.user.pk or can_edit_track(request.user, person)):
        raise PermissionDenied
    form = MentorContactForm(
        request.POST if request.method == "POST" else None, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        services.mentor_contact_add(actor=request.user, assignment=assignment, **form.cleaned_data)
        messages.success(request, _("The contact was saved."))
        return redirect(parent_url(person) + "#mentor")
    return form_page(request, person, form, _("Mentor contact"))
