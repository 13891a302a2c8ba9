from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import localize, number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def pct(rate, digits=1):
    """0.7419 → "74,2 %" (localised); None → "–"."""
    if rate is None or rate == "":
        return "–"
    # number_format truncates; round half up first.
    value = (Decimal(str(rate)) * 100).quantize(Decimal(1).scaleb(-int(digits)), ROUND_HALF_UP)
    return f"{number_format(value, decimal_pos=int(digits), use_l10n=True)} %"


@register.filter
def pct_width(rate):
    """A CSS width for a bar: 0–100, as a plain number with a dot."""
    if rate is None:
        return "0"
    return f"{max(0.0, min(100.0, float(rate) * 100)):.1f}"


@register.filter
def dkk(amount, digits=0):
    """1234567.5 → "1.234.568 kr." (grouped, localised); None → "–"."""
    if amount is None or amount == "":
        return "–"
    value = Decimal(str(amount)).quantize(Decimal(1).scaleb(-int(digits)), ROUND_HALF_UP)
    return (
        f"{number_format(value, decimal_pos=int(digits), use_l10n=True, force_grouping=True)} kr."
    )


@register.filter
def breakdown_cell(cell, threshold):
    """One cell of a breakdown table: "77 % (19370/25047)", "< 5" or "hidden"; "–" for no
    group. A filter, not template branches: the dashboard has a hundred of these cells."""
    if cell is None:
        return "–"
    if cell.secondary:
        return format_html('<span class="suppressed">{}</span>', _("hidden"))
    if cell.suppressed:
        return format_html('<span class="suppressed">&lt; {}</span>', localize(threshold))
    return format_html(
        '{} <span class="small text-body-secondary">({}/{})</span>',
        pct(cell.rate, 0),
        localize(cell.numerator),
        localize(cell.denominator),
    )
