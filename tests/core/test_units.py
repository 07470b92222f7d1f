"""Number formatting used across pages."""

import math

import pytest

from app.core.units import human_bytes, human_count, scientific


def test_counts_read_in_words_or_short_suffixes():
    assert human_count(124_439_808) == "124 million"
    assert human_count(1.3e6) == "1.3 million"
    assert human_count(15e12, short=True) == "15T"
    assert human_count(950) == "950"


def test_bytes_use_decimal_units_as_gpu_vendors_do():
    assert human_bytes(16e9) == "16 GB"
    assert human_bytes(524_288) == "524 kB"
    assert human_bytes(12) == "12 bytes"


def test_scientific_notation_uses_superscripts():
    assert scientific(3.14e23) == "3.14 × 10²³"
    assert scientific(2.5e-4) == "2.5 × 10⁻⁴"


def test_non_finite_numbers_are_refused():
    with pytest.raises(ValueError):
        human_count(math.inf)


@pytest.mark.parametrize(
    "value, digits, text",
    [
        (999.9e9, 3, "1 trillion"),  # rounding carries into the next unit
        (1e6, 3, "1 million"),
        (4.03e15, 3, "4.03 quadrillion"),
        (4.03e18, 3, "4.03 × 10¹⁸"),  # past the largest unit
        (350e9, 2, "350 billion"),  # two digits, yet no '3.5e+02'
        (1e-7, 3, "1 × 10⁻⁷"),
        (0, 3, "0"),
    ],
)
def test_counts_never_fall_into_e_notation(value, digits, text):
    assert human_count(value, digits) == text
    assert "e+" not in human_count(value, digits) and "e-" not in human_count(value, digits)


@pytest.mark.parametrize(
    "value, digits, text",
    [(3.5e11, 2, "350 GB"), (999.9e9, 3, "1 TB"), (2e18, 3, "2 EB"), (5e22, 3, "5 × 10²² bytes")],
)
def test_bytes_never_fall_into_e_notation(value, digits, text):
    assert human_bytes(value, digits) == text
