from django.utils.translation import gettext_lazy as _

EVENTS = {
    "records.notes.viewed": _("Journal notes viewed"),
    "records.notes.searched": _("Journal notes searched"),
    "records.note.created": _("Journal note written"),
    "records.note.changed": _("Journal note corrected before it was locked"),
    "records.note.addendum_added": _("Addendum to a journal note"),
    "records.document.uploaded": _("Document attached"),
    "records.document.downloaded": _("Document downloaded"),
}
