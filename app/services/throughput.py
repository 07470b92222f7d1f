"""The throughput measurement of the data-engineering page, as a job (kind "throughput"):
each stage-03 step timed in one process and in a pool of worker processes, then the peak
memory of streaming versus loading. The science is `app.core.dataeng.throughput`.

No Dash here: the lab `app.labs.dataeng_throughput` starts the job through `job_lab`. The
job starts worker processes, so it is registered with `spawns_processes=True` (run
locally, its process may have children). Where it may not (a Celery prefork worker is a
daemonic process), `measure_steps` measures one process only and says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields

from app.core.dataeng.throughput import (
    MAX_DOCS,
    MAX_WORKERS,
    STEPS,
    documents,
    measure_steps,
    peak_memory,
)
from app.services.jobs import FormErrors, JobGuard, job_kind
from app.validation import InputError, NumberSpec, parse_fields

MEMORY_DOCS = 1000
MEASUREMENTS = 2 * len(STEPS) + 2  # each step twice, then memory streaming and loaded

FIELDS = (
    NumberSpec("docs", "Documents", 300, 50, MAX_DOCS, True),
    NumberSpec("workers", "Worker processes", 2, 2, MAX_WORKERS, True),
)


@dataclass(frozen=True)
class ThroughputSettings:
    docs: int = 300
    workers: int = 2


def parse_settings(raw: dict) -> ThroughputSettings:
    """Typed settings, or FormErrors (an InputError) naming every bad field at once."""
    values, errors = parse_fields(FIELDS, raw)
    if errors:
        raise FormErrors(errors)
    return ThroughputSettings(int(values["docs"]), int(values["workers"]))


@dataclass(frozen=True)
class ThroughputResult:
    """`measurement` is `measure_steps`' dict (docs/s per step, one process and many);
    `stream`/`loaded` are (peak bytes, documents) of `peak_memory`."""

    measurement: dict
    stream: tuple[int, int]
    loaded: tuple[int, int]

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ThroughputResult:
        values = {f.name: data[f.name] for f in fields(cls)}
        return cls(values["measurement"], tuple(values["stream"]), tuple(values["loaded"]))


def run_throughput(
    run: ThroughputSettings,
    on_progress: Callable[[dict], None] | None = None,
    *,
    guard: JobGuard | None = None,
) -> ThroughputResult | None:
    """Measure and return the result, or None when stopped (cancel, closed tab, time
    limit) before the end. Progress is the measurement so far, with `memory_done` (0–2)
    and `finished`."""
    if guard is None:
        guard = JobGuard(None, on_progress=on_progress, progress_every_s=0.0)

    def step(m: dict) -> bool:
        guard.report({**m, "memory_done": 0, "finished": False}, force=True)
        return guard.stop_now()

    m = measure_steps(documents(run.docs), run.workers, on_step=step)
    if guard.stop_now():
        return None
    stream = peak_memory(MEMORY_DOCS, streaming=True)
    guard.report({**m, "memory_done": 1, "finished": False}, force=True)
    if guard.stop_now():
        return None
    loaded = peak_memory(MEMORY_DOCS, streaming=False)
    guard.report({**m, "memory_done": 2, "finished": True}, force=True)
    return ThroughputResult(m, stream, loaded)


@job_kind("throughput", spawns_processes=True)
def throughput_job(params: dict, guard: JobGuard) -> dict | None:
    """The job: params {"run": ThroughputSettings as a dict, "learner": id}."""
    result = run_throughput(ThroughputSettings(**params["run"]), guard=guard)
    if result is None:
        if guard.stopped_because not in (
            "cancelled",
            "abandoned",
        ):  # the time limit: say so, plainly
            raise InputError(
                "The measurement reached the server's time limit and stopped. Try fewer documents."
            )
        return None
    return result.to_json()
