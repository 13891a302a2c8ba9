"""Journal notes and documents in a person's insight (art. 15), and their erasure."""

from django.db.models import Q
from django.utils.translation import gettext as _

from families.privacy import model_rows
from families.records import storage
from families.records.models import Document, Note, NoteAddendum
from families.registry import PersonalData


def _notes_about(person):
    """Notes about this person (alone or with others) and about the whole family."""
    return (
        Note.objects.filter(family_id=person.family_id)
        .filter(Q(people=person) | Q(people__isnull=True))
        .distinct()
    )


def insight(person) -> dict[str, list[dict]]:
    notes = _notes_about(person)
    documents = Document.objects.filter(family_id=person.family_id).filter(
        Q(person=person) | Q(person__isnull=True, note__isnull=True) | Q(note__in=notes)
    )
    return {
        _("Journal notes"): model_rows(notes, skip=("family",)),
        _("Addenda to journal notes"): model_rows(
            NoteAddendum.objects.filter(note__in=notes).select_related("note")
        ),
        _("Documents (list)"): model_rows(
            documents, skip=("family", "person", "sha256", "storage_name", "meeting_id")
        ),
    }


def erase(family) -> int:
    """Delete the family's notes and documents, the stored files included."""
    names = list(Document.objects.filter(family=family).values_list("storage_name", flat=True))
    deleted = Document.objects.filter(family=family).delete()[0]
    deleted += Note.objects.filter(family=family).delete()[0]
    for name in names:
        storage.remove(name)
    return deleted


SOURCE = PersonalData(key="records", order=20, insight=insight, erase=erase)
