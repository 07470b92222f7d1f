"""The guide as a list of sections: every stage and topic page cut at its '## ' headings,
its summary and key concepts, its worked example, and every glossary entry.

Each section knows where it lives, so a search result can link to `/<slug>#<anchor>`:
a page's '## ' heading gets `heading_anchor(title)` (the id the page renders), the
worked example `worked-example`, and the text before the first heading no anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from app.core.paths import SHIPPED_CONTENT_DIR
from app.core.text import heading_anchor
from app.core.tinylm.corpus import clean_markdown

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_CODE_FENCE = re.compile(r"^```")


@dataclass(frozen=True)
class Section:
    slug: str  # page route without '/', e.g. "training"; "glossary" for glossary terms
    page_title: str
    heading: str  # the section's heading as shown on the page
    anchor: str  # the element id on the page ('' = top of the page)
    text: str  # plain prose (Markdown marks and placeholders removed)

    @property
    def href(self) -> str:
        return f"/{self.slug}#{self.anchor}" if self.anchor else f"/{self.slug}"

    @property
    def key(self) -> tuple[str, str]:
        """(slug, heading): what a labelled question points at."""
        return (self.slug, self.heading)


_FACT = re.compile(r"\{\{fact:([a-z0-9_]+)\}\}")


@lru_cache(maxsize=256)
def _fact(name: str) -> str:
    """The value a page shows for {{fact:NAME}} ('' if it cannot be computed)."""
    from app.core.facts import FACTS

    try:
        return FACTS[name]()
    except Exception:  # a missing or failing fact leaves a gap, as a broken page would
        return ""


def _plain(markdown: str) -> str:
    markdown = _FACT.sub(lambda m: _fact(m.group(1)), markdown)
    text = clean_markdown(markdown)
    text = re.sub(r"^\s*[-*]\s+", "", text, flags=re.M)  # list bullets
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def page_sections(path: Path) -> list[Section]:
    """The sections of one `stages/*.md` or `topics/*.md` file, in page order."""
    raw = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(raw)
    meta = (yaml.safe_load(match.group(1)) or {}) if match else {}
    body = raw[match.end() :] if match else raw
    slug = str(meta.get("slug") or re.sub(r"^\d+-", "", path.stem))
    title = str(meta.get("title") or slug)
    out: list[Section] = []

    lead = [str(meta.get("summary", ""))]
    lead += [f"{c['term']}: {c['meaning']}" for c in meta.get("key_concepts") or []]
    heading, lines, in_code = title, [], False
    parts: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if _CODE_FENCE.match(line):
            in_code = not in_code
        if not in_code and line.startswith("## "):
            parts.append((heading, lines))
            heading, lines = line[3:].strip(), []
        else:
            lines.append(line)
    parts.append((heading, lines))
    for i, (head, text_lines) in enumerate(parts):
        text = "\n".join(text_lines)
        if i == 0:
            text = "\n\n".join([*lead, text])
            out.append(Section(slug, title, title, "", _plain(text)))
        elif _plain(text):
            out.append(Section(slug, title, head, heading_anchor(head), _plain(text)))
    example = meta.get("worked_example") or {}
    if example.get("body"):
        ex_text = f"{example.get('title', '')}\n\n{example['body']}"
        out.append(Section(slug, title, "Worked example", "worked-example", _plain(ex_text)))
    pitfalls = [str(p) for p in meta.get("pitfalls") or []]
    if pitfalls:
        out.append(Section(slug, title, "Common pitfalls", "", "\n".join(pitfalls)))
    return [s for s in out if s.text]


@lru_cache(maxsize=4)
def guide_sections(content_dir: str | Path = SHIPPED_CONTENT_DIR) -> tuple[Section, ...]:
    """Every section of the guide: stage pages, topic pages (when present), glossary."""
    root = Path(content_dir)
    sections: list[Section] = []
    for folder in ("stages", "topics"):
        for path in sorted((root / folder).glob("*.md")):
            sections += page_sections(path)
    glossary = root / "glossary.yaml"
    if glossary.exists():
        for entry in yaml.safe_load(glossary.read_text(encoding="utf-8")) or []:
            term, meaning = str(entry.get("term", "")), str(entry.get("definition", ""))
            if term and meaning:
                # The glossary page can give each term this id to make the link jump to it.
                anchor = heading_anchor(term)
                sections.append(Section("glossary", "Glossary", term, anchor, f"{term}: {meaning}"))
    return tuple(sections)
