"""Make the reference runs of the scaling-law lab (scaling_reference_runs.json).

    python -m app.core.make_scaling_runs      # a few minutes on 2 CPU cores

Tiny GPTs of several widths (2 layers, 64-character context) train with the same
settings on the guide's own text (app.core.tinylm); each run records its parameter count,
tokens seen and the validation loss along the way, in the same fields as the learner's
own runs (`n_params`, `tokens_seen`, `final_val_loss`).
"""

from __future__ import annotations

import json

import numpy as np

from app.core.scaling import REFERENCE_PATH
from app.core.tinylm import CharTokenizer, TinyGPT, TinyGPTConfig, TrainConfig, load_corpus, train

WIDTHS = (16, 24, 32, 48, 64)
CONFIG = TrainConfig(steps=300, batch_size=16, lr=3e-3, warmup_steps=30, eval_every=50)
SEQ_LEN = 64


def main() -> None:
    train_text, val_text = load_corpus()
    tok = CharTokenizer.from_text(train_text + val_text)
    train_ids, val_ids = np.asarray(tok.encode(train_text)), np.asarray(tok.encode(val_text))
    runs = []
    for width in WIDTHS:
        cfg = TinyGPTConfig(
            vocab_size=tok.vocab_size, n_layers=2, d_model=width, n_heads=4, seq_len=SEQ_LEN
        )
        model = TinyGPT(cfg, seed=0)
        curve = []
        for p in train(model, train_ids, val_ids, CONFIG):
            if p.val_loss is not None:
                curve.append([p.step * CONFIG.batch_size * SEQ_LEN, round(float(p.val_loss), 4)])
        runs.append(
            {
                "label": f"2L·{width}d·{CONFIG.steps} steps",
                "n_params": cfg.n_params(),
                "tokens_seen": CONFIG.steps * CONFIG.batch_size * SEQ_LEN,
                "final_val_loss": curve[-1][1],
                "curve": curve,
            }
        )
        print(runs[-1]["label"], runs[-1]["n_params"], runs[-1]["final_val_loss"], flush=True)
    REFERENCE_PATH.write_text(
        json.dumps({"command": "python -m app.core.make_scaling_runs", "runs": runs}, indent=1)
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
