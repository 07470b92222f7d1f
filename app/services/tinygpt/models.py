"""Which tiny GPTs a learner can pick on stages 06-08: the shipped checkpoint, plus the
models they trained on stage 05 and fine-tuned on stage 06, kept in the model store
(`app.services.tinygpt.store`) that every process on every machine sees.

No Dash here. Learner ids and model ids come from the browser, so both are untrusted: the
store only answers a learner about their own models, and ids are checked before use. A
model that is gone (its time ran out, or the store was full) falls back to the shipped
model, with a note.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from app.config import settings
from app.services.tinygpt.store import clean_run_id, model_store

PRETRAINED = "pretrained"
KIND_LABELS = {"trained": "Your run", "finetuned": "Your fine-tune"}


@dataclass(frozen=True)
class LoadedModel:
    """A model ready to use. `key` names it in caches ("pretrained" or the run id);
    `note` says why the learner got something other than what they picked."""

    model: object  # app.core.tinylm.TinyGPT
    tokenizer: object  # app.core.tinylm.CharTokenizer
    description: str
    key: str
    note: str | None = None


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


def model_choices(learner, kinds: tuple[str, ...] = ("trained", "finetuned")) -> list[tuple]:
    """(value, label) of every model the learner can pick: the shipped one first, then
    their own kept models of these kinds, newest first."""
    choices = [(PRETRAINED, pretrained_label())]
    for m in model_store().list(learner, kinds):
        choices.append((m.run_id, f"{KIND_LABELS[m.kind]}: {m.label}"))
    return choices


def model_bytes(model, tokenizer, meta: dict) -> bytes:
    """A model as the bytes of one .npz file (the store keeps bytes, no pickle)."""
    buffer = io.BytesIO()
    model.save(buffer, tokenizer=tokenizer, meta=meta)
    return buffer.getvalue()


def save_model(learner, kind: str, run_id: str, model, tokenizer, label: str, meta: dict) -> None:
    """Keep a trained or fine-tuned model for its learner (no learner id: not kept)."""
    if learner is None:
        return
    data = model_bytes(model, tokenizer, meta)
    model_store().put(learner, kind, run_id, data, {**meta, "label": label})


def _describe(model, what: str) -> str:
    cfg = model.config
    return (
        f"{what}: {cfg.n_layers} layers, {cfg.d_model} wide, {cfg.n_heads} heads, "
        f"a {cfg.seq_len}-character context and {cfg.vocab_size} characters in its "
        f"vocabulary; {cfg.n_params():,} parameters."
    )


@lru_cache(maxsize=8)
def _parse(run_id: str, data: bytes):
    """(model, tokenizer, meta) from a stored model's bytes (keyed by id: ids are unique)."""
    from app.core.tinylm import TinyGPT

    fd, path = tempfile.mkstemp(suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        model, tokenizer, meta = TinyGPT.load(path)
    finally:
        os.unlink(path)
    if tokenizer is None:
        raise ValueError("the file has no tokenizer")
    if not all(math.isfinite(float(np.abs(p).max())) for p in model.params.values()):
        raise ValueError("its weights blew up during training (they hold NaN or infinity)")
    return model, tokenizer, meta


_LOADED: dict[str, tuple] = {}  # run id -> (model, tokenizer, what), newest 8


def _remember(run_id: str, entry: tuple) -> None:
    _LOADED[run_id] = entry
    while len(_LOADED) > 8:
        _LOADED.pop(next(iter(_LOADED)))


def resolve(value, learner=None) -> LoadedModel:
    """The model behind a dropdown value for this learner, falling back to the shipped one
    with a note (another learner's id, or one that is gone, is never loaded)."""
    from app.core.tinylm import load_pretrained

    run_id = clean_run_id(value)
    note = None
    if run_id is not None:
        try:
            found = model_store().get(learner, run_id)
            if found is None:
                note = (
                    "That model is no longer kept on this server (models are kept for a "
                    "while, a few per learner), so this shows the shipped model instead. "
                    "Train it again on stage 05 to bring it back."
                )
            else:
                data, record = found
                model, tokenizer, _ = _parse(run_id, data)
                what = "Your fine-tuned model" if record.kind == "finetuned" else "Your run"
                _remember(run_id, (model, tokenizer, what))
                return LoadedModel(model, tokenizer, _describe(model, what), run_id)
        except Exception as err:  # a damaged model must not break the page: say so instead
            note = f"That saved model cannot be used ({err}), so this shows the shipped one."
    elif value != PRETRAINED:
        note = "That is not one of the models on offer, so this shows the shipped model."
    model, tokenizer, _ = load_pretrained()
    return LoadedModel(model, tokenizer, _describe(model, "Shipped model"), PRETRAINED, note)


def by_key(key: str) -> LoadedModel:
    """A model by the `key` of a LoadedModel this process has just resolved for its owner
    (for the per-model caches of measuring); anything else gives the shipped model."""
    from app.core.tinylm import load_pretrained

    if key in _LOADED:
        model, tokenizer, what = _LOADED[key]
        return LoadedModel(model, tokenizer, _describe(model, what), key)
    model, tokenizer, _ = load_pretrained()
    return LoadedModel(model, tokenizer, _describe(model, "Shipped model"), PRETRAINED)


def load_choice(value, learner=None) -> tuple:
    """(model, tokenizer, description) for a dropdown value; the description starts with
    the note when the shipped model stands in for a model that is gone."""
    loaded = resolve(value, learner)
    description = f"{loaded.note} {loaded.description}" if loaded.note else loaded.description
    return loaded.model, loaded.tokenizer, description


VAL_WINDOWS = 64  # evenly spaced windows of the held-out text: a fixed, cheap sample


@lru_cache(maxsize=8)
def corpus_ids(model_key: str) -> tuple[np.ndarray, np.ndarray]:
    """(train ids, validation ids) of the shipped corpus in this model's vocabulary."""
    from app.core.tinylm import load_corpus

    tokenizer = by_key(model_key).tokenizer
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

    model = by_key(model_key).model
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
