"""Audit event names written by the families app, with their labels for the audit pages."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "families.family.created": _("Family registered"),
    "families.family.changed": _("Family changed"),
    "families.family.status_changed": _("Family status changed"),
    "families.family.viewed": _("Family page viewed"),
    "families.family.listed": _("Family list viewed"),
    "families.family.searched": _("Families searched"),
    "families.person.created": _("Person registered"),
    "families.person.viewed": _("Person viewed"),
    "families.person.changed": _("Person changed"),
    "families.person.cpr_revealed": _("Full CPR number shown"),
    "families.member.added": _("Network-group member added"),
    "families.member.removed": _("Network-group member removed"),
    "families.member.coordinator_set": _("Network-group coordinator set"),
    "families.demo.seeded": _("Demo data created"),
    "families.import.uploaded": _("Target-group file uploaded for preview"),
    "families.import.discarded": _("Target-group file discarded"),
    "families.import.committed": _("Target group imported"),
    "families.import.family_created": _("Family registered by import"),
    "families.import.family_updated": _("Family changed by import"),
    "families.import.person_created": _("Person registered by import"),
    "families.import.person_updated": _("Person changed by import"),
    # families.staffing: four eyes and handover
    "families.grant.requested": _("Access to a family asked for (awaiting approval)"),
    "families.grant.approved": _("Access to a family approved"),
    "families.grant.rejected": _("Access to a family rejected"),
    "families.grant.withdrawn": _("Request for access to a family withdrawn"),
    "families.handover.made": _("Families handed over"),
    "families.assignment.handed_over": _("Assignment handed over"),
}
