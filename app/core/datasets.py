"""Open pre-training datasets and their sizes (content/tables/datasets.yaml), each sourced."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATASETS_FILE = Path(__file__).resolve().parents[2] / "content" / "tables" / "datasets.yaml"


@dataclass(frozen=True)
class Dataset:
    name: str
    tokens: float
    source: str
    source_url: str


@lru_cache(maxsize=1)
def list_datasets() -> tuple[Dataset, ...]:
    rows = yaml.safe_load(DATASETS_FILE.read_text(encoding="utf-8"))
    out = tuple(Dataset(**row) for row in rows)
    for d in out:
        if d.tokens <= 0 or not d.source:
            raise ValueError(f"{DATASETS_FILE.name}: {d.name} needs positive tokens and a source")
    return out
