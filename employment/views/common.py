"""What the employment pages share: the form page and the way back to the parent page."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from bi18.audit.services import audit_log
from employment.models import EmploymentTrack

PAGE_SIZE = 25


def track_or_404(person) -> EmploymentTrack:
    """The parent's current track (the open one, else the latest); 404 without one."""
    track = (
        EmploymentTrack.objects.select_related("person__family")
        .filter(person=person)
        .current_first()
        .first()
    )
    if track is None:
        raise Http404
    return track


def parent_url(person) -> str:
    return reverse("employment:parent", args=[person.pk])


def form_page(request, person, form, title, *, extra=None):
    if request.method == "GET":
        # An edit form shows the track's data: a read of personal data (SPEC §8).
        audit_log(
            actor=request.user, action="view", event="employment.parent.viewed", person=person
        )
    context = {
        "person": person,
        "family": person.family,
        "form": form,
        "title": title,
        "nav_active": "families",
        **(extra or {}),
    }
    return render(request, "employment/form.html", context)
