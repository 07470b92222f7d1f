"""The learner id: a random id made in the browser (local storage key `ogelo-learner-id`,
kept as JSON; see `app.components.job_controls.LEARNER_JS`) that names whose jobs and
models these are. It is untrusted input: `sanitize()` keeps 8–40 of [0-9a-z-_]
(lowercased), else None."""

from __future__ import annotations

LEARNER_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyz-_")


def sanitize(value) -> str | None:
    if not isinstance(value, str) or not 8 <= len(value) <= 40:
        return None
    value = value.lower()
    return value if set(value) <= LEARNER_CHARS else None
