"""Upskilling courses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from employment import services
from employment.access import get_parent_for_user, require_track_editor
from employment.forms import CourseForm
from employment.models import Course
from employment.views.common import form_page, parent_url, track_or_404


@login_required
def course_edit(request, person_pk, pk=None):
    person = get_parent_for_user(request.user, person_pk)
    require_track_editor(request.user, person)
    track = track_or_404(person)
    course = get_object_or_404(Course, pk=pk, track=track) if pk else None
    form = CourseForm(request.POST if request.method == "POST" else None, instance=course)
    if request.method == "POST" and form.is_valid():
        services.course_save(actor=request.user, track=track, course=course, **form.course_data())
        messages.success(request, _("The course was saved."))
        return redirect(parent_url(person))
    return form_page(request, person, form, _("Course") if course else _("Add course"))
