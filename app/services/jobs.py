"""Background jobs: slots, identity, and the one skeleton every job lab runs on.

A *job* is one press of Start: it gets its own random id (never its inputs), runs in its
own process, writes its progress and result to the *board*, and the page reads them back
by polling (a `dcc.Interval`, see `app.components.job_controls`). Nothing about a job
lives in the web process's memory, so a reloaded page re-attaches to its running job and
any web process (or machine) can answer for it.

Where it runs and where the board lives:
- No REDIS_URL: the board is a diskcache folder (`settings.cache_dir`); a job runs in a
  fresh Python process started by the web process (several gunicorn workers on one
  machine share the folder).
- REDIS_URL set: the board is Redis; a job runs as the Celery task `ogelo.run_job` on a
  worker (`celery -A app.worker worker`, the Procfile's `worker:` line).

The life of a job (web side `start_job`/`poll_job`/`cancel_job`; job side `execute`):
1. parse: the lab turns the form into JSON params, or names every bad field (InputError).
2. start: a *slot* is taken before any process starts: at most
   `settings.job_max_concurrent` jobs on the server and one per learner (browser), else
   `JobsBusy`. A slot is a lease the job renews as it works; a job that dies stops
   renewing and its slot frees itself `LEASE_S` later.
3. progress: the job calls `guard.report(payload)`; `poll_job` returns the latest.
4. cancel: `cancel_job` sets a flag the job sees within a step. A job nobody has polled
   for `settings.job_unpolled_s` seconds (the tab was closed) stops itself the same way.
5. result: the job function returns a JSON dict (a dataclass's `to_json()`); InputError,
   busy and unexpected errors (logged with `log.exception`) become a message, in one place.

Adding a job kind (how DPO or any new lab reuses this)::

    from app.services.jobs import JobGuard, job_kind

    @job_kind("dpo")
    def run_dpo_job(params: dict, guard: JobGuard) -> dict:
        run = DpoSettings(**params)                # params are what your lab's parse returned
        for step in ...:
            if guard.stop_now():                   # cancel, time limit, tab closed
                break
            guard.report({"step": step, ...})      # JSON; throttled for you
        return DpoResult(...).to_json()

and in the lab, `app.components.job_controls.job_lab(JobLab(kind="dpo", ...))` wires
Start, Cancel, the bar and the result. The module defining the kind must be imported by
the lab (so the Celery worker, which imports every lab, knows it too). The real DPO kind
is `app.services.tinygpt.dpo`; a job that starts processes of its own (a multiprocessing
pool) registers with `job_kind(name, spawns_processes=True)`, see
`app.services.throughput`. Run locally, every job is a fresh Python process
(`app.services.job_process`), never a fork of the threaded web process.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from app.config import settings
from app.state.learner import sanitize as clean_learner_id  # noqa: F401 (re-exported)
from app.validation import InputError

log = logging.getLogger(__name__)

Clock = Callable[[], float]
LEASE_S = 5.0  # a slot not renewed for this long is free again (jobs renew every step)
START_GRACE_S = 30.0  # a queued job's first lease: time for a worker to pick it up
RECORD_TTL_S = 3600  # a job's progress and result are kept this long
SLOTS_KEY = "ogelo:job-slots"


class JobsBusy(RuntimeError):
    """No slot for this job; str(err) is shown to the learner."""


class FormErrors(InputError):
    """Several fields are wrong at once: `errors` maps field name → sentence."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))


def clean_job_id(value) -> str | None:
    if isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value):
        return value
    return None


# ---------------------------------------------------------------- the backend: a tiny KV


class DiskKV:
    """Strings and bytes in a diskcache folder; `lock()` is a cross-process transaction."""

    def __init__(self, cache):
        self.cache = cache

    def get(self, key: str):
        return self.cache.get(key)

    def set(self, key: str, value, ttl_s: float | None = None) -> None:
        self.cache.set(key, value, expire=ttl_s)

    def delete(self, key: str) -> None:
        self.cache.delete(key)

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        with self.cache.transact():
            yield


class RedisKV:
    """The same on Redis; `lock()` is a Redis lock (several machines)."""

    def __init__(self, client):
        self.redis = client

    def get(self, key: str):
        return self.redis.get(key)

    def set(self, key: str, value, ttl_s: float | None = None) -> None:
        self.redis.set(key, value, ex=max(1, int(ttl_s)) if ttl_s else None)

    def delete(self, key: str) -> None:
        self.redis.delete(key)

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        with self.redis.lock(f"{name}:lock", timeout=10, blocking_timeout=10):
            yield


@lru_cache(maxsize=1)
def _disk_cache():
    import diskcache

    return diskcache.Cache(
        settings.cache_dir, size_limit=settings.cache_size_limit_mb * 1024 * 1024
    )


@lru_cache(maxsize=1)
def backend():
    """This process's KV: Redis when REDIS_URL is set, else the diskcache folder."""
    if settings.redis_url:
        import redis

        return RedisKV(redis.Redis.from_url(settings.redis_url))
    return DiskKV(_disk_cache())


def _load(raw):
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- the board


class Board:
    """Slots (leases) and job records on a KV. `clock` is injectable for tests."""

    def __init__(self, kv, clock: Clock = time.time):
        self.kv, self.clock = kv, clock

    # slots ------------------------------------------------------------------------------
    def _leases(self) -> dict:
        now = self.clock()
        leases = _load(self.kv.get(SLOTS_KEY)) or {}
        return {
            k: v
            for k, v in leases.items()
            if isinstance(v, dict) and isinstance(v.get("until"), (int, float)) and v["until"] > now
        }

    def acquire(self, token: str, learner: str, limit: int, lease_s: float = LEASE_S) -> None:
        """Take a slot for `token` or raise JobsBusy (this learner's own job first)."""
        with self.kv.lock(SLOTS_KEY):
            leases = self._leases()
            if any(v.get("learner") == learner and k != token for k, v in leases.items()):
                raise JobsBusy(
                    "You already have a run going (in this tab or another one): wait for "
                    "it to finish, or cancel it, then start again."
                )
            if token not in leases and len(leases) >= limit:
                raise JobsBusy(
                    f"The server is busy: {limit} job{'s' if limit != 1 else ''} (training, "
                    "fine-tuning or cleaning) already running. Try again in a moment."
                )
            leases[token] = {"until": self.clock() + lease_s, "learner": learner}
            self.kv.set(SLOTS_KEY, json.dumps(leases))

    def renew(self, token: str) -> None:
        with self.kv.lock(SLOTS_KEY):
            leases = self._leases()
            if token in leases:
                leases[token]["until"] = self.clock() + LEASE_S
                self.kv.set(SLOTS_KEY, json.dumps(leases))

    def release(self, token: str) -> None:
        with self.kv.lock(SLOTS_KEY):
            leases = self._leases()
            leases.pop(token, None)
            self.kv.set(SLOTS_KEY, json.dumps(leases))

    def running(self) -> int:
        return len(self._leases())

    # job records: meta (written once), state (by the job), polled and cancel (by the web)
    def create(self, job_id: str, kind: str, learner: str) -> None:
        meta = {"kind": kind, "learner": learner, "created": self.clock()}
        self.kv.set(f"ogelo:job:{job_id}:meta", json.dumps(meta), RECORD_TTL_S)
        self.set_state(job_id, status="queued")
        self.touch(job_id)

    def owner(self, job_id: str) -> str | None:
        meta = _load(self.kv.get(f"ogelo:job:{job_id}:meta"))
        return meta.get("learner") if isinstance(meta, dict) else None

    def set_state(self, job_id: str, **state) -> None:
        self.kv.set(f"ogelo:job:{job_id}:state", json.dumps(state), RECORD_TTL_S)

    def state(self, job_id: str) -> dict | None:
        state = _load(self.kv.get(f"ogelo:job:{job_id}:state"))
        return state if isinstance(state, dict) else None

    def touch(self, job_id: str) -> None:
        self.kv.set(f"ogelo:job:{job_id}:polled", repr(self.clock()), RECORD_TTL_S)

    def unpolled_for(self, job_id: str) -> float:
        raw = self.kv.get(f"ogelo:job:{job_id}:polled")
        try:
            return self.clock() - float(raw.decode() if isinstance(raw, bytes) else raw)
        except (TypeError, ValueError, AttributeError):
            return float("inf")

    def request_cancel(self, job_id: str) -> None:
        self.kv.set(f"ogelo:job:{job_id}:cancel", "1", RECORD_TTL_S)

    def cancel_requested(self, job_id: str) -> bool:
        return self.kv.get(f"ogelo:job:{job_id}:cancel") is not None


def board() -> Board:
    return Board(backend())


# ---------------------------------------------------------------- the job side


class JobLease:
    """What a running job holds: its slot (renewed at most every LEASE_S / 4) and its
    record, read for a cancel or abandonment at most every `check_every_s`."""

    def __init__(self, board: Board, job_id: str, *, check_every_s: float = 0.25):
        self.board, self.job_id, self.check_every_s = board, job_id, check_every_s
        self._renewed = self._checked = float("-inf")
        self._reason: str | None = None

    def renew(self) -> None:
        now = self.board.clock()
        if now - self._renewed > LEASE_S / 4:
            self.board.renew(self.job_id)
            self._renewed = now

    def stop_reason(self) -> str | None:
        """'cancelled' (the learner pressed Cancel), 'abandoned' (nobody has polled for
        `settings.job_unpolled_s`: the tab is gone), or None."""
        now = self.board.clock()
        if self._reason is None and now - self._checked >= self.check_every_s:
            self._checked = now
            if self.board.cancel_requested(self.job_id):
                self._reason = "cancelled"
            elif self.board.unpolled_for(self.job_id) > settings.job_unpolled_s:
                self._reason = "abandoned"
        return self._reason

    def report(self, payload: dict) -> None:
        self.board.set_state(self.job_id, status="running", progress=payload)


class JobGuard:
    """The stop policy and progress pacing every job shares. Pass `guard.stop_now` as the
    training loop's `should_stop`: it renews the lease, then stops the job on a cancel, an
    abandoned page, `should_stop()` or the wall-clock limit (`settings.job_time_limit_s`),
    recording why in `stopped_because`. `report(payload)` sends progress at most every
    `progress_every_s` (always with `force=True`). With no lease (tests, or a job run
    in place) only `should_stop`, the time limit and `on_progress` apply."""

    def __init__(
        self,
        lease: JobLease | None = None,
        should_stop: Callable[[], bool] | None = None,
        *,
        on_progress: Callable[[dict], None] | None = None,
        progress_every_s: float = 0.4,
        clock: Clock = time.monotonic,
    ):
        self.lease, self._should_stop, self._on_progress = lease, should_stop, on_progress
        self.progress_every_s, self.clock = progress_every_s, clock
        self.started = clock()
        self._last_report = float("-inf")
        self.stopped_because: str | None = None

    def stop_now(self) -> bool:
        if self.stopped_because is not None:
            return True
        if settings.job_min_step_s > 0:  # tests only: a run slow enough to watch
            time.sleep(settings.job_min_step_s)
        if self.lease is not None:
            self.lease.renew()
            self.stopped_because = self.lease.stop_reason()
        if self.stopped_because is None:
            if self._should_stop is not None and self._should_stop():
                self.stopped_because = "cancelled"
            elif self.clock() - self.started > settings.job_time_limit_s:
                self.stopped_because = "time limit"
        return self.stopped_because is not None

    def restart_clock(self) -> None:
        """Count the time limit from now (after a job's set-up, e.g. its first sample)."""
        self.started = self.clock()

    def report_due(self) -> bool:
        now = self.clock()
        if now - self._last_report < self.progress_every_s:
            return False
        self._last_report = now
        return True

    def report(self, payload: dict, *, force: bool = False) -> None:
        if not (force or self.report_due()):
            return
        if self.lease is not None:
            self.lease.report(payload)
        if self._on_progress is not None:
            self._on_progress(payload)


JobFn = Callable[[dict, JobGuard], dict]
JOB_KINDS: dict[str, JobFn] = {}


def job_kind(name: str, *, spawns_processes: bool = False):
    """Register `fn(params, guard) -> result JSON` as the job kind `name`, at the top
    level of a module (a job's process imports that module to find it).
    `spawns_processes`: the job starts child processes (e.g. a multiprocessing pool). Run
    locally it may (its process is an ordinary one); a Celery prefork worker is daemonic,
    so such a job must check `multiprocessing.current_process().daemon` and do without."""

    def register(fn: JobFn) -> JobFn:
        JOB_KINDS[name] = fn
        return fn

    return register


FAILED = "Something went wrong on the server and the run stopped. Please try again."


def execute(kind: str, job_id: str, params: dict, board_: Board | None = None) -> None:
    """Run one job to its end in this process, writing its state to the board. Every
    ending is handled here: done, cancelled/abandoned, InputError, busy, or a bug."""
    b = board_ or board()
    lease = JobLease(b, job_id)
    guard = JobGuard(lease, progress_every_s=settings.job_progress_every_s)
    try:
        fn = JOB_KINDS[kind]
        b.set_state(job_id, status="running")
        result = fn(params, guard)
        progress = (b.state(job_id) or {}).get("progress")
        if guard.stopped_because in ("cancelled", "abandoned"):
            b.set_state(job_id, status="cancelled", progress=progress)
        else:
            b.set_state(job_id, status="done", progress=progress, result=result)
    except (InputError, JobsBusy) as err:
        b.set_state(job_id, status="error", message=str(err))
    except Exception:
        log.exception("job %s (%s) failed", job_id, kind)
        b.set_state(job_id, status="error", message=FAILED)
    finally:
        b.release(job_id)


# ---------------------------------------------------------------- the web side


def _settings_env() -> dict[str, str]:
    """The settings in force, as the environment variables that give them, so that a job's
    fresh process reads exactly what this process uses (tests change them in-process)."""
    from dataclasses import fields

    from app.config import Settings

    return {f.metadata["env"]: str(getattr(settings, f.name)) for f in fields(Settings)}


_children: list = []  # this process's running job processes (ended ones are reaped)


def launch_local(kind: str, job_id: str, params: dict) -> None:
    """Run the job in a fresh Python process (`python -m app.services.job_process`).

    Not a fork: a fork of the threaded web process inherits any lock another thread held
    at that instant (SQLite's, BLAS's) and can hang on it. The new process imports only
    the module that defines the kind, reads the same settings, and writes to the board."""
    import subprocess
    import sys

    from app.config import ROOT

    _children[:] = [c for c in _children if c.poll() is None]
    env = {**os.environ, **_settings_env()}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    fn = JOB_KINDS[kind]
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.services.job_process",
            fn.__module__,
            fn.__name__,
            kind,
            job_id,
        ],
        stdin=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    child.stdin.write(json.dumps(params).encode("utf-8"))
    child.stdin.close()
    _children.append(child)


@atexit.register
def _stop_children() -> None:
    """A job outlives no web process (they were daemonic children before)."""
    for child in _children:
        if child.poll() is None:
            child.terminate()


def launch_celery(kind: str, job_id: str, params: dict) -> None:
    celery_app().send_task("ogelo.run_job", args=[kind, job_id, params])


def start_job(
    kind: str,
    params: dict,
    learner: str,
    *,
    board_: Board | None = None,
    launch: Callable[[str, str, dict], None] | None = None,
    result: dict | None = None,
) -> str:
    """Start one job (a fresh id per call) and return its id, or raise JobsBusy. The slot
    is taken before any process starts. `result`: the answer is already known (e.g. from a
    cache): record it as done, with no slot and no process."""
    b = board_ or board()
    job_id = uuid.uuid4().hex
    if result is not None:
        b.create(job_id, kind, learner)
        b.set_state(job_id, status="done", result=result)
        return job_id
    if kind not in JOB_KINDS:
        raise KeyError(f"unknown job kind {kind!r}")
    b.acquire(job_id, learner, settings.job_max_concurrent, lease_s=START_GRACE_S)
    b.create(job_id, kind, learner)
    try:
        (launch or (launch_celery if settings.redis_url else launch_local))(kind, job_id, params)
    except Exception:
        b.release(job_id)
        b.set_state(job_id, status="error", message=FAILED)
        raise
    return job_id


def poll_job(job_id, learner, *, board_: Board | None = None) -> dict | None:
    """The job's state for its owner (and a heartbeat: the job is still watched), or None
    when the id is malformed, unknown, expired or someone else's."""
    b = board_ or board()
    job_id = clean_job_id(job_id)
    if job_id is None or learner is None or b.owner(job_id) != learner:
        return None
    state = b.state(job_id)
    if state is not None and state.get("status") in ("queued", "running"):
        b.touch(job_id)
    return state


def cancel_job(job_id, learner, *, board_: Board | None = None) -> bool:
    b = board_ or board()
    job_id = clean_job_id(job_id)
    if job_id is None or learner is None or b.owner(job_id) != learner:
        return False
    b.request_cancel(job_id)
    return True


def jobs_running() -> int:
    """How many job slots are held right now (expired leases not counted)."""
    return board().running()


# ---------------------------------------------------------------- Celery (REDIS_URL set)


@lru_cache(maxsize=1)
def celery_app():
    """The Celery application (only when REDIS_URL is set), with the one job task."""
    from celery import Celery

    app = Celery("ogelo", broker=settings.redis_url, backend=settings.redis_url)
    app.conf.update(
        # A hard stop a little after the job's own wall-clock limit, in case it hangs.
        task_time_limit=int(settings.job_time_limit_s) + 30,
        worker_prefetch_multiplier=1,  # long jobs: take one at a time
        task_acks_late=False,
        broker_connection_retry_on_startup=True,
    )
    app.task(name="ogelo.run_job")(execute)
    return app
