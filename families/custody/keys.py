"""The start-up check of the CPR keys against the stored fingerprint, and rotation.

Without the right CPR_HASH_KEY a CPR search silently finds nobody; without the right
CPR_ENCRYPTION_KEY no CPR number (and no document) can be decrypted. Both are caught
here, before any page is served, with a message that says which key is wrong.
"""

import hashlib
import hmac
import logging
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from families.cpr import cpr_hash, decrypt_cpr, fernet

logger = logging.getLogger(__name__)
_FINGERPRINT_TEXT = b"bi18-cpr-hash-key-fingerprint"
_CANARY_TEXT = b"bi18-cpr-encryption-key-canary"


@dataclass(frozen=True)
class KeyCheck:
    ok: bool
    problems: tuple[str, ...] = ()


def hash_fingerprint() -> str:
    return hmac.new(settings.CPR_HASH_KEY.encode(), _FINGERPRINT_TEXT, hashlib.sha256).hexdigest()


def _check_sample_person() -> list[str]:
    """Before a fingerprint is stored (an existing database): one person's stored CPR
    hash and token must agree with the configured keys."""
    from families.models import Person

    person = Person.objects.exclude(cpr_hash=None).exclude(cpr_encrypted="").first()
    if person is None:
        return []
    try:
        cpr = decrypt_cpr(person.cpr_encrypted)
    except Exception:
        return ["CPR_ENCRYPTION_KEY"]
    return [] if cpr_hash(cpr) == person.cpr_hash else ["CPR_HASH_KEY"]


def check_keys() -> KeyCheck:
    """Compare the configured keys with the stored fingerprint. A pure read (it runs
    before every request is served): before a fingerprint is stored, one stored person is
    checked instead; `store_fingerprint` (after every migrate) stores it."""
    from families.custody.models import KeyFingerprint

    stored = KeyFingerprint.objects.filter(pk=1).first()
    if stored is None:
        problems = _check_sample_person()
        return KeyCheck(not problems, tuple(problems))
    problems = []
    if not hmac.compare_digest(stored.hash_fingerprint, hash_fingerprint()):
        problems.append("CPR_HASH_KEY")
    try:
        fernet().decrypt(stored.canary.encode())
    except InvalidToken:
        problems.append("CPR_ENCRYPTION_KEY")
    return KeyCheck(not problems, tuple(problems))


def store_fingerprint() -> KeyCheck:
    """check_keys(), and store the fingerprint of the configured keys if none is stored
    and they pass. Run after every `migrate` (the deploy step, with the app's keys) and
    by check_cpr_keys, so that no page request writes it."""
    from families.custody.models import KeyFingerprint

    result = check_keys()
    if result.ok:
        with transaction.atomic():
            KeyFingerprint.objects.get_or_create(
                pk=1,
                defaults={
                    "hash_fingerprint": hash_fingerprint(),
                    "canary": fernet().encrypt(_CANARY_TEXT).decode(),
                },
            )
    return result


def store_fingerprint_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: store the keys' fingerprint once the tables exist. Wrong keys are
    logged, not raised: the migration must not fail for them; every page then says so."""
    if using != "default":
        return
    try:
        result = store_fingerprint()
    except DatabaseError:  # a partial migrate: the tables are not there yet
        return
    if not result.ok:
        logger.error("CPR keys do not match the stored data: %s", ", ".join(result.problems))


_verified = False


def keys_verified() -> KeyCheck:
    """check_keys() once per process while it passes (cheap on every later request)."""
    global _verified  # noqa: PLW0603 - a per-process start-up check
    if _verified:
        return KeyCheck(True)
    try:
        result = check_keys()
    except DatabaseError:
        # No tables yet (before migrate) or no database: not a key problem; /healthz says so.
        return KeyCheck(True)
    if result.ok:
        _verified = True
    else:
        logger.error("CPR keys do not match the stored data: %s", ", ".join(result.problems))
    return result


def reset_verified() -> None:
    global _verified  # noqa: PLW0603
    _verified = False


def rotate(*, chunk_size: int = 2000) -> dict[str, int]:
    """Re-encrypt everything under the first CPR_ENCRYPTION_KEY (MultiFernet.rotate):
    CPR numbers, stored documents, pending imports, and the canary. Safe to repeat and to
    interrupt (each chunk commits; a re-encrypted token still decrypts)."""
    from families.custody.models import KeyFingerprint
    from families.models import Person, TargetGroupImport
    from families.registry import encrypted_stores

    multi = fernet()
    counts = {"people": 0, "imports": 0}
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                Person.objects.filter(pk__gt=last)
                .exclude(cpr_encrypted="")
                .order_by("pk")
                .only("pk", "cpr_encrypted")[:chunk_size]
            )
            if not batch:
                break
            for person in batch:
                person.cpr_encrypted = multi.rotate(person.cpr_encrypted.encode()).decode()
            Person.objects.bulk_update(batch, ["cpr_encrypted"])
        counts["people"] += len(batch)
        last = batch[-1].pk
    for upload in TargetGroupImport.objects.exclude(data_encrypted=b""):
        upload.data_encrypted = multi.rotate(bytes(upload.data_encrypted))
        upload.save(update_fields=["data_encrypted"])
        counts["imports"] += 1
    for store in encrypted_stores():
        counts[store.key] = store.rotate(multi)
    KeyFingerprint.objects.update_or_create(
        pk=1,
        defaults={
            "hash_fingerprint": hash_fingerprint(),
            "canary": multi.encrypt(_CANARY_TEXT).decode(),
            "rotated_at": timezone.now(),
        },
    )
    return counts
