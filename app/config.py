"""Every setting of the app, read from the environment once, with defaults.

Nothing else in the app reads os.environ: import `settings` from here.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
ASSETS_DIR = ROOT / "assets"

TITLE = "Ogelo Concise LLM Training Pipeline Guide"

# In the shared temporary folder: created private to the user and checked (app/server).
DEFAULT_CACHE_DIR = str(Path(tempfile.gettempdir()) / "ogelo-cache")


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as err:
        raise ValueError(f"Setting {name} must be a whole number, got {raw!r}.") from err


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as err:
        raise ValueError(f"Setting {name} must be a number, got {raw!r}.") from err


def _env_str(name: str, default: str) -> str:
    raw = os.environ.get(name)
    return default if raw is None or raw.strip() == "" else raw.strip()


@dataclass(frozen=True)
class Settings:
    """The app's settings. Each field's metadata names its environment variable."""

    host: str = field(metadata={"env": "HOST", "help": "address to listen on"})
    content_dir: str = field(
        metadata={"env": "CONTENT_DIR", "help": "folder of the guide's words and tables"}
    )
    port: int = field(metadata={"env": "PORT", "help": "port to listen on"})
    debug: bool = field(metadata={"env": "DEBUG", "help": "Dash debug mode (dev tools, reloads)"})
    cache_dir: str = field(
        metadata={"env": "CACHE_DIR", "help": "folder for background-job state (diskcache)"}
    )
    cache_size_limit_mb: int = field(
        metadata={"env": "CACHE_SIZE_LIMIT_MB", "help": "size limit of the cache folder, in MB"}
    )
    redis_url: str = field(
        metadata={"env": "REDIS_URL", "help": "Redis URL: run background jobs on Celery workers"}
    )
    job_max_steps: int = field(
        metadata={
            "env": "JOB_MAX_STEPS",
            "help": "most optimisation steps one training job may run",
        }
    )
    job_max_params: int = field(
        metadata={"env": "JOB_MAX_PARAMS", "help": "largest model (parameters) a job may train"}
    )
    job_time_limit_s: float = field(
        metadata={"env": "JOB_TIME_LIMIT_S", "help": "wall-clock limit of one job, in seconds"}
    )
    job_max_concurrent: int = field(
        metadata={"env": "JOB_MAX_CONCURRENT", "help": "jobs that may run at once"}
    )
    max_request_bytes: int = field(
        metadata={
            "env": "MAX_REQUEST_BYTES",
            "help": "largest request body, in bytes; bigger ones get HTTP 413",
        },
    )


def load_settings() -> Settings:
    """Read the settings from the environment (called once at import; tests may call it again)."""
    return Settings(
        host=_env_str("HOST", "127.0.0.1"),
        content_dir=_env_str("CONTENT_DIR", str(CONTENT_DIR)),
        port=_env_int("PORT", 8050),
        debug=_env_bool("DEBUG", False),
        cache_dir=_env_str("CACHE_DIR", DEFAULT_CACHE_DIR),
        cache_size_limit_mb=_env_int("CACHE_SIZE_LIMIT_MB", 512),
        redis_url=_env_str("REDIS_URL", ""),
        job_max_steps=_env_int("JOB_MAX_STEPS", 2000),
        job_max_params=_env_int("JOB_MAX_PARAMS", 2_000_000),
        job_time_limit_s=_env_float("JOB_TIME_LIMIT_S", 180.0),
        job_max_concurrent=_env_int("JOB_MAX_CONCURRENT", 2),
        max_request_bytes=_env_int("MAX_REQUEST_BYTES", 1_000_000),
    )


def describe_settings() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) for every setting: used by --help and the README."""
    current = load_settings()
    rows = []
    for f in fields(Settings):
        rows.append((f.metadata["env"], str(getattr(current, f.name)), f.metadata["help"]))
    return rows


settings = load_settings()
