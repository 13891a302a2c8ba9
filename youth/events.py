"""Audit event names written by the youth app, with their labels for the audit pages."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "youth.person.viewed": _("Youth track viewed"),
    "youth.timeline.viewed": _("Youth timeline viewed"),
    "youth.track.viewed": _("Youth track form opened"),
    "youth.track.created": _("Youth track started"),
    "youth.track.changed": _("Youth track changed"),
    "youth.assignment.opened": _("Counsellor given access to a young person"),
    "youth.assignment.closed": _("Counsellor's access to a young person ended"),
    "youth.leisure_job.viewed": _("Leisure job opened"),
    "youth.leisure_job.created": _("Leisure job registered"),
    "youth.leisure_job.changed": _("Leisure job changed"),
    "youth.internship.viewed": _("Company internship opened"),
    "youth.internship.created": _("Company internship registered"),
    "youth.internship.changed": _("Company internship changed"),
    "youth.exam.viewed": _("Exam preparation opened"),
    "youth.exam.created": _("Exam preparation registered"),
    "youth.exam.changed": _("Exam preparation changed"),
    "youth.guidance.viewed": _("Guidance session opened"),
    "youth.guidance.created": _("Guidance session registered"),
    "youth.guidance.changed": _("Guidance session changed"),
    "youth.clarification.viewed": _("Clarification opened"),
    "youth.clarification.created": _("Clarification registered"),
    "youth.clarification.changed": _("Clarification changed"),
    "youth.application.viewed": _("Apprenticeship application opened"),
    "youth.application.created": _("Apprenticeship application registered"),
    "youth.application.changed": _("Apprenticeship application changed"),
    "youth.contact.viewed": _("Retention contact opened"),
    "youth.contact.created": _("Retention contact registered"),
    "youth.contact.changed": _("Retention contact changed"),
    "youth.enrolment.viewed": _("Enrolment opened"),
    "youth.enrolment.created": _("Enrolment registered"),
    "youth.enrolment.changed": _("Enrolment changed"),
    "youth.follow_up.viewed": _("Follow-up opened"),
    "youth.follow_up.recorded": _("Follow-up recorded"),
}


def register() -> None:
    from bi18.audit.labels import register_event

    for name, label in EVENTS.items():
        register_event(name, label)
