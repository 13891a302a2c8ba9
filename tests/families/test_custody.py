"""Key custody: fingerprint check at start-up, rotation, a clear error for a wrong key."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.urls import reverse

from families import services
from families.cpr import decrypt_cpr
from families.custody import keys
from families.custody.models import KeyFingerprint
from tests.factories import PersonFactory

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def _fresh_check():
    keys.reset_verified()
    yield
    keys.reset_verified()


@pytest.fixture
def stored(settings, family):
    """A database whose CPR numbers are encrypted under OLD."""
    from families.models import Person

    Person.objects.all().delete()
    KeyFingerprint.objects.all().delete()
    settings.CPR_ENCRYPTION_KEY = OLD
    person = PersonFactory(family=family, first_name="Nadia", cpr="010203-4005")
    assert keys.store_fingerprint().ok
    return person


def test_the_stored_fingerprint_passes_the_same_keys(stored):
    assert KeyFingerprint.objects.count() == 1
    assert keys.check_keys().ok


def test_migrate_stores_the_fingerprint_and_a_page_request_never_does(
    settings, login, caseworker, family
):
    KeyFingerprint.objects.all().delete()
    response = login(caseworker).get(reverse("families:detail", args=[family.pk]))
    assert response.status_code == 200  # checked against a stored person instead
    assert not KeyFingerprint.objects.exists()
    call_command("migrate", verbosity=0)
    stored = KeyFingerprint.objects.get()
    assert stored.hash_fingerprint == keys.hash_fingerprint()
    assert keys.check_keys().ok


def test_check_cpr_keys_stores_the_fingerprint_when_none_is_stored(db):
    KeyFingerprint.objects.all().delete()
    call_command("check_cpr_keys")
    assert KeyFingerprint.objects.count() == 1


def test_a_wrong_encryption_key_is_named_and_pages_say_so_instead_of_failing(
    stored, settings, login, caseworker, family
):
    settings.CPR_ENCRYPTION_KEY = NEW
    assert keys.check_keys().problems == ("CPR_ENCRYPTION_KEY",)
    response = login(caseworker).get(reverse("families:detail", args=[family.pk]))
    assert response.status_code == 503
    assert "CPR-nøglerne passer ikke til databasen" in response.content.decode()
    health = login(caseworker).get(reverse("healthz"))
    assert health.status_code == 503 and health.json()["checks"]["cpr_keys"] == "error"


def test_a_wrong_hash_key_is_caught_before_a_search_finds_nobody(stored, settings):
    settings.CPR_HASH_KEY = "another-hash-key"
    assert keys.check_keys().problems == ("CPR_HASH_KEY",)
    with pytest.raises(Exception, match="CPR_HASH_KEY"):
        call_command("check_cpr_keys")


def test_an_existing_database_without_a_fingerprint_is_checked_against_a_person(stored, settings):
    KeyFingerprint.objects.all().delete()
    settings.CPR_ENCRYPTION_KEY = NEW
    assert keys.check_keys().problems == ("CPR_ENCRYPTION_KEY",)
    assert not KeyFingerprint.objects.exists()


def test_reveal_with_an_undecryptable_number_is_a_clear_error_not_a_500(
    stored, settings, caseworker
):
    settings.CPR_ENCRYPTION_KEY = NEW
    with pytest.raises(services.ServiceError, match="CPR_ENCRYPTION_KEY"):
        services.person_reveal_cpr(actor=caseworker, person=stored, purpose="Sagsbehandling")


def test_rotation_re_encrypts_under_the_new_key_and_the_old_key_can_go(stored, settings):
    settings.CPR_ENCRYPTION_KEY = f"{NEW},{OLD}"
    assert keys.check_keys().ok  # old keys still decrypt
    call_command("rotate_encryption_key")
    settings.CPR_ENCRYPTION_KEY = NEW
    stored.refresh_from_db()
    assert decrypt_cpr(stored.cpr_encrypted).formatted == "010203-4005"
    assert keys.check_keys().ok
    assert KeyFingerprint.objects.get().rotated_at is not None


def test_rotation_re_encrypts_documents_too(stored, settings, caseworker, family):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from families.records import services as records
    from families.records import storage
    from families.records.access import scope_for

    document = records.document_upload(
        actor=caseworker, family=family, scope=scope_for(caseworker, family),
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\nrotate me\n%%EOF\n"), title="A",
        date=stored.date_of_birth, kind="other",
    )  # fmt: skip
    settings.CPR_ENCRYPTION_KEY = f"{NEW},{OLD}"
    call_command("rotate_encryption_key")
    settings.CPR_ENCRYPTION_KEY = NEW
    document.refresh_from_db()
    assert storage.load(document.storage_name) == b"%PDF-1.4\nrotate me\n%%EOF\n"
