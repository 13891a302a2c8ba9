from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.conf import settings
from django.utils.formats import get_format, localize, number_format
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

_QUANTUM = {digits: Decimal(1).scaleb(-digits) for digits in range(4)}


def _rounded(value, digits: int) -> Decimal:
    quantum = _QUANTUM.get(digits) or Decimal(1).scaleb(-digits)
    return Decimal(str(value)).quantize(quantum, ROUND_HALF_UP)


def _number(value: Decimal | int, *, grouping: bool = False) -> str:
    """number_format(value, decimal_pos=<its places>, use_l10n=True, force_grouping=grouping)
    for an int or a Decimal already rounded to the places it shows: the same text without
    number_format's generality (a dashboard formats a few hundred numbers, and this cost
    most of its page). A grouping other than one size falls back to number_format."""
    grouping = grouping or settings.USE_THOUSAND_SEPARATOR
    if not grouping and isinstance(value, int):
        return str(value)  # a count (number_format gives it as it is)
    lang = get_language()
    size = get_format("NUMBER_GROUPING", lang) if grouping else 0
    group = grouping and size
    if group and not isinstance(size, int):
        places = max(0, -value.as_tuple().exponent) if isinstance(value, Decimal) else None
        return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    if isinstance(value, Decimal) and value.is_zero():
        value = abs(value)  # as number_format: no "-0"
    text = f"{value:f}" if isinstance(value, Decimal) else str(value)
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    int_part, _dot, dec_part = text.partition(".")
    if group and len(int_part) > size:
        separator = get_format("THOUSAND_SEPARATOR", lang)
        head = len(int_part) % size or size
        groups = [int_part[:head]]
        groups += [int_part[i : i + size] for i in range(head, len(int_part), size)]
        int_part = separator.join(groups)
    if dec_part:
        return f"{sign}{int_part}{get_format('DECIMAL_SEPARATOR', lang)}{dec_part}"
    return f"{sign}{int_part}"


@register.filter
def pct(rate, digits=1):
    """0.7419 → "74,2 %" (localised); None → "–"."""
    if rate is None or rate == "":
        return "–"
    # Rounded half up (number_format truncates).
    return f"{_number(_rounded(Decimal(str(rate)) * 100, int(digits)))} %"


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
    return f"{_number(_rounded(amount, int(digits)), grouping=True)} kr."


@register.filter
def breakdown_cells(cells, threshold):
    """A breakdown table's cells of one group, each as `<td class="text-end">` with
    breakdown_cell(): one filter per row instead of a loop and a filter per cell."""
    return mark_safe(  # noqa: S308 - each cell escaped
        "".join(
            f'<td class="text-end">{conditional_escape(breakdown_cell(c, threshold))}</td>'
            for c in cells
        )
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
    # Not format_html(): a hundred cells a page, and every part is a number this module
    # formatted (digits and the language's separators), escaped all the same.
    rate = escape(pct(cell.rate, 0))
    figures = escape(f"{_number(cell.numerator)}/{_number(cell.denominator)}")
    return mark_safe(f'{rate} <span class="small text-body-secondary">({figures})</span>')  # noqa: S308
