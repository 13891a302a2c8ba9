"""Issue 13 in headless Chromium: a caseworker writes a journal note, attaches a document,
finds the note by search, sees it locked the next day (clock moved) and adds an addendum;
bad uploads are refused in Danish; the UU counsellor does not see a parent's note and
loses access in the same request as UU's consent is withdrawn; an administrator erases a
family past retention and its personal data is gone from pages, search and disk."""

import datetime
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bi18.accounts.roles import Role
from families.models import FamilyStatus, FamilyStatusChange, Person
from families.records.models import Document, Note
from families.retention.tasks import list_due
from tests.browser.conftest import log_in
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _log_out(page):
    page.context.clear_cookies()


def test_caseworker_note_document_search_lock_addendum_and_uu_scope(
    page, screenshot, family, caseworker, settings
):
    uu = UserFactory(username="uu", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    amina = family.people.get(first_name="Amina")
    log_in(page, caseworker)
    page.goto(reverse("families:detail", args=[family.pk]))
    screenshot("family-page")
    page.locator(f"main a[href='{reverse('records:note_create', args=[family.pk])}']").first.click()
    page.locator("input[name=occurred_at]").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.locator("select[name=kind]").select_option("home_visit")
    page.locator("input[name=heading]").fill("Hjemmebesøg om praktik")
    page.locator("textarea[name=text]").fill("Amina vil gerne i praktik i et supermarked.")
    page.locator(f"input[name=people][value='{amina.pk}']").check()
    screenshot("note-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    note = Note.objects.get()
    assert page.url.endswith(reverse("records:note", args=[note.pk]))

    # Attach a document to the note; first a renamed text file, then a real PDF.
    page.locator("input[name=title]").fill("Praktikaftale")
    page.locator("select[name=kind]").select_option("letter")
    page.locator("input[name=file]").set_input_files(
        {"name": "aftale.pdf", "mimeType": "application/pdf", "buffer": b"Ikke en PDF\n" * 50}
    )
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    screenshot("wrong-type-refused")
    assert "ikke en PDF, et billede eller et Office-dokument" in page.locator("main").inner_text()
    assert page.locator("input[name=title]").input_value() == "Praktikaftale"  # kept
    assert not Document.objects.exists()
    settings.DOCUMENT_MAX_BYTES = 1000
    page.locator("input[name=title]").fill("Praktikaftale")
    page.locator("input[name=file]").set_input_files(
        {"name": "stor.pdf", "mimeType": "application/pdf", "buffer": PDF + b"x" * 5000}
    )
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    assert "Filen er for stor" in page.locator("main").inner_text()
    settings.DOCUMENT_MAX_BYTES = 20_000_000
    page.locator("input[name=title]").fill("Praktikaftale")
    page.locator("input[name=file]").set_input_files(
        {"name": "aftale.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    screenshot("note-with-document")
    document = Document.objects.get()
    assert document.note == note
    with page.expect_download() as download:
        page.locator(
            f"a[href='{reverse('records:document_download', args=[document.pk])}']"
        ).click()
    assert Path(download.value.path()).read_bytes() == PDF

    # Find it by searching the text.
    page.goto(reverse("records:notes", args=[family.pk]))
    page.locator("input[name=q]").fill("supermarked")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_load_state()
    screenshot("search")
    assert "Hjemmebesøg om praktik" in page.locator("main").inner_text()

    # The next day: the clock moves 25 hours; the note is locked, an addendum corrects it.
    later = timezone.now() + datetime.timedelta(hours=25)
    with mock.patch("django.utils.timezone.now", return_value=later):
        _log_out(page)
        log_in(page, caseworker)
        page.goto(reverse("records:note", args=[note.pk]))
        assert "Låst" in page.locator("main").inner_text()
        assert (
            page.locator(f"a[href='{reverse('records:note_edit', args=[note.pk])}']").count() == 0
        )
        page.locator("textarea[name=text]").fill("Rettelse: praktikken er i Netto, ikke Føtex.")
        page.locator(
            f"form[action='{reverse('records:note_addendum', args=[note.pk])}'] button"
        ).click()
        page.wait_for_load_state()
        screenshot("locked-with-addendum")
        body = page.locator("main").inner_text()
        assert "Rettelse: praktikken er i Netto" in body
        assert "Amina vil gerne i praktik i et supermarked." in body  # the original is kept

    page.goto(reverse("records:documents", args=[family.pk]))
    screenshot("documents")
    assert "Praktikaftale" in page.locator("main").inner_text()
    page.goto(reverse("history:family", args=[family.pk]))
    screenshot("history")

    # UU: a note about a child is seen, the note about the parent is not.
    sara = family.people.get(first_name="Sara")
    from families.records import services
    from families.records.access import scope_for

    services.note_create(
        actor=caseworker, family=family, scope=scope_for(caseworker, family), kind="conversation",
        heading="Skolesamtale om Sara", text="Sara trives.", people=[sara],
        occurred_at=timezone.now() - datetime.timedelta(hours=2),
    )  # fmt: skip
    _log_out(page)
    log_in(page, uu)
    page.goto(reverse("records:notes", args=[family.pk]))
    screenshot("uu-notes")
    body = page.locator("main").inner_text()
    assert "Skolesamtale om Sara" in body and "Hjemmebesøg om praktik" not in body
    response = page.goto(reverse("records:note", args=[note.pk]))
    assert response.status == 404


def test_withdrawing_uu_consent_removes_uu_access_at_once(
    page, browser, live_server, screenshot, family, caseworker
):
    uu = UserFactory(username="uu", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    family_url = reverse("families:detail", args=[family.pk])
    uu_context = browser.new_context(base_url=live_server.url, locale="da-DK")
    uu_page = uu_context.new_page()
    log_in(uu_page, uu)
    assert uu_page.goto(family_url).status == 200

    log_in(page, caseworker)
    page.goto(reverse("consent:family", args=[family.pk]))
    screenshot("consent-page")
    row = page.locator("tr", has_text="Ungdommens Uddannelsesvejledning (UU)")
    row.locator("summary").click()
    row.locator("textarea[name=note]").fill("Moren trak samtykket til UU tilbage.")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    screenshot("consent-withdrawn")
    assert "1 bruger(e) mistede adgangen" in page.locator("main").inner_text()
    # The UU counsellor's very next request is refused.
    assert uu_page.goto(family_url).status == 404
    uu_context.close()


def test_administrator_erases_a_family_past_retention(
    page, screenshot, family, caseworker, administrator
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from families.records import services
    from families.records.access import scope_for

    document = services.document_upload(
        actor=caseworker, family=family, scope=scope_for(caseworker, family),
        upload=SimpleUploadedFile("attest.pdf", PDF), title="Attest", kind="certificate",
        date=timezone.localdate(),
    )  # fmt: skip
    stored = Path(settings.STORAGES["documents"]["OPTIONS"]["location"]) / document.storage_name
    family.status = FamilyStatus.COMPLETED
    family.save(update_fields=["status"])
    FamilyStatusChange.objects.create(
        family=family, from_status="active", to_status="completed", reason="Afsluttet",
        changed_by=caseworker, changed_at=timezone.now() - datetime.timedelta(days=6 * 366),
    )  # fmt: skip
    list_due()
    log_in(page, administrator)
    page.goto(reverse("retention:review"))
    screenshot("retention-list")
    assert family.case_number in page.locator("main").inner_text()
    page.locator(f"a[href='{reverse('retention:erase', args=[family.pk])}']").click()
    page.locator("input[name=case_number]").fill("BI18-9999")
    page.locator("main form[novalidate] button[type=submit]").click()
    page.wait_for_load_state()
    screenshot("erase-wrong-case-number")
    assert "Sagsnummeret passer ikke til familien" in page.locator("main").inner_text()
    page.locator("input[name=case_number]").fill(family.case_number)
    page.locator("main form[novalidate] button[type=submit]").click()
    page.wait_for_load_state()
    screenshot("erased")
    assert "blev slettet" in page.locator("main").inner_text()
    assert not stored.exists()
    assert not Person.objects.filter(first_name__in=["Amina", "Omar", "Sara", "Ali"]).exists()
    _log_out(page)
    log_in(page, caseworker)
    assert page.goto(reverse("families:detail", args=[family.pk])).status == 404


def test_administrator_produces_a_persons_insight(
    page, screenshot, family, caseworker, administrator
):
    import io
    import json
    import zipfile

    from families.records import services
    from families.records.access import scope_for

    amina = family.people.get(first_name="Amina")
    services.note_create(
        actor=caseworker, family=family, scope=scope_for(caseworker, family), kind="phone",
        heading="Opkald om praktik", text="Amina ringede.", people=[amina],
        occurred_at=timezone.now() - datetime.timedelta(hours=3),
    )  # fmt: skip
    log_in(page, administrator)
    page.goto(reverse("insight:start"))
    page.locator("input[name=cpr]").fill("120385-4012")
    page.locator("input[name=purpose]").fill("Anmodning om indsigt, j.nr. 2026-117")
    page.locator("main form[novalidate] button[type=submit]").click()
    page.wait_for_load_state()
    screenshot("insight-summary")
    body = page.locator("main").inner_text()
    assert "Amina Hassan" in body and "Journalnotater" in body
    assert "120385-4012" not in page.url
    # The ZIP holds a PDF too (WeasyPrint): allow it time on a busy machine.
    with page.expect_download(timeout=120_000) as download:
        page.locator(f"form[action='{reverse('insight:download', args=['zip'])}'] button").click(
            timeout=120_000, no_wait_after=True
        )
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    data = json.loads(archive.read("indsigt.json"))
    assert data["Person"] == "Amina Hassan"
    assert "Opkald om praktik" in json.dumps(data, ensure_ascii=False)
    assert "Omar" not in json.dumps(data, ensure_ascii=False)
