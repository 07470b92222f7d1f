"""Train the shipped induction-head model and save it as checkpoint.npz.

    python -m app.core.induction.make_checkpoint       # about a minute on one core

The history of the held-out first-copy and second-copy losses is stored with it: the
second-copy loss stays at the first-copy level, then drops when the induction head forms.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np

from app.core.induction.model import AttnOnlyConfig, AttnOnlyTransformer
from app.core.induction.train import InductionTrainConfig, train

CHECKPOINT_PATH = Path(__file__).resolve().parent / "checkpoint.npz"
MODEL = AttnOnlyConfig()
TRAINING = InductionTrainConfig()


def make_checkpoint(path: Path = CHECKPOINT_PATH) -> dict:
    model = AttnOnlyTransformer(MODEL, seed=TRAINING.seed)
    history = []
    start = time.perf_counter()
    for p in train(model, TRAINING):
        if p.first_copy_loss is not None:
            history.append([p.step, p.loss, p.first_copy_loss, p.second_copy_loss])
            print(history[-1], flush=True)
    meta = {
        "model_config": dataclasses.asdict(MODEL),
        "train_config": dataclasses.asdict(TRAINING),
        "n_params": model.n_params(),
        "history": history,  # [step, batch loss, first-copy loss, second-copy loss]
        "train_seconds": round(time.perf_counter() - start, 1),
        "numpy_version": np.__version__,
        "command": "python -m app.core.induction.make_checkpoint",
    }
    model.save(path, meta)
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CHECKPOINT_PATH)
    args = parser.parse_args()
    meta = make_checkpoint(args.out)
    last = meta["history"][-1]
    print(
        f"wrote {args.out} in {meta['train_seconds']} s: first copy {last[2]:.3f}, "
        f"second copy {last[3]:.3f} nats"
    )


if __name__ == "__main__":
    main()
