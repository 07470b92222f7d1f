"""Linear probes: can a property be read off the residual stream with a linear classifier?
And does that prove the model uses it? (Alain & Bengio 2016; Hewitt & Liang 2019.)

For every position of the pretraining validation text, the residual stream after each
layer (0 = the embeddings alone) is the input of a linear classifier (scikit-learn's
ridge classifier) trained on the first part of the text and scored on the rest. Properties:

- next_space: the next character is a space (something the model must predict);
- vowel: the current character is a vowel (a fact about the input token alone);
- word_position: where the current character sits in its word (1, 2, 3, 4+, or not in a
  word).

Each has a control task (Hewitt & Liang 2019, "Designing and Interpreting Probes with
Control Tasks"): every character type gets a random label, drawn from the property's own
label frequencies, and keeps it everywhere. A probe that scores well on the control is
memorising character identity, not finding the property; selectivity = property accuracy
− control accuracy.
"""

from __future__ import annotations

import numpy as np

from app.core.interpret.inspect import run
from app.core.tinylm.runtime import training_runtime

TASKS = {
    "next_space": "Next character is a space",
    "vowel": "Current character is a vowel",
    "word_position": "Position inside the word",
}
TRAIN_SHARE = 0.7
MAX_POSITIONS = 2_000
SEED = 0


def labels(text: str, task: str) -> np.ndarray:
    """The property at each position 0..len(text)-2 (the last has no next character)."""
    n = len(text) - 1
    if task == "next_space":
        return np.array([text[t + 1] == " " for t in range(n)], dtype=int)
    if task == "vowel":
        return np.array([text[t].lower() in "aeiou" for t in range(n)], dtype=int)
    if task == "word_position":
        out, run_len = [], 0
        for t in range(n):
            run_len = run_len + 1 if text[t].isalpha() else 0
            out.append(min(run_len, 4))  # 0: not in a word
        return np.array(out)
    raise ValueError(f"Unknown probe task {task!r}.")


def control_labels(text: str, real: np.ndarray, seed: int = SEED) -> np.ndarray:
    """Hewitt & Liang's control: one random label per character type, drawn from the
    real labels' frequencies."""
    rng = np.random.default_rng(seed)
    values, counts = np.unique(real, return_counts=True)
    per_type = {c: rng.choice(values, p=counts / counts.sum()) for c in sorted(set(text))}
    return np.array([per_type[text[t]] for t in range(real.size)])


def features(model, tokenizer, text: str) -> list[np.ndarray]:
    """Residual stream per layer at every position of `text` (non-overlapping windows)."""
    T = model.config.seq_len
    ids = np.asarray(tokenizer.encode(text), dtype=np.intp)
    n_windows = ids.size // T
    if n_windows < 1:
        raise ValueError("The probe text is shorter than one context window.")
    x = ids[: n_windows * T].reshape(n_windows, T)
    with training_runtime():
        inside = run(model, x)
    return [r.reshape(-1, r.shape[-1]).astype(np.float64) for r in inside.residual]


def _fit_score(x_train, y_train, x_test, y_test) -> float:
    from sklearn.linear_model import RidgeClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if np.unique(y_train).size < 2:
        return float(np.mean(y_test == y_train[0]))
    # a least-squares linear classifier: closed form, so 18 probes take well under a second
    clf = make_pipeline(StandardScaler(), RidgeClassifier(alpha=1.0))
    clf.fit(x_train, y_train)
    return float(clf.score(x_test, y_test))


def probe_all(model, tokenizer, text: str) -> dict:
    """{task: {"accuracy": [per layer], "control": [per layer], "majority": float}}."""
    feats = features(model, tokenizer, text)
    with training_runtime():  # one BLAS thread: these small fits are slower with more
        return _probe_all(feats, text)


def _probe_all(feats, text: str) -> dict:
    n = min(feats[0].shape[0], len(text) - 1, MAX_POSITIONS)
    text = text[: n + 1]
    cut = int(n * TRAIN_SHARE)
    out = {}
    for task in TASKS:
        y = labels(text, task)[:n]
        yc = control_labels(text, y)
        majority = float(np.mean(y[cut:] == np.bincount(y[:cut]).argmax()))
        acc, ctl = [], []
        for f in feats:
            f = f[:n]
            acc.append(_fit_score(f[:cut], y[:cut], f[cut:], y[cut:]))
            ctl.append(_fit_score(f[:cut], yc[:cut], f[cut:], yc[cut:]))
        out[task] = {"accuracy": acc, "control": ctl, "majority": majority}
    return out
