"""Celery worker entry point (used only when REDIS_URL is set):

    celery -A app.worker worker --loglevel=INFO --concurrency=2

Importing this module builds the Celery app with its one task, `ogelo.run_job`
(`app.services.jobs.execute`), and imports every lab so that every job kind is known.
"""

from __future__ import annotations

from app.config import settings
from app.labs import import_all_labs
from app.services.jobs import celery_app

if not settings.redis_url:
    raise SystemExit("REDIS_URL is not set: the Celery worker needs Redis.")

import_all_labs()
celery = app = celery_app()
