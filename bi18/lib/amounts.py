"""Reading DKK amounts as people type them: "1234.50", "1234,50", "1.234,50", "1 234,50"."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

_DANISH = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d{1,2})?$")  # 1.234,50
_COMMA = re.compile(r"^-?\d+(,\d{1,2})?$")  # 1234,50
_POINT = re.compile(r"^-?\d+(\.\d{1,2})?$")  # 1234.50
_ENGLISH = re.compile(r"^-?\d{1,3}(,\d{3})+\.\d{1,2}$")  # 1,234.50 (with decimals only)


class AmountError(ValueError):
    @property
    def message(self) -> str:
        return str(self.args[0])


def parse_amount(text: str) -> Decimal:
    """A Decimal with two places. Ambiguous or malformed input raises AmountError."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    for suffix in ("kr.", "kr", "DKK"):
        if value.endswith(suffix):
            value = value[: -len(suffix)]
    if _DANISH.match(value):
        value = value.replace(".", "").replace(",", ".")
    elif _COMMA.match(value):
        value = value.replace(",", ".")
    elif _ENGLISH.match(value) and not _POINT.match(value):
        value = value.replace(",", "")
    elif not _POINT.match(value):
        raise AmountError(
            _("“%(value)s” is not an amount. Write it like 1.234,50 (at most two decimals).")
            % {"value": text.strip()[:30]}
        )
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise AmountError(
            _("“%(value)s” is not an amount.") % {"value": text.strip()[:30]}
        ) from None
    if abs(amount) >= Decimal("10000000000"):
        raise AmountError(_("The amount is too large."))
    return amount
