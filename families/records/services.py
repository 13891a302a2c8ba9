"""Writing journal notes, addenda and documents. Each writes its audit row in the
same transaction. Nothing here deletes: only the retention rule erases."""

import datetime
import os

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.audit.services import audit_log
from bi18.lib.versioning import update_if_version
from bi18.rules import rule
from families.records import rules, storage
from families.records.access import Scope
from families.records.models import Document, Note, NoteAddendum


class RecordError(Exception):
    """A rule was broken; the message is translated and fit for the user."""


def _check_people(scope: Scope, people, *, whole_family_ok: bool) -> None:
    ids = {p.pk for p in people}
    if not ids <= scope.people:
        raise RecordError(_("You can only write about people you may see."))
    if not ids and not whole_family_ok:
        raise RecordError(_("Choose whom the note is about."))


@transaction.atomic
def note_create(
    *,
    actor,
    family,
    scope: Scope,
    occurred_at: datetime.datetime,
    kind: str,
    heading: str,
    text: str,
    people=(),
    shareable_with_uu: bool = False,
) -> Note:
    """Write a note about `people` (none: the whole family). Writing follows seeing."""
    _check_people(scope, people, whole_family_ok=scope.may_write_whole_family)
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise RecordError(_("The event cannot be in the future."))
    note = Note.objects.create(
        family=family,
        occurred_at=occurred_at,
        kind=kind,
        heading=heading,
        text=text,
        shareable_with_uu=shareable_with_uu and not people,
        author=actor,
    )
    note.people.set(people)
    audit_log(
        actor=actor,
        action="create",
        event="records.note.created",
        family=family,
        person=people[0] if len(people) == 1 else None,
        detail={"note_id": note.pk, "people": [p.pk for p in people]},
    )
    return note


@transaction.atomic
def note_update(
    *,
    actor,
    note: Note,
    version: int,
    occurred_at: datetime.datetime,
    kind: str,
    heading: str,
    text: str,
) -> Note:
    """Correct a note before it locks; only its author may. After that: an addendum."""
    if note.author_id != actor.pk:
        raise RecordError(_("Only the author can correct a note; others add an addendum."))
    if note.is_locked():
        raise RecordError(
            _("The note is locked (written more than %(hours)s hours ago): add an addendum.")
            % {"hours": rule("note_lock_hours")}
        )
    fields = {"occurred_at": occurred_at, "kind": kind, "heading": heading, "text": text}
    # The lock is checked again in the UPDATE itself: a save that races the lock loses.
    lock = datetime.timedelta(hours=int(rule("note_lock_hours")))
    unlocked = Note.objects.filter(created_at__gt=timezone.now() - lock)
    if not update_if_version(unlocked, pk=note.pk, version=version, **fields):
        raise RecordError(
            _("Someone saved the note since you opened it. Reload the note and try again.")
        )
    note.refresh_from_db()
    audit_log(
        actor=actor,
        action="change",
        event="records.note.changed",
        family=note.family,
        detail={"note_id": note.pk, "fields": sorted(fields)},
    )
    return note


@transaction.atomic
def note_addendum_add(*, actor, note: Note, text: str) -> NoteAddendum:
    if not text.strip():
        raise RecordError(_("Write the addendum."))
    addendum = NoteAddendum.objects.create(note=note, text=text.strip(), author=actor)
    audit_log(
        actor=actor,
        action="create",
        event="records.note.addendum_added",
        family=note.family,
        detail={"note_id": note.pk, "addendum_id": addendum.pk},
    )
    return addendum


def _safe_file_name(name: str) -> str:
    name = os.path.basename(name or "").replace("\x00", "").strip()
    return name[:200] or "dokument"


@transaction.atomic
def document_upload(
    *,
    actor,
    family,
    scope: Scope,
    upload,
    title: str,
    date: datetime.date,
    kind: str,
    person=None,
    note: Note | None = None,
    meeting_id: int | None = None,
    shareable_with_uu: bool = False,
) -> Document:
    """Check size and content type (libmagic), encrypt and store, record and audit.

    The caller has checked that `note` (if any) is visible to the actor. If the database
    write fails after the file was stored, the stored file is removed again."""
    if person is not None:
        _check_people(scope, [person], whole_family_ok=True)
    elif note is None and not scope.may_write_whole_family:
        raise RecordError(_("Choose whom the document is about."))
    if upload.size > rules.max_bytes():
        raise RecordError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1_000_000, 1), "limit": rules.max_bytes() // 1_000_000}
        )
    content = upload.read()
    content_type = rules.detect_type(content)
    if not rules.is_allowed(content_type):
        raise RecordError(
            _(
                "The file's content is not a PDF, an image or an Office document, whatever its "
                "name says. Upload one of those."
            )
        )
    name, digest = storage.store(content)
    try:
        document = Document.objects.create(
            family=family,
            person=person,
            note=note,
            meeting_id=meeting_id,
            title=title,
            date=date,
            kind=kind,
            shareable_with_uu=shareable_with_uu and person is None,
            file_name=_safe_file_name(upload.name),
            content_type=content_type,
            size=len(content),
            sha256=digest,
            storage_name=name,
            uploaded_by=actor,
        )
    except Exception:
        storage.remove(name)
        raise
    audit_log(
        actor=actor,
        action="create",
        event="records.document.uploaded",
        family=family,
        person=person,
        detail={"document_id": document.pk, "type": content_type, "size": len(content)},
    )
    return document


@transaction.atomic
def document_download(*, actor, document: Document) -> bytes:
    """The plain content; the read is audited."""
    audit_log(
        actor=actor,
        action="view",
        event="records.document.downloaded",
        family=document.family,
        person=document.person,
        detail={"document_id": document.pk},
    )
    return storage.load(document.storage_name)
