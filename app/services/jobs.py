"""Background jobs: which manager runs them, and how many may run at once.

- No REDIS_URL: Dash's `DiskcacheManager` on `settings.cache_dir`. Jobs run in child
  processes of the web process; several gunicorn workers on one machine share the folder.
- REDIS_URL set: Dash's `CeleryManager` with Redis as broker and result backend; jobs
  run on Celery workers (`celery -A app.worker worker`, the Procfile's `worker:` line).

Every job takes a *slot* before it works (`job_slot()`), so at most
`settings.job_max_concurrent` run at once across all processes. A slot is a lease that
the job renews as it goes: a job that is cancelled (its process killed) or dies simply
stops renewing, and its slot frees itself `LEASE_S` seconds later. Nothing needs to
clean up after a killed job.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from app.config import settings

LEASE_S = 5.0  # a slot not renewed for this long is free again (jobs renew every step)
SLOTS_KEY = "ogelo:job-slots"


class JobsBusy(RuntimeError):
    """Every job slot is taken; str(err) is shown to the learner."""


@lru_cache(maxsize=1)
def celery_app():
    """The Celery application (only when REDIS_URL is set)."""
    from celery import Celery

    app = Celery("ogelo", broker=settings.redis_url, backend=settings.redis_url)
    app.conf.update(
        # A hard stop a little after the job's own wall-clock limit, in case it hangs.
        task_time_limit=int(settings.job_time_limit_s) + 30,
        worker_prefetch_multiplier=1,  # long jobs: take one at a time
        task_acks_late=False,
        result_expires=3600,
        broker_connection_retry_on_startup=True,
    )
    return app


@lru_cache(maxsize=1)
def background_manager():
    """The manager Dash runs background callbacks on (one per process)."""
    if settings.redis_url:
        from dash import CeleryManager

        return CeleryManager(celery_app())
    from dash import DiskcacheManager

    return DiskcacheManager(_disk_cache())


@lru_cache(maxsize=1)
def _disk_cache():
    import diskcache

    return diskcache.Cache(
        settings.cache_dir, size_limit=settings.cache_size_limit_mb * 1024 * 1024
    )


class _DiskSlots:
    """Leases in the diskcache folder, updated in one transaction (safe across processes)."""

    def __init__(self):
        self.cache = _disk_cache()

    def _update(self, fn):
        with self.cache.transact():
            now = time.time()
            leases = {k: t for k, t in (self.cache.get(SLOTS_KEY) or {}).items() if t > now}
            result = fn(leases, now)
            self.cache.set(SLOTS_KEY, leases)
            return result

    def acquire(self, token: str, limit: int) -> bool:
        def take(leases, now):
            if token not in leases and len(leases) >= limit:
                return False
            leases[token] = now + LEASE_S
            return True

        return self._update(take)

    def renew(self, token: str) -> None:
        self._update(lambda leases, now: leases.__setitem__(token, now + LEASE_S))

    def release(self, token: str) -> None:
        self._update(lambda leases, now: leases.pop(token, None))

    def running(self) -> int:
        return self._update(lambda leases, now: len(leases))


class _RedisSlots:
    """Leases in a Redis sorted set scored by expiry time; one Lua script keeps it atomic."""

    ACQUIRE = """
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
    if redis.call('ZSCORE', KEYS[1], ARGV[3]) or
       redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
      redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
      return 1
    end
    return 0
    """

    def __init__(self):
        import redis

        self.redis = redis.Redis.from_url(settings.redis_url)
        self._acquire = self.redis.register_script(self.ACQUIRE)

    def acquire(self, token: str, limit: int) -> bool:
        now = time.time()
        return bool(self._acquire(keys=[SLOTS_KEY], args=[now, now + LEASE_S, token, limit]))

    def renew(self, token: str) -> None:
        self.redis.zadd(SLOTS_KEY, {token: time.time() + LEASE_S})

    def release(self, token: str) -> None:
        self.redis.zrem(SLOTS_KEY, token)

    def running(self) -> int:
        self.redis.zremrangebyscore(SLOTS_KEY, "-inf", time.time())
        return int(self.redis.zcard(SLOTS_KEY))


def _slots():
    return _RedisSlots() if settings.redis_url else _DiskSlots()


class Lease:
    """A held job slot; call `renew()` at least every few seconds while working."""

    def __init__(self, store, token: str):
        self._store, self.token = store, token
        self._renewed = time.monotonic()

    def renew(self) -> None:
        if time.monotonic() - self._renewed > LEASE_S / 4:  # no store write every step
            self._store.renew(self.token)
            self._renewed = time.monotonic()


@contextmanager
def job_slot(limit: int | None = None) -> Iterator[Lease]:
    """Hold one of the `settings.job_max_concurrent` job slots, or raise JobsBusy."""
    limit = settings.job_max_concurrent if limit is None else limit
    store = _slots()
    token = uuid.uuid4().hex
    if not store.acquire(token, limit):
        raise JobsBusy(
            f"The server is busy: {limit} job{'s' if limit != 1 else ''} (training, "
            "fine-tuning or cleaning) already running. Try again in a moment."
        )
    try:
        yield Lease(store, token)
    finally:
        store.release(token)


def jobs_running() -> int:
    """How many job slots are held right now (expired leases not counted)."""
    return _slots().running()


class JobGuard:
    """The stop policy and progress pacing every job shares. Pass `guard.stop_now` as the
    training loop's `should_stop`: it renews the lease, then stops the job when the learner
    cancels or the wall-clock limit (`settings.job_time_limit_s`) is reached, recording why
    in `stopped_because`. `report_due()` says when progress is worth sending again."""

    def __init__(self, lease: Lease, should_stop=None, *, progress_every_s: float = 0.4):
        self.lease, self._cancelled = lease, should_stop
        self.progress_every_s = progress_every_s
        self.started = time.monotonic()
        self._last_report = float("-inf")
        self.stopped_because: str | None = None

    def stop_now(self) -> bool:
        self.lease.renew()
        if self._cancelled is not None and self._cancelled():
            self.stopped_because = "cancelled"
        elif time.monotonic() - self.started > settings.job_time_limit_s:
            self.stopped_because = "time limit"
        return self.stopped_because is not None

    def report_due(self) -> bool:
        now = time.monotonic()
        if now - self._last_report < self.progress_every_s:
            return False
        self._last_report = now
        return True
