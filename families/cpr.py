"""Danish CPR numbers: validation, keyed hashing, encryption at rest and masking.

A CPR number is never a key, never in a URL or a log. It is stored twice:
an HMAC (exact search) and a Fernet token (for the audited reveal).
"""

import base64
import datetime
import functools
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bi18.lib.cpr import CPR_EXACT, looks_like_cpr

__all__ = ["Cpr", "cpr_hash", "decrypt_cpr", "encrypt_cpr", "looks_like_cpr", "parse_cpr"]
_MOD11_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
MASK = "••••"


@dataclass(frozen=True)
class Cpr:
    digits: str  # ten digits, no dash
    birth_date: datetime.date

    @property
    def formatted(self) -> str:
        return f"{self.digits[:6]}-{self.digits[6:]}"

    @property
    def masked(self) -> str:
        return f"{self.digits[:6]}-{MASK}"

    @property
    def passes_modulus_11(self) -> bool:
        return sum(int(d) * w for d, w in zip(self.digits, _MOD11_WEIGHTS, strict=True)) % 11 == 0


def century(yy: int, seventh_digit: int) -> int:
    """The CPR office's century rule: the 7th digit and the year give the century."""
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if yy <= 36 else 1900
    # 5–8
    return 2000 if yy <= 57 else 1800


def parse_cpr(value: str) -> Cpr:
    """Parse `DDMMYY-SSSS` (dash or space optional). Raises ValidationError.

    Does not reject on modulus 11: numbers issued since 2007 need not pass it.
    """
    match = CPR_EXACT.match(value or "")
    if not match:
        raise ValidationError(_("A CPR number has ten digits: DDMMYY-SSSS."), code="cpr_format")
    dd, mm, yy, serial = match.groups()
    year = century(int(yy), int(serial[0])) + int(yy)
    try:
        birth = datetime.date(year, int(mm), int(dd))
    except ValueError:
        raise ValidationError(
            _("The first six digits of the CPR number are not a real date."), code="cpr_date"
        ) from None
    return Cpr(digits=f"{dd}{mm}{yy}{serial}", birth_date=birth)


def cpr_hash(value: str | Cpr) -> str:
    """Keyed hash (HMAC-SHA256) used for exact search. Raises ValidationError on bad input."""
    cpr = value if isinstance(value, Cpr) else parse_cpr(value)
    key = settings.CPR_HASH_KEY.encode()
    return hmac.new(key, cpr.digits.encode(), hashlib.sha256).hexdigest()


def _one_key(key: str) -> Fernet:
    try:
        return Fernet(key)
    except ValueError:
        # Accept any secret string: derive a proper 32-byte urlsafe key from it.
        return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


def encryption_keys() -> list[str]:
    """CPR_ENCRYPTION_KEY holds one key, or several separated by commas while a key is
    rotated: the first encrypts, all of them decrypt (README, key custody)."""
    return [k.strip() for k in settings.CPR_ENCRYPTION_KEY.split(",") if k.strip()]


def fernet() -> MultiFernet:
    return _fernet_for(tuple(encryption_keys()))


@functools.lru_cache(maxsize=8)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    # Built once per key setting: deriving the keys cost ≈ 150 µs a call, paid for every
    # person the demo seeder or an import encrypts. Keyed by the keys, so a rotation (or a
    # test's override) takes effect at once.
    return MultiFernet([_one_key(k) for k in keys])


class KeyMismatchError(Exception):
    """Data encrypted under a key that the configured keys cannot decrypt."""


def encrypt_cpr(cpr: Cpr) -> str:
    return fernet().encrypt(cpr.digits.encode()).decode()


def decrypt_cpr(token: str) -> Cpr:
    """Raises KeyMismatchError when CPR_ENCRYPTION_KEY does not decrypt the token."""
    try:
        return parse_cpr(fernet().decrypt(token.encode()).decode())
    except InvalidToken:
        raise KeyMismatchError from None


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt other data holding CPR numbers (an uploaded file) with the same key."""
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return fernet().decrypt(bytes(token))
