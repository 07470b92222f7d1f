"""The shipped checkpoint (pretrained.npz), made by `python -m app.core.tinylm.make_checkpoint`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from app.core.tinylm.model import TinyGPT
from app.core.tinylm.tokenizer import CharTokenizer

PRETRAINED_PATH = Path(__file__).resolve().parent / "pretrained.npz"


@lru_cache(maxsize=1)
def load_pretrained() -> tuple[TinyGPT, CharTokenizer, dict]:
    """(model, tokenizer, meta) of the shipped checkpoint, read once per process.

    The model is shared by every caller: do not train it in place; use `model.copy()`.
    """
    if not PRETRAINED_PATH.exists():
        raise FileNotFoundError(
            f"{PRETRAINED_PATH.name} is missing; run `python -m app.core.tinylm.make_checkpoint`."
        )
    model, tokenizer, meta = TinyGPT.load(PRETRAINED_PATH)
    if tokenizer is None:
        raise ValueError(f"{PRETRAINED_PATH.name} has no tokenizer.")
    return model, tokenizer, meta
