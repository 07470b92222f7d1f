"""Measure the k-shot curves of page 10 once and ship them (k_shot.json): 2 models × 2
ways of choosing examples × 5 values of k × several orderings is ~50 scoring passes, too
slow for a page load on a small server. Rerun after `make_checkpoint`:

    python -m app.core.prompting.measure

tests/core/test_prompting.py recomputes one point and checks it matches the file.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.core.prompting.finetuned import load_finetuned
from app.core.prompting.scoring import TEMPLATES, k_shot_curve
from app.core.tinylm.pretrained import load_pretrained

K_SHOT_PATH = Path(__file__).resolve().parent / "k_shot.json"
ORDERINGS = 3
TEMPLATE = "trained"


def models() -> dict:
    tuned, tokenizer, meta = load_finetuned()
    return {"finetuned": tuned, "base": load_pretrained()[0]}, tokenizer, meta


def measure(which: str, how: str) -> list[dict]:
    found, tokenizer, meta = models()
    return k_shot_curve(
        found[which],
        tokenizer,
        meta["train_pairs"],
        meta["held_out"],
        TEMPLATES[TEMPLATE][1],
        how,
        seeds=range(ORDERINGS),
    )


def main() -> None:
    out = {
        "template": TEMPLATE,
        "orderings": ORDERINGS,
        "command": "python -m app.core.prompting.measure",
        "curves": {
            w: {h: measure(w, h) for h in ("random", "similar")} for w in ("finetuned", "base")
        },
    }
    K_SHOT_PATH.write_text(json.dumps(out, indent=1), encoding="utf-8")
    print(f"wrote {K_SHOT_PATH}")


if __name__ == "__main__":
    main()
