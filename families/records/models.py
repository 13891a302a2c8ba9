"""Journal notes (notatpligt) and documents of a family (issue 13 §1–2)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bi18.rules import rule


class NoteKind(models.TextChoices):
    CONVERSATION = "conversation", _("Conversation")
    PHONE = "phone", _("Phone call")
    MEETING = "meeting", _("Meeting")
    HOME_VISIT = "home_visit", _("Home visit")
    EMAIL = "email", _("E-mail")
    OBSERVATION = "observation", _("Observation")
    OTHER = "other", _("Other")


class Note(models.Model):
    """A dated journal note. Locked `note_lock_hours` after it was written; after that it
    is corrected only by an addendum. Never deleted except by the retention rule."""

    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="journal_notes"
    )
    # Empty: about the whole family.
    people = models.ManyToManyField(
        "families.Person", verbose_name=_("about"), blank=True, related_name="journal_notes"
    )
    occurred_at = models.DateTimeField(_("date and time of the event"))
    kind = models.CharField(_("kind"), max_length=20, choices=NoteKind.choices)
    heading = models.CharField(_("heading"), max_length=200)
    text = models.TextField(_("text"), max_length=20000)
    shareable_with_uu = models.BooleanField(
        _("shareable with youth guidance (UU)"),
        default=False,
        help_text=_("Only for notes about the whole family: UU and retention counsellors see it."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("journal note")
        verbose_name_plural = _("journal notes")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["family", "-occurred_at"], name="note_family_occurred"),
            models.Index(fields=["author", "-occurred_at"], name="note_author_occurred"),
        ]

    def __str__(self) -> str:
        return self.heading

    def locks_at(self) -> datetime.datetime:
        return self.created_at + datetime.timedelta(hours=int(rule("note_lock_hours")))

    def is_locked(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.locks_at()


class NoteAddendum(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="addenda")
    text = models.TextField(_("addendum"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.note}: {self.text[:40]}"


class DocumentKind(models.TextChoices):
    CONSENT_FORM = "consent_form", _("Signed consent form")
    LETTER = "letter", _("Letter")
    STATEMENT = "statement", _("Statement or report")
    CERTIFICATE = "certificate", _("Certificate or diploma")
    CV = "cv", _("CV or application")
    OTHER = "other", _("Other")


class Document(models.Model):
    """A file about a family, one of its people, a meeting or a note. The content is
    stored encrypted (CPR_ENCRYPTION_KEY) under a random name outside the web root."""

    family = models.ForeignKey(
        "families.Family", on_delete=models.CASCADE, related_name="documents"
    )
    person = models.ForeignKey(
        "families.Person",
        verbose_name=_("about"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    note = models.ForeignKey(
        Note,
        verbose_name=_("journal note"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    # A plain id: meetings belong to a higher app (networkgroup) that families never imports.
    meeting_id = models.BigIntegerField(_("meeting"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    shareable_with_uu = models.BooleanField(_("shareable with youth guidance (UU)"), default=False)
    file_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["family", "-date"], name="document_family_date"),
            models.Index(fields=["meeting_id"], name="document_meeting"),
        ]

    def __str__(self) -> str:
        return self.title
