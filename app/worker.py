"""Celery worker entry point (used only when REDIS_URL is set):

    celery -A app.worker worker --loglevel=INFO --concurrency=2

Importing this module builds the Celery app and registers every lab's background
callback as a Celery task, under the same names the web process uses.
"""

from __future__ import annotations

from app.config import settings
from app.labs import import_all_labs
from app.services.jobs import background_manager, celery_app

if not settings.redis_url:
    raise SystemExit("REDIS_URL is not set: the Celery worker needs Redis.")

background_manager()  # the CeleryManager: background callbacks register on it
import_all_labs()
celery = app = celery_app()
