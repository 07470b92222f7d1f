"""Published model configurations, read from content/tables/model_presets.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from app.core.architecture import ModelConfig

PRESETS_FILE = Path(__file__).resolve().parents[2] / "content" / "tables" / "model_presets.yaml"


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    config: ModelConfig
    source: str
    source_url: str


@lru_cache(maxsize=1)
def _presets() -> dict[str, Preset]:
    rows = yaml.safe_load(PRESETS_FILE.read_text(encoding="utf-8"))
    out = {}
    for row in rows:
        try:
            out[row["name"]] = Preset(
                row["name"],
                row["label"],
                ModelConfig.from_dict(row["config"]),
                row["source"],
                row["source_url"],
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"{PRESETS_FILE.name}: preset {row.get('name')!r}: {err}") from None
    return out


def list_presets() -> list[Preset]:
    """Every preset, in the table's order."""
    return list(_presets().values())


def get_preset(name: str) -> ModelConfig:
    """The config of preset `name` (e.g. 'llama-2-7b'); ValueError names the known ones."""
    try:
        return _presets()[name].config
    except KeyError:
        raise ValueError(
            f"Unknown model preset {name!r}. Known: {', '.join(_presets())}."
        ) from None


def preset_info(name: str) -> Preset:
    get_preset(name)
    return _presets()[name]
