"""The statutory job interviews (LAB §§ 31–32)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from employment import services
from employment.access import get_parent_for_user, require_track_editor
from employment.forms import InterviewForm
from employment.models import JobInterview
from employment.views.common import form_page, parent_url, track_or_404


@login_required
def interview_create(request, person_pk, pk=None):
    person = get_parent_for_user(request.user, person_pk)
    require_track_editor(request.user, person)
    track = track_or_404(person)
    interview = get_object_or_404(JobInterview, pk=pk, track=track) if pk else None
    form = InterviewForm(request.POST if request.method == "POST" else None, instance=interview)
    if request.method == "POST" and form.is_valid():
        services.interview_save(
            actor=request.user, track=track, interview=interview, **form.interview_data()
        )
        messages.success(request, _("The job interview was saved."))
        return redirect(parent_url(person))
    title = _("Register job interview") if interview is None else _("Edit job interview")
    return form_page(request, person, form, title)
