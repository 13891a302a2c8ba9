from django.utils.translation import gettext_lazy as _

SNOOZED = "worklist.item.snoozed"
SNOOZE_REMOVED = "worklist.item.snooze_removed"

EVENTS = {
    SNOOZED: _("Work item snoozed"),
    SNOOZE_REMOVED: _("Work item snooze removed"),
}
