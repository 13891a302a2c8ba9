"""Audit event names written by the employment app, with their labels for the audit pages."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "employment.parent.viewed": _("Employment track viewed"),
    "employment.track.created": _("Employment track started"),
    "employment.track.changed": _("Employment track changed"),
    "employment.track.outcome_set": _("Employment outcome recorded"),
    "employment.internship.created": _("Internship registered"),
    "employment.internship.changed": _("Internship changed"),
    "employment.internship.hours_set": _("Internship hours recorded"),
    "employment.interview.saved": _("Job interview recorded"),
    "employment.mentor.assigned": _("Job mentor assigned"),
    "employment.mentor.closed": _("Job-mentor period closed"),
    "employment.mentor.contact_added": _("Mentor contact recorded"),
    "employment.course.saved": _("Course recorded"),
    "employment.company.created": _("Company registered"),
    "employment.company.changed": _("Company changed"),
    "employment.company.viewed": _("Company page viewed"),
}
