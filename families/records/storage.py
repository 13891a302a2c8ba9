"""Where document content lives: encrypted under CPR_ENCRYPTION_KEY, under a random
name, in the "documents" storage (settings.STORAGES: a local directory outside the
web root by default, S3-compatible storage through django-storages when configured)."""

import hashlib
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from families.cpr import decrypt_bytes, encrypt_bytes
from families.registry import EncryptedStore


def _storage():
    return storages["documents"]


def new_storage_name() -> str:
    # No file name, no family id: the store itself reveals nothing about whom a file is.
    return f"{secrets.token_hex(2)}/{secrets.token_hex(24)}.bin"


def store(content: bytes) -> tuple[str, str]:
    """Encrypt and save; returns (storage name, sha256 of the plain content)."""
    name = new_storage_name()
    saved = _storage().save(name, ContentFile(encrypt_bytes(content)))
    return saved, hashlib.sha256(content).hexdigest()


def load(name: str) -> bytes:
    """The plain content. Raises KeyMismatchError-like InvalidToken for a wrong key."""
    with _storage().open(name, "rb") as f:
        return decrypt_bytes(f.read())


def remove(name: str) -> None:
    _storage().delete(name)


def _rotate(fernet) -> int:
    """Re-encrypt each file under a new name, point the row at it, then delete the old
    file: a crash at any step leaves at most an orphan file, never a document without one."""
    from django.db import transaction

    from families.records.models import Document

    count = 0
    storage = _storage()
    rows = Document.objects.only("pk", "storage_name").order_by("pk")
    for document in rows.iterator(chunk_size=500):
        with storage.open(document.storage_name, "rb") as f:
            token = f.read()
        new_name = storage.save(new_storage_name(), ContentFile(fernet.rotate(token)))
        with transaction.atomic():
            Document.objects.filter(pk=document.pk).update(storage_name=new_name)
        storage.delete(document.storage_name)
        count += 1
    return count


STORE = EncryptedStore(key="documents", rotate=_rotate)
