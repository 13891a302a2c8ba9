import datetime

import pytest
from django.core.exceptions import ValidationError

from families.cpr import cpr_hash, decrypt_cpr, encrypt_cpr, parse_cpr


@pytest.mark.parametrize(
    ("value", "birth"),
    [
        ("120385-4012", datetime.date(1985, 3, 12)),
        ("1203854012", datetime.date(1985, 3, 12)),
        (" 120385 4012 ", datetime.date(1985, 3, 12)),
        ("010100-0001", datetime.date(1900, 1, 1)),  # digit 7 = 0 → 1900s
        ("311299-3999", datetime.date(1999, 12, 31)),  # digit 7 = 3 → 1900s
        ("010136-4000", datetime.date(2036, 1, 1)),  # digit 7 = 4, yy ≤ 36 → 2000s
        ("010137-4000", datetime.date(1937, 1, 1)),  # digit 7 = 4, yy ≥ 37 → 1900s
        ("010157-5000", datetime.date(2057, 1, 1)),  # digit 7 = 5–8, yy ≤ 57 → 2000s
        ("010158-8000", datetime.date(1858, 1, 1)),  # digit 7 = 5–8, yy ≥ 58 → 1800s
        ("010136-9000", datetime.date(2036, 1, 1)),  # digit 7 = 9, yy ≤ 36 → 2000s
        ("010137-9000", datetime.date(1937, 1, 1)),  # digit 7 = 9, yy ≥ 37 → 1900s
        ("290200-4000", datetime.date(2000, 2, 29)),  # 2000 is a leap year
        ("290296-1234", datetime.date(1996, 2, 29)),
    ],
)
def test_valid_cpr_numbers_give_their_birth_date(value, birth):
    assert parse_cpr(value).birth_date == birth


@pytest.mark.parametrize(
    "value",
    [
        "",
        "12038-4012",  # nine digits
        "120385-40123",  # eleven digits
        "12O385-4012",  # letter O
        "320185-4012",  # day 32
        "121385-4012",  # month 13
        "000185-4012",  # day 0
        "290201-4000",  # 2001 is not a leap year
        "290200-2000",  # 1900 is not a leap year (digit 7 = 2 → 1900s)
        "120385/4012",
    ],
)
def test_invalid_cpr_numbers_are_rejected(value):
    with pytest.raises(ValidationError):
        parse_cpr(value)


def test_modulus_11_failure_is_not_a_rejection():
    cpr = parse_cpr("120385-4013")
    assert not cpr.passes_modulus_11
    assert cpr.birth_date == datetime.date(1985, 3, 12)


def test_modulus_11_passing_number_is_recognised():
    # 0707614285 is a published example that passes modulus 11.
    assert parse_cpr("070761-4285").passes_modulus_11


def test_masked_and_formatted_forms():
    cpr = parse_cpr("1203854012")
    assert cpr.formatted == "120385-4012"
    assert cpr.masked == "120385-••••"


def test_hash_is_keyed_and_ignores_formatting(settings):
    a = cpr_hash("120385-4012")
    assert a == cpr_hash("1203854012")
    assert "1203854012" not in a
    settings.CPR_HASH_KEY = "another key"
    assert cpr_hash("120385-4012") != a


def test_encryption_round_trip_does_not_contain_the_number():
    token = encrypt_cpr(parse_cpr("120385-4012"))
    assert "120385" not in token
    assert decrypt_cpr(token).formatted == "120385-4012"
