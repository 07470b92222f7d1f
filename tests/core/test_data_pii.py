"""PII redaction: every e-mail, phone number and IPv4 address planted in the corpus is
replaced, ordinary numbers are not, and redaction never fails or changes its own output.

Pattern-based redaction with placeholders as in BigScience ROOTS (Laurençon et al. 2022)
and StarCoder (Li et al. 2023)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.data.corpus import GOOD_PII, default_corpus
from app.core.data.pii import find, redact


@pytest.mark.parametrize(
    "text, expected, kind",
    [
        ("Write to anna.berg@example.org today.", "Write to <EMAIL> today.", "email"),
        ("Mail kenji+news@mail.example.co.uk!", "Mail <EMAIL>!", "email"),
        ("Call (555) 013-2477 now.", "Call <PHONE> now.", "phone"),
        ("Call +1 (555) 013-2477.", "Call <PHONE>.", "phone"),
        ("Ring 555-013-2477 or 555.013.2477.", "Ring <PHONE> or <PHONE>.", "phone"),
        ("London: +44 20 7946 0958 or 020 7946 0958.", "London: <PHONE> or <PHONE>.", "phone"),
        ("Berlin: +49 30 1234567.", "Berlin: <PHONE>.", "phone"),
        ("Server 192.168.1.24 and 10.0.0.7.", "Server <IP> and <IP>.", "ip"),
        ("Gateway 255.255.255.0", "Gateway <IP>", "ip"),
    ],
)
def test_common_formats_are_redacted(text, expected, kind):
    redacted, counts = redact(text)
    assert redacted == expected
    assert counts[kind] == expected.count(f"<{kind.upper()}>")
    assert sum(counts.values()) == counts[kind]


@pytest.mark.parametrize(
    "text",
    [
        "In 1998 the museum had 25,000 visitors.",
        "It costs $1,299.00, or 1299 euros.",
        "Version 3.10.2 was released on 2021-05-04.",
        "Not an address: 999.1.1.1 or 256.0.0.1 or 1.2.3.4.5.",
        "Open 9-17, call after 18:30, ISBN 978-3-16-148410-0.",
        "The years 1914-1918 and 1939-1945.",
        "Pi is 3.14159 and e is 2.71828.",
    ],
)
def test_ordinary_numbers_are_left_alone(text):
    assert redact(text) == (text, {"email": 0, "phone": 0, "ip": 0})


def test_every_planted_pii_in_the_corpus_is_found_and_nothing_else():
    docs = [d for d in default_corpus() if d.label == GOOD_PII]
    assert len(docs) == 240
    for d in docs:
        found = find(d.text)
        assert sorted(found) == sorted(d.pii), d.id
        redacted, counts = redact(d.text)
        for _, value in d.pii:
            assert value not in redacted
        assert sum(counts.values()) == len(d.pii)


def test_good_documents_without_pii_are_unchanged():
    for d in default_corpus()[:600]:
        if not d.pii:
            assert redact(d.text)[0] == d.text, d.id


def test_redact_refuses_non_text():
    with pytest.raises(ValueError, match="string"):
        redact(None)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("0123456789 .-+()@abcxyz\n")), max_size=80)
    | st.text(max_size=200)
)
def test_redact_never_raises_and_is_idempotent(text):
    once, counts = redact(text)
    assert all(n >= 0 for n in counts.values())
    assert redact(once) == (once, {"email": 0, "phone": 0, "ip": 0})
