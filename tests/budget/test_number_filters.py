"""budget_tags' number filters write what Django's number_format writes (their fast path is
checked against it), in Danish and English, with and without the thousand separator."""

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation
from django.utils.formats import localize, number_format
from django.utils.html import format_html

from budget.dashboard import Cell
from budget.templatetags.budget_tags import breakdown_cell, breakdown_cells, dkk, pct


def _pct(rate, digits=1):
    # The filters as they were written with number_format (before the fast path).
    if rate is None or rate == "":
        return "–"
    value = (Decimal(str(rate)) * 100).quantize(Decimal(1).scaleb(-int(digits)), ROUND_HALF_UP)
    return f"{number_format(value, decimal_pos=int(digits), use_l10n=True)} %"


def _dkk(amount, digits=0):
    if amount is None or amount == "":
        return "–"
    value = Decimal(str(amount)).quantize(Decimal(1).scaleb(-int(digits)), ROUND_HALF_UP)
    return (
        f"{number_format(value, decimal_pos=int(digits), use_l10n=True, force_grouping=True)} kr."
    )


def _cell(cell, threshold):
    if cell is None:
        return "–"
    if cell.suppressed:
        return breakdown_cell(cell, threshold)  # unchanged branches
    return format_html(
        '{} <span class="small text-body-secondary">({}/{})</span>',
        _pct(cell.rate, 0),
        localize(cell.numerator),
        localize(cell.denominator),
    )


def _rates():
    rng = random.Random(11)
    fixed = [0, 0.0, -0.0, 1, 0.5, 0.005, 0.0049, 0.9995, 0.74191, 1.2345, 12.5, -0.3, -0.00001]
    return fixed + [rng.uniform(-2, 20) for _ in range(300)] + [rng.random() for _ in range(300)]


def _amounts():
    rng = random.Random(12)
    fixed = [0, 1, 999, 1000, 999.5, 1234567.5, -1234567.5, Decimal("-0.4"), Decimal("12.345")]
    fixed += [10**n for n in range(12)] + [-(10**n) for n in range(12)]
    return fixed + [Decimal(str(round(rng.uniform(-1e9, 1e9), 2))) for _ in range(300)]


@pytest.fixture(params=["da", "en"])
def language(request):
    with translation.override(request.param):
        yield request.param


@pytest.mark.parametrize("grouping", [False, True])
def test_pct_and_dkk_write_what_number_format_writes(language, grouping, settings):
    settings.USE_THOUSAND_SEPARATOR = grouping
    for rate in _rates():
        for digits in (0, 1, 2):
            assert pct(rate, digits) == _pct(rate, digits), (rate, digits)
    for amount in _amounts():
        for digits in (0, 2):
            assert dkk(amount, digits) == _dkk(amount, digits), (amount, digits)
    assert pct(None) == pct("") == dkk(None) == "–"


@pytest.mark.parametrize("grouping", [False, True])
def test_a_breakdown_cell_is_written_as_before(language, grouping, settings):
    settings.USE_THOUSAND_SEPARATOR = grouping
    rng = random.Random(13)
    cells = [None]
    for _ in range(200):
        denominator = rng.choice([0, 3, 12, 999, 1000, 25047, 1234567])
        numerator = rng.randint(0, denominator)
        rate = numerator / denominator if denominator else None
        cell = Cell("g", "G", numerator, denominator, rate)
        cell.suppressed, cell.secondary = rng.choice([(False, False), (True, False), (True, True)])
        cells.append(cell)
    for cell in cells:
        assert str(breakdown_cell(cell, 5)) == str(_cell(cell, 5))


def test_a_breakdown_row_is_its_cells_each_in_a_right_aligned_cell(language):
    cells = [None, Cell("a", "A", 19370, 25047, 0.7733), Cell("b", "B", 3, 12, 0.25)]
    cells[2].suppressed = True
    expected = "".join(f'<td class="text-end">{_cell(c, 5)}</td>' for c in cells)
    assert str(breakdown_cells(cells, 5)) == expected
