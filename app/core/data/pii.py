"""Personal data redaction with patterns: e-mail addresses, phone numbers, IPv4 addresses.

Pipelines replace what simple patterns can find with placeholders before training
(e.g. BigScience ROOTS, Laurençon et al. 2022, §3.4; StarCoder, Li et al. 2023, §4
replace e-mails and IP addresses with placeholders). Patterns catch common formats and
miss others; names and postal addresses need statistical tools and are out of scope.

Order matters: e-mails first (they may contain digits), then IP addresses (four dotted
numbers, each octet at most 255), then phone numbers. A phone number here is an optional
"+country code", an area code (in brackets or followed by a separator) and 6-8 more
digits in one or two groups; years, prices, dates and version numbers do not have that
shape, so they are left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

PLACEHOLDERS = {"email": "<EMAIL>", "ip": "<IP>", "phone": "<PHONE>"}
KINDS = ("email", "phone", "ip")

EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = re.compile(rf"(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}(?!\.?\d)(?!\w)")
PHONE = re.compile(
    r"(?<![\w+])"
    r"(?:\+\d{1,3}[ .-]?)?"  # country code
    r"(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])"  # area code: (555) or 555- or 020␠
    r"\d{3,4}[ .-]?\d{3,4}"  # subscriber number: 013-2477, 7946 0958, 1234567
    r"(?![\w-]|[.,]\d)"
)


def redact(text: str) -> tuple[str, dict[str, int]]:
    """(text with personal data replaced by <EMAIL>, <PHONE>, <IP>; counts per kind)."""
    if not isinstance(text, str):
        raise ValueError("The text must be a string.")
    counts = {kind: 0 for kind in KINDS}
    for kind, pattern in (("email", EMAIL), ("ip", IPV4), ("phone", PHONE)):
        text, n = pattern.subn(PLACEHOLDERS[kind], text)
        counts[kind] += n
    return text, counts


@lru_cache(maxsize=8192)
def _cached(text: str) -> tuple[str, tuple[tuple[str, int], ...]]:
    redacted, counts = redact(text)
    return redacted, tuple(counts.items())


def cached_redact(text: str) -> tuple[str, dict[str, int]]:
    """`redact`, remembered per text: for corpus pages that every pipeline run redacts."""
    redacted, counts = _cached(text)
    return redacted, dict(counts)


def find(text: str) -> list[tuple[str, str]]:
    """The (kind, matched text) pairs `redact` would replace, in the order it replaces them."""
    found: list[tuple[str, str]] = []
    for kind, pattern in (("email", EMAIL), ("ip", IPV4), ("phone", PHONE)):
        found += [(kind, m.group(0)) for m in pattern.finditer(text)]
        text = pattern.sub(PLACEHOLDERS[kind], text)
    return found
