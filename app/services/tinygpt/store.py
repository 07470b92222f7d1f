"""The model store: where trained (stage 05) and fine-tuned (stage 06) tiny GPTs live, so
that every process on every machine sees them (the jobs' backend: the diskcache folder on
one machine, Redis when REDIS_URL is set).

One small interface::

    store = model_store()
    store.put(learner, "trained", run_id, data, meta)   # data: the .npz bytes
    store.get(learner, run_id)  -> (data, meta) | None  # only the owner gets it
    store.list(learner, kinds)  -> [StoredModel, ...]   # newest first

Sized for a class (settings in `app.config`): each learner keeps their newest
`MODEL_STORE_RUNS_PER_LEARNER` models of each kind, each for `MODEL_STORE_TTL_S`
seconds, and all models together stay under `MODEL_STORE_MAX_MB`, the oldest evicted
first. Learner ids and run ids come from the browser: both are checked, and a learner
never sees or loads another learner's model.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from app.config import settings
from app.services.jobs import Clock, DiskKV, backend, clean_learner_id

KINDS = ("trained", "finetuned")
INDEX_KEY = "ogelo:models:index"
_HEX = set("0123456789abcdef")


def clean_run_id(value) -> str | None:
    """A run id (12 hex digits, as the jobs write them), else None."""
    if isinstance(value, str) and len(value) == 12 and set(value) <= _HEX:
        return value
    return None


@dataclass(frozen=True)
class StoredModel:
    run_id: str
    learner: str
    kind: str
    label: str
    created: float
    size: int
    meta: dict = field(default_factory=dict)


class ModelStore:
    """Models on a KV (`app.services.jobs.DiskKV` or `RedisKV`); `clock` is injectable."""

    def __init__(
        self,
        kv,
        clock: Clock = time.time,
        *,
        per_learner: int | None = None,
        ttl_s: float | None = None,
        max_bytes: int | None = None,
    ):
        self.kv, self.clock = kv, clock
        self.per_learner = (
            settings.model_store_runs_per_learner if per_learner is None else per_learner
        )
        self.ttl_s = settings.model_store_ttl_s if ttl_s is None else ttl_s
        self.max_bytes = (
            settings.model_store_max_mb * 1024 * 1024 if max_bytes is None else max_bytes
        )

    # the index: {run_id: StoredModel as a dict}, read and written under one lock
    def _index(self) -> dict[str, StoredModel]:
        raw = self.kv.get(INDEX_KEY)
        try:
            data = json.loads(raw) if raw is not None else {}
        except (TypeError, ValueError):
            data = {}
        now = self.clock()
        out = {}
        for run_id, rec in data.items() if isinstance(data, dict) else ():
            try:
                model = StoredModel(**rec)
            except TypeError:
                continue
            if model.created + self.ttl_s > now:
                out[run_id] = model
        return out

    def _save_index(self, index: dict[str, StoredModel], before: set[str]) -> None:
        for gone in before - set(index):
            self.kv.delete(_blob_key(gone))
        self.kv.set(INDEX_KEY, json.dumps({k: asdict(v) for k, v in index.items()}))

    def put(self, learner, kind: str, run_id, data: bytes, meta: dict | None = None) -> None:
        learner, run_id = clean_learner_id(learner), clean_run_id(run_id)
        if learner is None or run_id is None or kind not in KINDS:
            raise ValueError("a model needs a valid learner id, run id and kind")
        meta = dict(meta or {})
        label = str(meta.pop("label", run_id))[:80]
        with self.kv.lock(INDEX_KEY):
            raw = self.kv.get(INDEX_KEY)
            before = set(json.loads(raw)) if raw else set()
            index = self._index()
            self.kv.set(_blob_key(run_id), bytes(data), self.ttl_s + 60)
            index[run_id] = StoredModel(run_id, learner, kind, label, self.clock(), len(data), meta)
            mine = sorted(
                (m for m in index.values() if m.learner == learner and m.kind == kind),
                key=lambda m: m.created,
                reverse=True,
            )
            for old in mine[self.per_learner :]:
                index.pop(old.run_id)
            by_age = sorted(index.values(), key=lambda m: m.created)
            total = sum(m.size for m in by_age)
            for old in by_age:
                if total <= self.max_bytes or old.run_id == run_id:
                    break
                index.pop(old.run_id)
                total -= old.size
            self._save_index(index, before | {run_id})

    def get(self, learner, run_id) -> tuple[bytes, StoredModel] | None:
        """(the model's bytes, its record) if `learner` owns `run_id` and it is kept."""
        learner, run_id = clean_learner_id(learner), clean_run_id(run_id)
        if learner is None or run_id is None:
            return None
        record = self._index().get(run_id)
        if record is None or record.learner != learner:
            return None
        data = self.kv.get(_blob_key(run_id))
        return (bytes(data), record) if data is not None else None

    def list(self, learner, kinds: tuple[str, ...] = KINDS) -> list[StoredModel]:
        """The learner's kept models of these kinds, newest first."""
        learner = clean_learner_id(learner)
        if learner is None:
            return []
        return sorted(
            (m for m in self._index().values() if m.learner == learner and m.kind in kinds),
            key=lambda m: m.created,
            reverse=True,
        )

    def total_bytes(self) -> int:
        return sum(m.size for m in self._index().values())


def _blob_key(run_id: str) -> str:
    return f"ogelo:model:{run_id}"


@lru_cache(maxsize=1)
def _models_cache():
    """A diskcache folder of its own (CACHE_DIR/models), with no eviction of its own: the
    store's index decides what goes (the job cache's size limit must not drop models)."""
    from pathlib import Path

    import diskcache

    return diskcache.Cache(str(Path(settings.cache_dir) / "models"), eviction_policy="none")


def model_store() -> ModelStore:
    """The store on this process's jobs backend (Redis, or its own diskcache folder)."""
    return ModelStore(backend() if settings.redis_url else DiskKV(_models_cache()))
