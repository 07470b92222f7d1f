"""Where the shipped data sits. `app/core` reads no settings: callers that honour the
`CONTENT_DIR` setting pass their folder in; these are the defaults when they do not."""

from pathlib import Path

SHIPPED_CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
