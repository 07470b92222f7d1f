"""Make the shipped fine-tuned tiny GPT (sft.npz) and its best-of-n samples (samples.json).

    python -m app.core.rlhf.make_sft        # about a minute on 2 CPU cores

The shipped pretrained model (app/core/tinylm/pretrained.npz) is fully fine-tuned on the
stage-06 question→answer task (app.core.tinylm.finetune) for STEPS steps. Then, for the
first N_QUESTIONS held-out questions, N_SAMPLES answers are sampled at temperature 1 and
stored with the question and its reference answer: the best-of-n lab scores these with the
reward model, so no sampling happens while a learner waits. Deterministic for a machine.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from app.core.paths import SHIPPED_CONTENT_DIR
from app.core.tinylm import load_pretrained
from app.core.tinylm.finetune import FullFinetune, finetune, task_data
from app.core.tinylm.train import TrainConfig

HERE = Path(__file__).resolve().parent
SFT_PATH = HERE / "sft.npz"
SAMPLES_PATH = HERE / "samples.json"
STEPS = 200
N_QUESTIONS = 12
N_SAMPLES = 16
MAX_CHARS = 90
CONFIG = TrainConfig(steps=STEPS, batch_size=16, lr=1e-3, warmup_steps=20, eval_every=100)


def main() -> None:
    base, tok, _ = load_pretrained()
    task = task_data(tok, SHIPPED_CONTENT_DIR)
    tuner = FullFinetune(base)
    t0 = time.perf_counter()
    *_, last = finetune(tuner, task, task.held_out_ids, CONFIG)
    model = tuner.merge()
    seconds = time.perf_counter() - t0
    meta = {
        "base": "app/core/tinylm/pretrained.npz",
        "train_config": CONFIG.__dict__,
        "task_val_loss": last.task_val_loss,
        "train_seconds": round(seconds, 1),
        "command": "python -m app.core.rlhf.make_sft",
    }
    model.save(SFT_PATH, tokenizer=tok, meta=meta)
    newline = tok.encode("\n")[0]
    rows = []
    for q_index, pair in enumerate(task.held_out[:N_QUESTIONS]):
        prompt = tok.encode(pair.prompt)
        samples = []
        for s in range(N_SAMPLES):
            ids = model.generate(prompt, MAX_CHARS, temperature=1.0, seed=1000 * q_index + s)
            if newline in ids:
                ids = ids[: ids.index(newline)]
            samples.append(tok.decode(ids).strip())
        rows.append({"question": pair.question, "reference": pair.answer, "samples": samples})
    SAMPLES_PATH.write_text(
        json.dumps({"meta": meta, "questions": rows}, indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    print(f"fine-tuned in {seconds:.1f}s, held-out answer loss {last.task_val_loss:.3f}")


if __name__ == "__main__":
    main()
