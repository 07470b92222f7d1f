"""The learner's progress: one small versioned JSON document kept in browser local storage.

Schema (version 1)::

    {
      "version": 1,
      "stages": {"training": {"visited": true, "completed": false, "quiz_best": 0.75}, ...},
      "last_stage": "training"          # or null
    }

Everything the browser gives back goes through `sanitize()` first: local storage is
user-editable, can hold an older schema, or be plain garbage. `sanitize` never raises;
it keeps every entry that is still valid and drops or repairs the rest. No Dash here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

VERSION = 1
# Anything much larger than a real document (8 stages) is tampering; stop reading early.
MAX_KEYS_SCANNED = 200


def empty(slugs: Iterable[str]) -> dict:
    """A fresh document: every stage not started."""
    return {
        "version": VERSION,
        "stages": {s: {"visited": False, "completed": False, "quiz_best": None} for s in slugs},
        "last_stage": None,
    }


def sanitize(raw: Any, slugs: Iterable[str]) -> dict:
    """Return a valid version-1 document built from whatever `raw` is.

    Keeps: per known stage, boolean `visited`/`completed` (truthy 1/0 accepted), a quiz
    score in [0, 1], and `last_stage` if it names a known stage. Repairs: completed
    implies visited. Drops: unknown stages, unknown keys, wrong types, oversized input.
    Version 0 (a flat {"completed": [...], "visited": [...]} list form) is migrated.
    """
    slugs = list(slugs)
    doc = empty(slugs)
    if not isinstance(raw, dict):
        return doc
    stages_raw = raw.get("stages")
    if stages_raw is None and ("completed" in raw or "visited" in raw):
        stages_raw = _migrate_v0(raw)
    if isinstance(stages_raw, dict):
        for i, (slug, entry) in enumerate(stages_raw.items()):
            if i >= MAX_KEYS_SCANNED:
                break
            if slug in doc["stages"] and isinstance(entry, dict):
                doc["stages"][slug] = _clean_entry(entry)
    last = raw.get("last_stage")
    if isinstance(last, str) and last in doc["stages"]:
        doc["last_stage"] = last
    return doc


def _migrate_v0(raw: dict) -> dict:
    """Version 0 kept two lists of slugs; turn them into per-stage entries."""
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


def mark_visited(doc: dict, slug: str) -> dict:
    """Record that `slug` was opened (and make it the stage to continue from)."""
    if slug not in doc["stages"]:
        return doc
    new = _copy(doc)
    new["stages"][slug]["visited"] = True
    new["last_stage"] = slug
    return new


def set_completed(doc: dict, slug: str, completed: bool) -> dict:
    """Mark `slug` complete, or undo that."""
    if slug not in doc["stages"]:
        return doc
    new = _copy(doc)
    entry = new["stages"][slug]
    entry["completed"] = bool(completed)
    entry["visited"] = True
    return new


def record_quiz(doc: dict, slug: str, score: float) -> dict:
    """Keep the best quiz score (a fraction in [0, 1]) for `slug`."""
    if slug not in doc["stages"] or _as_score(score) is None:
        return doc
    new = _copy(doc)
    best = new["stages"][slug]["quiz_best"]
    new["stages"][slug]["quiz_best"] = max(score, best) if best is not None else float(score)
    new["stages"][slug]["visited"] = True
    return new


def _copy(doc: dict) -> dict:
    return {
        "version": doc["version"],
        "stages": {s: dict(e) for s, e in doc["stages"].items()},
        "last_stage": doc["last_stage"],
    }


# ---- derived views ----------------------------------------------------------------------


def status(doc: dict, slug: str) -> str:
    """'completed', 'in-progress' (visited) or 'not-started'."""
    entry = doc["stages"].get(slug) or {}
    if entry.get("completed"):
        return "completed"
    if entry.get("visited"):
        return "in-progress"
    return "not-started"


def completed_count(doc: dict) -> int:
    return sum(1 for e in doc["stages"].values() if e["completed"])


def continue_slug(doc: dict, slugs: list[str]) -> str:
    """Where to continue: the last stage opened if it is not done, else the first not done."""
    last = doc.get("last_stage")
    if last and not doc["stages"][last]["completed"]:
        return last
    for slug in slugs:
        if not doc["stages"][slug]["completed"]:
            return slug
    return slugs[-1]
