from django.db import models
from django.utils import timezone


class KeyFingerprint(models.Model):
    """One row: proof of which CPR keys the stored data belongs to (issue 13 §6).

    `hash_fingerprint` is an HMAC of a fixed text under CPR_HASH_KEY; `canary` a Fernet
    token of a fixed text under CPR_ENCRYPTION_KEY. Neither reveals a key, and a process
    started with the wrong key sees the mismatch before it searches or decrypts.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    hash_fingerprint = models.CharField(max_length=64)
    canary = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_key_fingerprint")]

    def __str__(self) -> str:
        return f"CPR key fingerprint {self.hash_fingerprint[:8]}…"
