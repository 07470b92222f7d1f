"""Glossary terms in a page's text link to their definitions (`/glossary#section-...`).

Done when a page is rendered, on its Markdown: the first mention of each term on a page
becomes a link; code, existing links, headings and `{{fact:...}}` placeholders are left
alone. "Byte-pair encoding (BPE)" is also found as "Byte-pair encoding" and as "BPE".
"""

from __future__ import annotations

import re
from functools import cache

from app.content import get_content
from app.core.text import heading_anchor

# Text that must not change: fenced and inline code, links and images, autolinks,
# fact placeholders, heading lines, raw HTML tags.
PROTECTED = re.compile(
    r"```.*?```|`[^`\n]*`|!?\[[^\]]*\]\([^)]*\)|<[^>\n]+>|\{\{[^}]*\}\}|^#{1,6} [^\n]*$",
    re.DOTALL | re.MULTILINE,
)


def term_anchor(term: str) -> str:
    """The glossary page's id for a term, the one its search results use too."""
    return heading_anchor(term)


def _names(term: str) -> list[str]:
    """The ways prose writes a term: itself, the part before '(…)', and an abbreviation."""
    names = [term]
    m = re.match(r"^(.*?)\s*\(([^)]*)\)\s*$", term)
    if m:
        names.append(m.group(1))
        if re.fullmatch(r"[A-Z][A-Za-z0-9-]{1,9}", m.group(2)) and m.group(2).isupper():
            names.append(m.group(2))
    return [n for n in names if len(n) >= 3]


@cache
def _patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """(anchor, pattern) per term, longest names first so 'Data mixture' beats 'Data'."""
    out = []
    for entry in get_content().glossary:
        for name in _names(entry.term):
            flags = 0 if name.isupper() else re.IGNORECASE
            plural = "" if name.isupper() else r"(?:s|es)?"
            pattern = re.compile(rf"(?<![\w/#-]){re.escape(name)}{plural}(?![\w-])", flags)
            out.append((len(name), term_anchor(entry.term), pattern))
    out.sort(key=lambda t: -t[0])
    return tuple((a, p) for _, a, p in out)


def link_terms(text: str, seen: set[str] | None = None) -> str:
    """`text` with the first mention of each glossary term (not yet in `seen`) made a
    Markdown link to its definition. `seen` collects the anchors linked, so a page can
    link each term once across all its blocks."""
    seen = set() if seen is None else seen
    # Split into [free, protected, free, protected, ...] and only touch the free parts.
    pieces: list[str] = []
    last = 0
    for m in PROTECTED.finditer(text):
        pieces += [text[last : m.start()], m.group(0)]
        last = m.end()
    pieces.append(text[last:])
    for anchor, pattern in _patterns():
        if anchor in seen:
            continue
        for i in range(0, len(pieces), 2):
            m = pattern.search(pieces[i])
            if not m:
                continue
            link = f"[{m.group(0)}](/glossary#{anchor})"
            before, after = pieces[i][: m.start()], pieces[i][m.end() :]
            # The link itself is protected now: split the free part around it.
            pieces[i : i + 1] = [before, link, after]
            seen.add(anchor)
            break
    return "".join(pieces)
