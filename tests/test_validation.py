"""The one sentence a learner reads when a number cannot be used: it names the field and
states the limit as a person would write it."""

from __future__ import annotations

import pytest

from app.validation import InputError, parse_number


@pytest.mark.parametrize(
    "raw, kwargs, message",
    [
        (None, {}, "Steps: please enter a number."),
        ("", {}, "Steps: please enter a number."),
        ("abc", {}, "Steps: 'abc' is not a number."),
        (float("nan"), {}, "Steps: must be a finite number."),
        (2.5, {"integer": True}, "Steps: must be a whole number."),
        (0, {"minimum": 1, "unit": "tokens"}, "Steps: must be at least 1 token."),
        (0, {"minimum": 2, "unit": "tokens"}, "Steps: must be at least 2 tokens."),
        (-2, {"minimum": 0, "unit": "$"}, "Steps: must be at least $0."),
        (1e31, {"maximum": 1e30, "unit": "FLOPs"}, "Steps: must be at most 1 × 10³⁰ FLOPs."),
        (1e14, {"minimum": 1e15}, "Steps: must be at least 1 × 10¹⁵."),
        (2_000_000, {"maximum": 1_000_000}, "Steps: must be at most 1,000,000."),
    ],
)
def test_a_bad_number_gets_one_plain_sentence(raw, kwargs, message):
    with pytest.raises(InputError) as err:
        parse_number(raw, "Steps", **kwargs)
    assert str(err.value) == message


def test_good_numbers_come_back_typed():
    assert parse_number("1e21", "Budget") == 1e21
    assert parse_number(" 1_000 ", "Steps", integer=True) == 1000
    assert parse_number("7", "Steps", integer=True, minimum=1, maximum=10) == 7


def test_parse_fields_names_every_bad_field_at_once():
    from app.validation import NumberSpec, parse_fields

    specs = (
        NumberSpec("layers", "Layers", minimum=1, maximum=4, integer=True),
        NumberSpec("lr", "Learning rate", minimum=1e-6, maximum=1.0),
        NumberSpec("batch", "Batch", minimum=1, integer=True, unit="sequences"),
    )
    values, errors = parse_fields(specs, {"layers": "9", "lr": "0.01", "batch": "0"})
    assert values == {"lr": 0.01}
    assert errors == {
        "layers": "Layers: must be at most 4.",
        "batch": "Batch: must be at least 1 sequence.",
    }
