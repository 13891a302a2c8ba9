from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def points(diff, digits=1):
    """A difference of rates in percentage points, signed: 0.253 → "+25,3 procentpoint"."""
    if diff is None or diff == "":
        return "–"
    value = (Decimal(str(diff)) * 100).quantize(Decimal(1).scaleb(-int(digits)), ROUND_HALF_UP)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    text = number_format(abs(value), decimal_pos=int(digits), use_l10n=True)
    return _("%(sign)s%(value)s percentage points") % {"sign": sign, "value": text}


@register.filter
def persons(value, digits=1):
    """A (fractional) number of people: 12.345 → "12,3"."""
    if value is None or value == "":
        return "–"
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(digits)), ROUND_HALF_UP)
    return number_format(number, decimal_pos=int(digits), use_l10n=True)
