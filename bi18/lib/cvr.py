"""CVR numbers (the Danish company register's 8-digit id): a building block of the employment
and youth tracks (companies and internships), so it lives here, below both."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def normalize_cvr(value: str) -> str:
    """Drop spaces and an optional "DK" prefix, as CVR numbers are often written."""
    text = re.sub(r"[\s-]", "", str(value or "")).upper()
    return text.removeprefix("DK")


def validate_cvr(value: str) -> None:
    """8 digits, not starting with 0, with the modulus-11 check digit CVR numbers carry."""
    cvr = normalize_cvr(value)
    if not re.fullmatch(r"\d{8}", cvr):
        raise ValidationError(_("A CVR number has exactly 8 digits."), code="cvr_length")
    if cvr[0] == "0":
        raise ValidationError(_("A CVR number cannot start with 0."), code="cvr_zero")
    if sum(int(d) * w for d, w in zip(cvr, _WEIGHTS, strict=True)) % 11:
        raise ValidationError(
            _("This is not a valid CVR number (the check digit does not match)."),
            code="cvr_checksum",
        )
