"""The accelerator table (content/tables/gpus.yaml): throughput, memory, bandwidth, price."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

GPUS_FILE = Path(__file__).resolve().parents[2] / "content" / "tables" / "gpus.yaml"


@dataclass(frozen=True)
class GPU:
    name: str
    bf16_tflops: float  # dense, no sparsity
    memory_gb: float
    bandwidth_tbs: float
    price_per_hour: float
    price_date: str
    price_source: str
    source: str
    source_url: str


@lru_cache(maxsize=1)
def _gpus() -> dict[str, GPU]:
    rows = yaml.safe_load(GPUS_FILE.read_text(encoding="utf-8"))
    out = {}
    for row in rows:
        row = {**row, "price_date": str(row["price_date"])}
        gpu = GPU(**row)
        if min(gpu.bf16_tflops, gpu.memory_gb, gpu.bandwidth_tbs) <= 0:
            raise ValueError(f"{GPUS_FILE.name}: {gpu.name} has a non-positive spec")
        out[gpu.name] = gpu
    return out


def list_gpus() -> list[GPU]:
    return list(_gpus().values())


def get_gpu(name: str) -> GPU:
    try:
        return _gpus()[name]
    except KeyError:
        raise ValueError(f"Unknown GPU {name!r}. Known: {', '.join(_gpus())}.") from None
