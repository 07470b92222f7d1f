"""The tiny model's training text: the guide's own words, nothing downloaded.

Documents, in a fixed order: every paragraph of the stage pages (content/stages/*.md,
YAML front matter removed except its prose fields: summary, key concepts, worked example,
pitfalls), every glossary definition and every quiz explanation. `{{lab:…}}` lines and
`{{fact:…}}` placeholders are removed, Markdown links keep their text, bold/italic marks
and heading hashes are dropped, and hard-wrapped lines are joined. Every tenth document
is held out for validation, so both splits cover every stage.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import yaml

from app.core.paths import SHIPPED_CONTENT_DIR

VAL_EVERY = 10  # document i goes to validation when i % VAL_EVERY == VAL_EVERY - 1
DOC_SEPARATOR = "\n\n"

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_LAB_LINE = re.compile(r"^\s*\{\{lab:[^}]*\}\}\s*$", re.M)
_FACT = re.compile(r"\*{0,2}\{\{fact:[^}]*\}\}\*{0,2}")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")


def clean_markdown(text: str) -> str:
    """Markdown -> plain prose: placeholders, links, emphasis and heading marks removed."""
    text = _LAB_LINE.sub("", text)
    text = _FACT.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    text = re.sub(r"^#+\s*", "", text, flags=re.M)
    text = re.sub(r"[ \t]+", " ", text)
    return text


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks; wrapped lines joined, list items kept on their own line."""
    out = []
    for block in re.split(r"\n\s*\n", clean_markdown(text)):
        lines: list[str] = []
        for line in block.strip().splitlines():
            line = line.strip()
            if not line:
                continue
            if lines and not re.match(r"^(- |\d+\. |\|)", line):
                lines[-1] += " " + line
            else:
                lines.append(line)
        para = "\n".join(lines).strip()
        if len(para) >= 20:  # drop stray fragments such as a lone table rule
            out.append(para)
    return out


def _front_matter(path: Path) -> dict:
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    return (yaml.safe_load(match.group(1)) or {}) if match else {}


def pipeline_slugs(content_dir: Path | str | None = None) -> list[str]:
    """The slugs of the pipeline's stages (content/stages/*.md), in file order."""
    root = Path(content_dir or SHIPPED_CONTENT_DIR)
    return [_front_matter(p).get("slug") for p in sorted((root / "stages").glob("*.md"))]


def _stage_documents(path: Path) -> list[str]:
    raw = path.read_text(encoding="utf-8")
    docs: list[str] = []
    match = _FRONT_MATTER.match(raw)
    body = raw[match.end() :] if match else raw
    if match:
        front = yaml.safe_load(match.group(1)) or {}
        if front.get("summary"):
            docs.append(clean_markdown(str(front["summary"])).strip())
        for concept in front.get("key_concepts") or []:
            docs.append(f"{concept['term']}: {concept['meaning']}")
        example = front.get("worked_example") or {}
        if example.get("body"):
            docs += paragraphs(f"{example.get('title', '')}\n\n{example['body']}")
        docs += [str(p) for p in front.get("pitfalls") or []]
    return docs + paragraphs(body)


def documents(content_dir: Path | str | None = None) -> list[str]:
    """Every document of the corpus, in a fixed order."""
    root = Path(content_dir or SHIPPED_CONTENT_DIR)
    docs: list[str] = []
    stage_paths = sorted((root / "stages").glob("*.md"))
    for path in stage_paths:
        docs += _stage_documents(path)
    # The pipeline's words only: a topic page's glossary terms and quiz do not change the
    # corpus (nor the shipped checkpoint's vocabulary) when a topic is added.
    slugs = set(pipeline_slugs(root))
    glossary = yaml.safe_load((root / "glossary.yaml").read_text(encoding="utf-8")) or []
    docs += [f"{e['term']}: {e['definition']}" for e in glossary if e.get("stage") in slugs]
    for path in sorted((root / "quizzes").glob("*.yaml")):
        if path.stem not in slugs:
            continue
        quiz = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        docs += [str(q["explanation"]) for q in quiz if q.get("explanation")]
    return [clean_markdown(d).strip() for d in docs if d and d.strip()]


@lru_cache(maxsize=4)
def _load(content_dir: str) -> tuple[str, str]:
    docs = documents(content_dir)
    if len(docs) < VAL_EVERY:
        raise ValueError(f"The corpus in {content_dir} has too few documents to split.")
    train = [d for i, d in enumerate(docs) if i % VAL_EVERY != VAL_EVERY - 1]
    val = [d for i, d in enumerate(docs) if i % VAL_EVERY == VAL_EVERY - 1]
    return DOC_SEPARATOR.join(train), DOC_SEPARATOR.join(val)


def load_corpus(content_dir: Path | str | None = None) -> tuple[str, str]:
    """(train_text, val_text) of the guide in `content_dir` (default: the shipped one):
    every tenth document is validation; deterministic."""
    return _load(str(content_dir or SHIPPED_CONTENT_DIR))


def corpus_hash(train_text: str, val_text: str) -> str:
    """SHA-256 (first 16 hex digits) of both splits, to tie a checkpoint to its data."""
    digest = hashlib.sha256((train_text + "\x00" + val_text).encode("utf-8")).hexdigest()
    return digest[:16]
