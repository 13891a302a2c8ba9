"""Audit event names written by the network-group app, with their labels for the audit pages."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "networkgroup.group.viewed": _("Network group viewed"),
    "networkgroup.plan.viewed": _("Family plan viewed"),
    "networkgroup.plan.live_opened": _("Family plan opened live (updates pushed)"),
    "networkgroup.plan.print_viewed": _("Printable family plan viewed"),
    "networkgroup.plan.exported": _("Family plan downloaded (PDF)"),
    "networkgroup.plan.history_viewed": _("Family plan history viewed"),
    "networkgroup.plan.reviewed": _("Family plan marked as reviewed"),
    "networkgroup.goal.viewed": _("Plan goal viewed"),
    "networkgroup.goal.created": _("Plan goal added"),
    "networkgroup.goal.changed": _("Plan goal changed"),
    "networkgroup.goal.history_viewed": _("Plan goal history viewed"),
    "networkgroup.action.viewed": _("Plan action viewed"),
    "networkgroup.action.created": _("Plan action added"),
    "networkgroup.action.changed": _("Plan action changed"),
    "networkgroup.decision.recorded": _("Meeting decision recorded"),
    "networkgroup.meeting.listed": _("Meetings listed"),
    "networkgroup.meeting.overview_viewed": _("Family's meetings viewed"),
    "networkgroup.meeting.viewed": _("Meeting viewed"),
    "networkgroup.meeting.live_opened": _("Meeting opened live (updates pushed)"),
    "networkgroup.meeting.created": _("Meeting planned"),
    "networkgroup.meeting.changed": _("Meeting changed"),
    "networkgroup.meeting.minutes_changed": _("Meeting minutes changed"),
    "networkgroup.meeting.minutes_approved": _("Meeting minutes approved"),
    "networkgroup.meeting.addendum_added": _("Addendum added to approved minutes"),
    "networkgroup.interpreter.booked": _("Interpreter requested for a meeting"),
    "networkgroup.interpreter.changed": _("Interpreter booking changed"),
}
