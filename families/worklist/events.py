from django.utils.translation import gettext_lazy as _

VIEWED = "deadlines.worklist.viewed"
SNOOZED = "worklist.item.snoozed"
SNOOZE_REMOVED = "worklist.item.snooze_removed"

EVENTS = {
    VIEWED: _("My work viewed"),
    SNOOZED: _("Work item snoozed"),
    SNOOZE_REMOVED: _("Work item snooze removed"),
}
