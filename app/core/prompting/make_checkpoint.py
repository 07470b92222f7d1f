"""Fine-tune the shipped tiny GPT on stage 06's question -> answer task with LoRA and save
the adapters as qa_lora.npz (the labs of pages 09 and 10 score prompts on it).

    python -m app.core.prompting.make_checkpoint        # about a minute on one core

The task is `app.core.tinylm.finetune.task_data` on the content folder as it is now; the
pairs are written into the file so the split stays fixed when the content changes.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np

from app.core.paths import SHIPPED_CONTENT_DIR
from app.core.prompting.finetuned import FINETUNED_PATH, save_adapters
from app.core.tinylm.corpus import load_corpus
from app.core.tinylm.finetune import LoRAConfig, LoRAFinetune, answer_loss, finetune, task_data
from app.core.tinylm.pretrained import load_pretrained
from app.core.tinylm.train import TrainConfig

LORA = LoRAConfig(rank=8, alpha=16.0, targets=("qkv", "attn_out", "mlp_in", "mlp_out"), seed=0)
TRAINING = TrainConfig(
    steps=600,
    batch_size=8,  # as stage 06's lab: ~7 examples per step
    lr=3e-3,
    warmup_steps=30,
    schedule="cosine",
    weight_decay=0.0,
    eval_every=100,
    seed=0,
)


def make_checkpoint(path: Path = FINETUNED_PATH, cfg: TrainConfig = TRAINING) -> dict:
    base, tokenizer, base_meta = load_pretrained()
    task = task_data(tokenizer, SHIPPED_CONTENT_DIR)
    reference = np.asarray(tokenizer.encode(load_corpus(SHIPPED_CONTENT_DIR)[1]))
    tuner = LoRAFinetune(base, LORA)
    start = time.perf_counter()
    history = []
    for p in finetune(tuner, task, reference, cfg):
        if p.task_val_loss is not None:
            row = {"step": p.step, "task_val_loss": p.task_val_loss}
            row["pretrain_val_loss"] = p.pretrain_val_loss
            history.append(row)
            print(row, flush=True)
    seconds = time.perf_counter() - start
    model = tuner.merge()
    meta = {
        "lora": dataclasses.asdict(LORA),
        "train_config": dataclasses.asdict(cfg),
        "n_trainable": tuner.n_trainable(),
        "n_total": tuner.n_total(),
        "train_chars": task.train_chars,
        "tokens_seen": cfg.steps * cfg.batch_size * base.config.seq_len,
        "train_answer_loss": answer_loss(model, tokenizer, task.train_pairs),
        "held_out_answer_loss": answer_loss(model, tokenizer, task.held_out),
        "base_held_out_answer_loss": answer_loss(base, tokenizer, task.held_out),
        "history": history,
        "base_corpus_hash": base_meta.get("corpus_hash"),
        "train_seconds": round(seconds, 1),
        "command": "python -m app.core.prompting.make_checkpoint",
        "train_pairs": [[p.question, p.answer, p.source] for p in task.train_pairs],
        "held_out": [[p.question, p.answer, p.source] for p in task.held_out],
    }
    save_adapters(path, tuner, meta)
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=FINETUNED_PATH)
    args = parser.parse_args()
    meta = make_checkpoint(args.out)
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB) in {meta['train_seconds']} s;"
        f" held-out answer loss {meta['held_out_answer_loss']:.3f} (base "
        f"{meta['base_held_out_answer_loss']:.3f}), train {meta['train_answer_loss']:.3f}"
    )


if __name__ == "__main__":
    main()
