"""Journal notes and documents (issue 13 §1–2)."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from families.records import services
from families.records.access import notes_visible, scope_for
from families.records.models import Document, Note
from tests.factories import UserFactory, add_member, assign

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SECRET_LINE = b"Fortroligt udsagn om familien Hassan"


def pdf(name="samtale.pdf", extra=b""):
    return SimpleUploadedFile(name, PDF + SECRET_LINE + extra, content_type="application/pdf")


@pytest.fixture
def people(family):
    return {p.first_name: p for p in family.people.all()}


@pytest.fixture
def uu(family):
    user = UserFactory(username="uu", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(family, user, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    return user


def _note(family, author, *, people=(), heading="Samtale", shareable=False, text="Tekst"):
    return services.note_create(
        actor=author,
        family=family,
        scope=scope_for(author, family),
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        kind="conversation",
        heading=heading,
        text=text,
        people=list(people),
        shareable_with_uu=shareable,
    )


def _as_is(note, text: str) -> dict:
    """The note's fields as they are, with a new text."""
    return {
        "occurred_at": note.occurred_at,
        "kind": note.kind,
        "heading": note.heading,
        "text": text,
    }


def test_a_caseworker_writes_a_note_attaches_a_document_and_finds_it(
    login, family, caseworker, people
):
    client = login(caseworker)
    response = client.post(
        reverse("records:note_create", args=[family.pk]),
        {
            "occurred_at": "2026-11-30T10:15",
            "kind": "home_visit",
            "heading": "Hjemmebesøg hos Amina",
            "text": "Amina fortalte om sin praktik i Netto.",
            "people": [people["Amina"].pk],
        },
        follow=True,
    )
    note = Note.objects.get()
    assert "Hjemmebesøg hos Amina" in response.content.decode()
    response = client.post(
        reverse("records:documents", args=[family.pk]),
        {
            "note": note.pk,
            "title": "Praktikaftale",
            "date": "2026-11-30",
            "kind": "letter",
            "file": pdf(),
        },
        follow=True,
    )
    assert "Praktikaftale" in response.content.decode()
    document = Document.objects.get()
    assert document.note == note and document.content_type == "application/pdf"
    found = client.get(reverse("records:notes", args=[family.pk]), {"q": "netto"}).content.decode()
    assert "Hjemmebesøg hos Amina" in found
    assert AuditEvent.objects.filter(
        event="records.notes.searched", detail__criterion="netto"
    ).exists()
    none = client.get(reverse("records:notes", args=[family.pk]), {"q": "Føtex"}).content.decode()
    assert "Hjemmebesøg hos Amina" not in none and "Ingen notater passer" in none


def test_a_note_locks_after_24_hours_and_is_then_corrected_only_by_addendum(
    login, family, caseworker, people
):
    note = _note(family, caseworker, people=[people["Amina"]], text="Oprindelig tekst")
    client = login(caseworker)
    edit = reverse("records:note_edit", args=[note.pk])
    data = {"occurred_at": "2026-11-30T10:15", "kind": "phone", "heading": "Rettet", "text": "Ny"}
    # The next day: the clock has moved 24 hours and a minute past the writing.
    Note.objects.filter(pk=note.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=24, minutes=1)
    )
    response = client.post(edit, data, follow=True)
    assert "Notatet er låst" in response.content.decode()
    client.post(
        reverse("records:note_addendum", args=[note.pk]), {"text": "Rettelse: det var tirsdag."}
    )
    page = client.get(reverse("records:note", args=[note.pk])).content.decode()
    note.refresh_from_db()
    assert note.text == "Oprindelig tekst" and note.heading == "Samtale"
    assert "Rettelse: det var tirsdag." in page and "Oprindelig tekst" in page and "Låst" in page
    with pytest.raises(services.RecordError):
        services.note_update(actor=caseworker, note=note, version=note.version, **_as_is(note, "x"))


def test_the_lock_is_configurable(family, caseworker, people, settings):
    settings.BI18_RULES = {"note_lock_hours": 48}
    note = _note(family, caseworker, people=[people["Amina"]])
    Note.objects.filter(pk=note.pk).update(created_at=timezone.now() - datetime.timedelta(hours=30))
    note.refresh_from_db()
    assert not note.is_locked()
    services.note_update(
        actor=caseworker, note=note, version=note.version, **_as_is(note, "Rettet")
    )
    note.refresh_from_db()
    assert note.text == "Rettet" and note.heading == "Samtale"


def test_the_author_may_correct_a_note_before_it_locks(
    login, family, caseworker, other_caseworker, people
):
    add_member(family, other_caseworker)
    note = _note(family, caseworker, people=[people["Amina"]])
    data = {
        "occurred_at": "2026-11-30T10:15",
        "kind": "phone",
        "heading": "Telefon",
        "text": "Rettet",
    }
    assert (
        login(other_caseworker).post(reverse("records:note_edit", args=[note.pk]), data).status_code
        == 404
    )
    login(caseworker).post(reverse("records:note_edit", args=[note.pk]), data)
    note.refresh_from_db()
    assert (note.heading, note.text) == ("Telefon", "Rettet")


def test_uu_sees_the_young_peoples_notes_and_shareable_family_notes_only(
    login, family, caseworker, uu, people
):
    _note(family, caseworker, people=[people["Amina"]], heading="Om moren")
    _note(family, caseworker, people=[people["Sara"]], heading="Om Sara")
    _note(family, caseworker, people=[people["Sara"], people["Omar"]], heading="Sara og far")
    _note(family, caseworker, heading="Hele familien, delbar", shareable=True)
    _note(family, caseworker, heading="Hele familien, intern")
    page = login(uu).get(reverse("records:notes", args=[family.pk])).content.decode()
    assert "Om Sara" in page and "Hele familien, delbar" in page
    for hidden in ("Om moren", "Sara og far", "Hele familien, intern"):
        assert hidden not in page
    mother_note = Note.objects.get(heading="Om moren")
    assert login(uu).get(reverse("records:note", args=[mother_note.pk])).status_code == 404


def test_a_job_mentor_sees_only_notes_about_their_parent(
    login, family, caseworker, job_mentor, people
):
    assign(people["Amina"], job_mentor)
    _note(family, caseworker, people=[people["Amina"]], heading="Om Amina")
    _note(family, caseworker, people=[people["Omar"]], heading="Om Omar")
    _note(family, caseworker, heading="Hele familien", shareable=True)
    assert [n.heading for n in notes_visible(job_mentor, family)] == ["Om Amina"]


def test_uu_cannot_write_about_a_parent(family, uu, people):
    with pytest.raises(services.RecordError):
        _note(family, uu, people=[people["Amina"]])
    with pytest.raises(services.RecordError):
        _note(family, uu)  # the whole family: members only
    assert _note(family, uu, people=[people["Sara"]]).people.get() == people["Sara"]


def test_a_file_of_another_type_renamed_to_pdf_is_refused(login, family, caseworker):
    fake = SimpleUploadedFile(
        "kontrakt.pdf", b"MZ\x90\x00 this is not a pdf " * 20, content_type="application/pdf"
    )
    response = login(caseworker).post(
        reverse("records:documents", args=[family.pk]),
        {"title": "Kontrakt", "date": "2026-11-30", "kind": "letter", "file": fake},
    )
    assert response.status_code == 400
    assert "ikke en PDF, et billede eller et Office-dokument" in response.content.decode()
    assert not Document.objects.exists()
    assert "Kontrakt" in response.content.decode()  # what was typed is kept


def test_a_file_over_the_limit_is_refused(login, family, caseworker, settings):
    settings.DOCUMENT_MAX_BYTES = 1000
    response = login(caseworker).post(
        reverse("records:documents", args=[family.pk]),
        {"title": "Stor", "date": "2026-11-30", "kind": "other", "file": pdf(extra=b"x" * 2000)},
    )
    assert "Filen er for stor" in response.content.decode()
    assert not Document.objects.exists()


def test_documents_are_encrypted_at_rest_and_downloaded_as_attachment(
    login, family, caseworker, uu, people
):
    document = services.document_upload(
        actor=caseworker, family=family, scope=scope_for(caseworker, family), upload=pdf(),
        title="Udtalelse", date=datetime.date(2026, 11, 30), kind="statement", person=people["Sara"],
    )  # fmt: skip
    on_disk = (
        Path(settings.STORAGES["documents"]["OPTIONS"]["location"]) / document.storage_name
    ).read_bytes()
    assert SECRET_LINE not in on_disk and b"%PDF" not in on_disk
    response = login(uu).get(reverse("records:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="samtale.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response.content == PDF + SECRET_LINE
    assert AuditEvent.objects.filter(event="records.document.downloaded", actor=uu).exists()


def test_a_document_about_a_parent_is_404_for_uu_and_outsiders(
    login, family, caseworker, uu, other_caseworker, people
):
    document = services.document_upload(
        actor=caseworker, family=family, scope=scope_for(caseworker, family), upload=pdf(),
        title="Lønseddel", date=datetime.date(2026, 11, 30), kind="other", person=people["Amina"],
    )  # fmt: skip
    url = reverse("records:document_download", args=[document.pk])
    assert login(uu).get(url).status_code == 404
    assert login(other_caseworker).get(url).status_code == 404
    assert (
        "Lønseddel"
        not in login(uu).get(reverse("records:documents", args=[family.pk])).content.decode()
    )


def test_the_family_page_shows_the_latest_notes(login, family, caseworker, people):
    _note(family, caseworker, people=[people["Ali"]], heading="Skolesamtale om Ali")
    page = login(caseworker).get(reverse("families:detail", args=[family.pk])).content.decode()
    assert "Journalnotater" in page and "Skolesamtale om Ali" in page


def test_the_note_list_makes_a_fixed_number_of_queries(
    login, family, caseworker, people, django_assert_max_num_queries
):
    for i in range(30):
        note = _note(
            family, caseworker, people=[people["Amina"], people["Sara"]], heading=f"Note {i}"
        )
        services.note_addendum_add(actor=caseworker, note=note, text="Tilføjelse")
    client = login(caseworker)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("records:notes", args=[family.pk]))
    assert response.content.decode().count('class="card mb-2"') == 20


def test_a_document_is_attached_to_a_meeting(login, family, caseworker, other_caseworker):
    from networkgroup.models import Meeting

    meeting = Meeting.objects.create(
        family=family, starts_at=timezone.now(), place="Rådhuset", created_by=caseworker
    )
    client = login(caseworker)
    url = reverse("networkgroup:meeting_document", args=[family.pk, meeting.pk])
    data = {
        "title": "Dagsorden",
        "date": "2026-11-30",
        "kind": "other",
        "file": pdf("dagsorden.pdf"),
    }
    response = client.post(url, data, follow=True)
    document = Document.objects.get()
    assert document.meeting_id == meeting.pk and document.person is None
    assert "Dagsorden" in response.content.decode()
    assert login(other_caseworker).post(url, data).status_code == 404


def test_the_meeting_page_fetches_the_attach_form_when_opened(
    login, family, caseworker, other_caseworker
):
    """The meeting page renders no upload form (it is fetched when "Attach document" is
    opened); without JavaScript the link opens it on a page of its own."""
    from networkgroup.models import Meeting

    meeting = Meeting.objects.create(
        family=family, starts_at=timezone.now(), place="Rådhuset", created_by=caseworker
    )
    client = login(caseworker)
    url = reverse("networkgroup:meeting_document", args=[family.pk, meeting.pk])
    page = client.get(reverse("networkgroup:meeting", args=[family.pk, meeting.pk]))
    body = page.content.decode()
    assert 'type="file"' not in body
    assert f'hx-get="{url}"' in body and f'href="{url}"' in body
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'type="file"' in partial and "<html" not in partial
    own_page = client.get(url).content.decode()
    assert "<html" in own_page and 'type="file"' in own_page and "hx-disable" in own_page
    assert login(other_caseworker).get(url).status_code == 404
    assert login(other_caseworker).get(url, HTTP_HX_REQUEST="true").status_code == 404
