"""Which tiny GPTs a learner can pick on stages 06-08: the shipped checkpoint, plus the runs
they trained on stage 05 whose weights are still on this server.

No Dash here. The runs come from the browser (the shell's `trained-runs` local store), so
every id is untrusted: only `[0-9a-f]{12}` (what `app.services.tinygpt.training` writes)
is ever turned into a path, and only inside `CACHE_DIR/models`. A run whose file is gone (the server
restarted, or the cache dropped old files) falls back to the shipped model, with a note.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.config import settings
from app.state.runs import sanitize_runs

PRETRAINED = "pretrained"
_RUN_ID = re.compile(r"[0-9a-f]{12}")


@dataclass(frozen=True)
class LoadedModel:
    """A model ready to use. `key` names it in caches ("pretrained" or the run id);
    `note` says why the learner got something other than what they picked."""

    model: object  # app.core.tinylm.TinyGPT
    tokenizer: object  # app.core.tinylm.CharTokenizer
    description: str
    key: str
    note: str | None = None


def _valid_run_id(value) -> str | None:
    return value if isinstance(value, str) and _RUN_ID.fullmatch(value) else None


def _run_path(run_id: str) -> Path:
    """The file of a run id that has already passed `_valid_run_id`."""
    return Path(settings.cache_dir) / "models" / f"{run_id}.npz"


def pretrained_label() -> str:
    """The shipped model's dropdown label, from its own meta, e.g. 'Shipped model:
    2 layers × 96 wide, 246k parameters, 800 steps'."""
    from app.core.tinylm import load_pretrained

    model, _, meta = load_pretrained()
    cfg = model.config
    n_params = meta.get("n_params", cfg.n_params())
    steps = meta.get("steps")
    trained = f", {steps:,} steps" if isinstance(steps, int) else ""
    return (
        f"Shipped model: {cfg.n_layers} layers × {cfg.d_model} wide, "
        f"{n_params / 1000:.0f}k parameters{trained}"
    )


def model_choices(runs) -> list[tuple[str, str]]:
    """(value, label) of every model the learner can pick: the shipped one first, then
    their finished runs (newest first) whose saved weights exist on this server."""
    choices = [(PRETRAINED, pretrained_label())]
    seen = set()
    for run in reversed(sanitize_runs(runs)):
        run_id = _valid_run_id(run["id"])
        if run_id is None or run_id in seen or run.get("stopped_because") == "diverged":
            continue
        if _run_path(run_id).is_file():
            seen.add(run_id)
            choices.append((run_id, f"Your run: {run['label']}"))
    return choices


def _describe(model, what: str) -> str:
    cfg = model.config
    return (
        f"{what}: {cfg.n_layers} layers, {cfg.d_model} wide, {cfg.n_heads} heads, "
        f"a {cfg.seq_len}-character context and {cfg.vocab_size} characters in its "
        f"vocabulary; {cfg.n_params():,} parameters."
    )


@lru_cache(maxsize=8)
def _load_run(run_id: str, mtime_ns: int):
    """(model, tokenizer, meta) of a saved run; the mtime in the key notices a new file."""
    from app.core.tinylm import TinyGPT

    model, tokenizer, meta = TinyGPT.load(_run_path(run_id))
    if tokenizer is None:
        raise ValueError("the file has no tokenizer")
    if not all(math.isfinite(float(np.abs(p).max())) for p in model.params.values()):
        raise ValueError("its weights blew up during training (they hold NaN or infinity)")
    return model, tokenizer, meta


def resolve(value) -> LoadedModel:
    """The model behind a dropdown value, falling back to the shipped one with a note."""
    from app.core.tinylm import load_pretrained

    run_id = _valid_run_id(value)
    note = None
    if run_id is not None:
        path = _run_path(run_id)
        try:
            model, tokenizer, _ = _load_run(run_id, path.stat().st_mtime_ns)
        except FileNotFoundError:
            note = (
                "That run's saved weights are no longer on this server (it may have "
                "restarted), so this shows the shipped model instead. Train it again "
                "on stage 05 to bring it back."
            )
        except Exception as err:  # a damaged file must not break the page: say so instead
            note = f"That run's saved model cannot be used ({err}), so this shows the shipped one."
        else:
            return LoadedModel(model, tokenizer, _describe(model, "Your run"), run_id)
    elif value != PRETRAINED:
        note = "That is not one of the models on offer, so this shows the shipped model."
    model, tokenizer, _ = load_pretrained()
    return LoadedModel(model, tokenizer, _describe(model, "Shipped model"), PRETRAINED, note)


def load_choice(value) -> tuple:
    """(model, tokenizer, description) for a dropdown value; the description starts with
    the note when the shipped model stands in for a run that is gone."""
    loaded = resolve(value)
    description = f"{loaded.note} {loaded.description}" if loaded.note else loaded.description
    return loaded.model, loaded.tokenizer, description


VAL_WINDOWS = 64  # evenly spaced windows of the held-out text: a fixed, cheap sample


@lru_cache(maxsize=8)
def corpus_ids(model_key: str) -> tuple[np.ndarray, np.ndarray]:
    """(train ids, validation ids) of the shipped corpus in this model's vocabulary."""
    from app.core.tinylm import load_corpus

    tokenizer = resolve(model_key).tokenizer
    train_text, val_text = load_corpus(settings.content_dir)
    return (
        np.asarray(tokenizer.encode(train_text), dtype=np.int64),
        np.asarray(tokenizer.encode(val_text), dtype=np.int64),
    )


@lru_cache(maxsize=8)
def validation_loss(model_key: str) -> float:
    """Mean loss (nats per character) of a model (by `LoadedModel.key`) on VAL_WINDOWS
    fixed windows of the guide's held-out text; computed once per model."""
    from app.core.tinylm.train import text_loss

    model = resolve(model_key).model
    return text_loss(model, corpus_ids(model_key)[1], max_windows=VAL_WINDOWS)


def to_model_config(tiny_config):
    """The tiny GPT's shape as an `app.core.architecture.ModelConfig`, so the serving
    arithmetic of `app.core.serving` applies to it unchanged (GPT-2 style: LayerNorm,
    GELU, learned positions, tied embeddings, one KV head per attention head)."""
    from app.core.architecture import ModelConfig

    return ModelConfig(
        n_layers=tiny_config.n_layers,
        d_model=tiny_config.d_model,
        n_heads=tiny_config.n_heads,
        vocab_size=tiny_config.vocab_size,
        seq_len=tiny_config.seq_len,
    )
