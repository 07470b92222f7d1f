"""Background-callback manager: diskcache on one machine, Celery + Redis when REDIS_URL is set."""

from __future__ import annotations

from functools import lru_cache

from app.config import settings


@lru_cache(maxsize=1)
def background_manager():
    """The manager Dash runs background callbacks on (one per process)."""
    import diskcache
    from dash import DiskcacheManager

    cache = diskcache.Cache(
        settings.cache_dir, size_limit=settings.cache_size_limit_mb * 1024 * 1024
    )
    return DiskcacheManager(cache)
