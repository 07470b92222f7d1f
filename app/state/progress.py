"""The learner's progress: one small versioned JSON document kept in browser local storage.

Schema (version 2)::

    {
      "version": 2,
      "stages": {"training": {"visited": true, "completed": false, "quiz_best": 0.75}, ...},
      "topics": {"rag": {"visited": true, "completed": false, "quiz_best": null}, ...},
      "last_page": "training"           # the stage or topic opened last, or null
    }

"stages" holds the pipeline (01-08), "topics" all ten "Beyond the pipeline" topics
(09-18), shipped or not yet, so that nothing a learner did is lost when a deployment
adds or removes a topic page. The two tracks are counted separately.

Everything the browser gives back goes through `sanitize()` first: local storage is
user-editable, can hold an older schema, or be plain garbage. `sanitize` never raises;
it keeps every entry that is still valid and drops or repairs the rest. Older schemas
migrate: version 1 (only "stages", and "last_stage") and version 0 (two lists of slugs).
No Dash here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from app.content import TOPIC_SLUGS as _TOPICS_BY_NUMBER

VERSION = 2
TOPIC_SLUGS = tuple(_TOPICS_BY_NUMBER[n] for n in sorted(_TOPICS_BY_NUMBER))
TRACKS = ("stages", "topics")
# Anything much larger than a real document (18 pages) is tampering; stop reading early.
MAX_KEYS_SCANNED = 200


def _blank() -> dict:
    return {"visited": False, "completed": False, "quiz_best": None}


def empty(slugs: Iterable[str], topic_slugs: Iterable[str] = TOPIC_SLUGS) -> dict:
    """A fresh document: every stage and topic not started."""
    return {
        "version": VERSION,
        "stages": {s: _blank() for s in slugs},
        "topics": {s: _blank() for s in topic_slugs},
        "last_page": None,
    }


def sanitize(raw: Any, slugs: Iterable[str], topic_slugs: Iterable[str] = TOPIC_SLUGS) -> dict:
    """Return a valid version-2 document built from whatever `raw` is.

    Keeps: per known stage or topic, boolean `visited`/`completed` (truthy 1/0 accepted),
    a quiz score in [0, 1], and the last page if it names a known one. Repairs: completed
    implies visited; an entry filed under the wrong track moves to its own. Drops: unknown
    pages, unknown keys, wrong types, oversized input. Versions 0 and 1 are migrated.
    """
    doc = empty(slugs, topic_slugs)
    if not isinstance(raw, dict):
        return doc
    found: list[tuple[str, Any]] = []
    if "stages" not in raw and "topics" not in raw and ("completed" in raw or "visited" in raw):
        found += list(_migrate_v0(raw).items())
    for track in TRACKS:
        entries = raw.get(track)
        if isinstance(entries, dict):
            found += list(entries.items())[:MAX_KEYS_SCANNED]
    for slug, entry in found:
        home = _track_of(doc, slug)
        if home is not None and isinstance(entry, dict):
            home[slug] = _merge(home[slug], _clean_entry(entry))
    last = raw.get("last_page", raw.get("last_stage"))  # version 1 called it last_stage
    if isinstance(last, str) and _track_of(doc, last) is not None:
        doc["last_page"] = last
    return doc


def _track_of(doc: dict, slug: Any) -> dict | None:
    """The track dict (doc["stages"] or doc["topics"]) that holds `slug`, if any."""
    if not isinstance(slug, str):
        return None
    for track in TRACKS:
        if slug in doc[track]:
            return doc[track]
    return None


def _merge(a: dict, b: dict) -> dict:
    """One entry from two (a slug filed twice): keep all that either says was done."""
    scores = [x for x in (a["quiz_best"], b["quiz_best"]) if x is not None]
    return {
        "visited": a["visited"] or b["visited"],
        "completed": a["completed"] or b["completed"],
        "quiz_best": max(scores) if scores else None,
    }


def _migrate_v0(raw: dict) -> dict:
    """Version 0 kept two lists of slugs; turn them into per-page entries."""
    out: dict[str, dict] = {}
    for key in ("visited", "completed"):
        items = raw.get(key)
        if isinstance(items, list):
            for slug in items[:MAX_KEYS_SCANNED]:
                if isinstance(slug, str):
                    out.setdefault(slug, {})[key] = True
    return out


def _clean_entry(entry: dict) -> dict:
    completed = _as_bool(entry.get("completed"))
    visited = _as_bool(entry.get("visited")) or completed
    return {
        "visited": visited,
        "completed": completed,
        "quiz_best": _as_score(entry.get("quiz_best")),
    }


def _as_bool(value: Any) -> bool:
    return value is True or (type(value) is int and value == 1)


def _as_score(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or not 0 <= value <= 1:
        return None
    return float(value)


# ---- updates: each takes a sanitized document and returns a new one ----------------------


def entry(doc: dict, slug: str) -> dict:
    """The entry of a stage or topic (a blank one for an unknown slug)."""
    track = _track_of(doc, slug)
    return dict(track[slug]) if track is not None else _blank()


def _updated(doc: dict, slug: str, **changes) -> dict:
    if _track_of(doc, slug) is None:
        return doc
    new = _copy(doc)
    _track_of(new, slug)[slug].update(changes)
    return new


def mark_visited(doc: dict, slug: str) -> dict:
    """Record that `slug` was opened (and make it the page to continue from)."""
    new = _updated(doc, slug, visited=True)
    if new is not doc:
        new["last_page"] = slug
    return new


def set_completed(doc: dict, slug: str, completed: bool) -> dict:
    """Mark `slug` complete, or undo that."""
    return _updated(doc, slug, completed=bool(completed), visited=True)


def record_quiz(doc: dict, slug: str, score: float) -> dict:
    """Keep the best quiz score (a fraction in [0, 1]) for `slug`."""
    if _as_score(score) is None:
        return doc
    best = entry(doc, slug)["quiz_best"]
    return _updated(
        doc, slug, quiz_best=max(score, best) if best is not None else float(score), visited=True
    )


def _copy(doc: dict) -> dict:
    return {
        "version": doc["version"],
        **{t: {s: dict(e) for s, e in doc[t].items()} for t in TRACKS},
        "last_page": doc["last_page"],
    }


# ---- derived views ----------------------------------------------------------------------


def status(doc: dict, slug: str) -> str:
    """'completed', 'in-progress' (visited) or 'not-started'."""
    e = entry(doc, slug)
    if e["completed"]:
        return "completed"
    if e["visited"]:
        return "in-progress"
    return "not-started"


def completed_count(doc: dict, slugs: Iterable[str] | None = None) -> int:
    """Completed pages among `slugs` (default: the pipeline stages)."""
    slugs = doc["stages"] if slugs is None else slugs
    return sum(1 for s in slugs if entry(doc, s)["completed"])


def continue_slug(doc: dict, slugs: list[str]) -> str:
    """Where to continue among `slugs`: the last page opened if it is one of them and not
    done, else the first not done."""
    last = doc.get("last_page")
    if last in slugs and not entry(doc, last)["completed"]:
        return last
    for slug in slugs:
        if not entry(doc, slug)["completed"]:
            return slug
    return slugs[-1]
