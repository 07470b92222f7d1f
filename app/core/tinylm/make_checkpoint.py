"""Train the shipped checkpoint, pretrained.npz, from scratch on the guide's own words.

    python -m app.core.tinylm.make_checkpoint            # a few minutes on 2 CPU cores

The model is a 2-layer, 96-wide GPT (about 246k parameters, under 1 MB) with a
128-character context, trained with the settings below; the meta stored with it records
the model and training configs, the final losses, the corpus hash and a sample, so a
rerun can be compared with what is shipped. Results are deterministic for a given
machine and NumPy/BLAS build (BLAS kernels may round differently elsewhere).
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np

from app.core.tinylm.corpus import corpus_hash, load_corpus
from app.core.tinylm.model import TinyGPT, TinyGPTConfig
from app.core.tinylm.pretrained import PRETRAINED_PATH
from app.core.tinylm.tokenizer import CharTokenizer
from app.core.tinylm.train import TrainConfig, text_loss, train

MODEL = {"n_layers": 2, "d_model": 96, "n_heads": 4, "seq_len": 128}
TRAINING = TrainConfig(
    steps=800,
    batch_size=32,
    lr=3e-3,
    warmup_steps=60,
    schedule="cosine",
    min_lr_ratio=0.1,
    weight_decay=0.1,
    eval_every=50,
    eval_batches=8,
    seed=0,
)
SAMPLE_PROMPT = "The model "


def unigram_entropy(ids) -> float:
    """Entropy (nats) of the text's own character frequencies: the loss of the best model
    that ignores context, the bar a language model has to clear."""
    counts = np.bincount(np.asarray(ids))
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log(p)).sum())


def make_checkpoint(path: Path = PRETRAINED_PATH, cfg: TrainConfig = TRAINING) -> dict:
    train_text, val_text = load_corpus()
    tokenizer = CharTokenizer.from_text(train_text + val_text)
    train_ids = np.asarray(tokenizer.encode(train_text))
    val_ids = np.asarray(tokenizer.encode(val_text))
    model = TinyGPT(TinyGPTConfig(vocab_size=tokenizer.vocab_size, **MODEL), seed=cfg.seed)
    start = time.perf_counter()
    history = []
    for p in train(model, train_ids, val_ids, cfg):
        if p.val_loss is not None:
            history.append({"step": p.step, "train_loss": p.train_loss, "val_loss": p.val_loss})
            print(
                f"step {p.step:5d}/{p.total_steps}  train {p.train_loss:.3f}  "
                f"val {p.val_loss:.3f}  lr {p.lr:.2e}  {p.tokens_per_second:,.0f} tok/s",
                flush=True,
            )
    seconds = time.perf_counter() - start
    sample = tokenizer.decode(
        model.generate(tokenizer.encode(SAMPLE_PROMPT), 300, temperature=0.8, top_k=20, seed=0)
    )
    meta = {
        "model_config": dataclasses.asdict(model.config),
        "n_params": model.config.n_params(),
        "train_config": dataclasses.asdict(cfg),
        "steps": cfg.steps,
        "tokens_seen": cfg.steps * cfg.batch_size * model.config.seq_len,
        "final_train_loss": text_loss(model, train_ids),  # whole split, nats per character
        "final_val_loss": text_loss(model, val_ids),
        "val_unigram_entropy": unigram_entropy(val_ids),
        "history": history,
        "corpus_hash": corpus_hash(train_text, val_text),
        "corpus_chars": {"train": len(train_text), "val": len(val_text)},
        "train_seconds": round(seconds, 1),
        "numpy_version": np.__version__,
        "sample_prompt": SAMPLE_PROMPT,
        "sample": sample,
        "command": "python -m app.core.tinylm.make_checkpoint",
    }
    model.save(path, tokenizer=tokenizer, meta=meta)
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PRETRAINED_PATH, help="where to write")
    args = parser.parse_args()
    meta = make_checkpoint(args.out)
    size_kb = args.out.stat().st_size / 1024
    print(
        f"wrote {args.out} ({size_kb:.0f} KB) in {meta['train_seconds']} s: "
        f"train loss {meta['final_train_loss']:.3f}, val loss {meta['final_val_loss']:.3f} "
        f"(unigram entropy {meta['val_unigram_entropy']:.3f}) nats/char"
    )
    print(f"sample: {SAMPLE_PROMPT}{meta['sample']}")


if __name__ == "__main__":
    main()
