"""The shipped question-answering tiny GPT: the stage-05 checkpoint fine-tuned with LoRA on
stage 06's question -> answer task, made by `python -m app.core.prompting.make_checkpoint`.

Only the LoRA adapters are stored (about 100 KB, not a second 1 MB model); loading merges
them into the shipped base model (W + (alpha/r) A @ B, Hu et al. 2021). The question-answer
pairs it was trained on and the held-out ones are stored with it, so later edits to the
glossary or quizzes (which shift stage 06's split) never leak a training question into the
held-out set these labs score.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.core.tinylm.finetune import LoRAConfig, LoRAFinetune, QAPair
from app.core.tinylm.model import TinyGPT
from app.core.tinylm.pretrained import load_pretrained
from app.core.tinylm.tokenizer import CharTokenizer

FINETUNED_PATH = Path(__file__).resolve().parent / "qa_lora.npz"


def _pairs(rows) -> tuple[QAPair, ...]:
    return tuple(QAPair(q, a, s) for q, a, s in rows)


@lru_cache(maxsize=1)
def load_finetuned() -> tuple[TinyGPT, CharTokenizer, dict]:
    """(model, tokenizer, meta); meta["train_pairs"] and meta["held_out"] are QAPair tuples.
    Shared by every caller: never train it in place."""
    if not FINETUNED_PATH.exists():
        raise FileNotFoundError(
            f"{FINETUNED_PATH.name} is missing; run `python -m app.core.prompting.make_checkpoint`."
        )
    base, tokenizer, _ = load_pretrained()
    with np.load(FINETUNED_PATH, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        cfg = LoRAConfig(**{**meta["lora"], "targets": tuple(meta["lora"]["targets"])})
        tuner = LoRAFinetune(base, cfg)
        for name in tuner.weight_names:
            tuner.A[name][...] = data[f"A/{name}"]
            tuner.B[name][...] = data[f"B/{name}"]
    model = tuner.merge()
    meta["train_pairs"] = _pairs(meta["train_pairs"])
    meta["held_out"] = _pairs(meta["held_out"])
    return model, tokenizer, meta


def save_adapters(path: Path, tuner: LoRAFinetune, meta: dict) -> None:
    arrays = {f"A/{n}": a for n, a in tuner.A.items()} | {f"B/{n}": b for n, b in tuner.B.items()}
    np.savez_compressed(path, meta=np.array(json.dumps(meta)), **arrays)
