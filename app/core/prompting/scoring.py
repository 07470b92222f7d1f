"""Scoring prompts on the question-answering tiny GPT: how much do the wording of the
prompt and the examples in it move the score?

For each held-out question the model reads `template(question)` (optionally after k
solved examples in the same template) and is scored on the first ANSWER_CHARS characters
of the reference answer, in one teacher-forced pass:

- answer log-probability: the mean log p(character | everything before) over those
  characters, in nats (closer to 0 is better);
- exact match: whether greedy decoding would write the answer's first word exactly (with
  the character that ends it). Greedy decoding reproduces a prefix exactly when the model's
  top guess is right at each of its characters given the ones before, so one pass tells.

The model reads at most seq_len characters: a prompt longer than that is cut from the
left, as when generating, so examples that do not fit are simply not seen.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from app.core.evaluation import accuracy_interval
from app.core.tinylm.finetune import QAPair, fit_to_vocab
from app.core.tinylm.runtime import training_runtime

ANSWER_CHARS = 40  # the scored start of each answer: question + template + answer fit in 128
EXAMPLE_ANSWER_CHARS = 40  # examples show the start of their answer, cut at a word boundary
MAX_SHOTS = 4

# name -> (label, template); "{q}" is the question; the answer follows the template directly.
TEMPLATES = {
    "trained": ("Q: A: (fine-tuned on)", "Q: {q}\nA: "),
    "words": ("Question: Answer:", "Question: {q}\nAnswer: "),
    "lower": ("q: a: (lower case)", "q: {q}\na: "),
    "one_line": ("Q: A: on one line", "Q: {q} A: "),
    "markdown": ("### headings", "### Question\n{q}\n### Answer\n"),
    "instruction": ("Instruction first", "Answer the question.\nQ: {q}\nA: "),
    "bare": ("Question alone", "{q}\n"),
}


def _first_word_span(answer: str) -> int:
    """Characters of the answer up to and including the one that ends its first word."""
    m = re.match(r"\S+\s?", answer)
    return min(len(answer), m.end() if m else 1)


def shorten(answer: str, most: int = EXAMPLE_ANSWER_CHARS) -> str:
    if len(answer) <= most:
        return answer
    cut = answer[:most].rsplit(" ", 1)[0]
    return cut or answer[:most]


def build_prompt(template: str, question: str, examples=()) -> str:
    """k solved examples (blank-line separated), then the question, in one template."""
    shots = [template.format(q=e.question) + shorten(e.answer) + "\n\n" for e in examples]
    return "".join(shots) + template.format(q=question)


@dataclass(frozen=True)
class Score:
    mean_logprob: float  # mean over questions of the per-character answer log-prob (nats)
    logprob_half_width: float  # 95% normal interval half-width of that mean
    exact: int
    total: int
    visible_example_chars: float  # characters of examples inside the window, on average

    @property
    def exact_rate(self) -> float:
        return self.exact / self.total

    @property
    def exact_interval(self) -> tuple[float, float]:
        return accuracy_interval(self.exact, self.total)  # Wilson, as on stage 07


def score(model, tokenizer, pairs, template: str, examples_per_pair=None) -> Score:
    """Score `pairs` under `template`; examples_per_pair[i] are pair i's solved examples."""
    T = model.config.seq_len
    rows, visible = [], []
    for i, pair in enumerate(pairs):
        examples = examples_per_pair[i] if examples_per_pair is not None else ()
        question = fit_to_vocab(pair.question, tokenizer.chars)
        answer = fit_to_vocab(pair.answer, tokenizer.chars)[:ANSWER_CHARS]
        prompt = build_prompt(template, question, examples)
        shots = len(prompt) - len(template.format(q=question))
        ids = tokenizer.encode(prompt + answer)
        n_prompt = len(prompt)
        ids = ids[-(T + 1) :]
        cut = len(tokenizer.encode(prompt + answer)) - len(ids)
        visible.append(max(0, shots - cut))
        n_prompt -= cut
        rows.append((ids, n_prompt, _first_word_span(answer)))
    width = max(len(ids) - 1 for ids, _, _ in rows)
    x = np.full((len(rows), width), tokenizer.fallback_id, dtype=np.intp)
    for r, (ids, _, _) in enumerate(rows):
        x[r, : len(ids) - 1] = ids[:-1]
    with training_runtime():
        logits = model.logits(x).astype(np.float64)  # (B, T, V)
    logits -= logits.max(axis=-1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    means, exact = [], 0
    for r, (ids, n_prompt, first) in enumerate(rows):
        pos = np.arange(n_prompt - 1, len(ids) - 1)  # predicting the answer's characters
        targets = np.asarray(ids[n_prompt:])
        means.append(float(logp[r, pos, targets].mean()))
        guess = logp[r, pos[:first]].argmax(axis=-1)
        exact += bool(np.all(guess == targets[:first]))
    means_arr = np.asarray(means)
    half = 1.96 * means_arr.std(ddof=1) / math.sqrt(len(means)) if len(means) > 1 else 0.0
    return Score(float(means_arr.mean()), float(half), exact, len(rows), float(np.mean(visible)))


# ---------------------------------------------------------------- choosing examples


def random_examples(pool, n_questions: int, k: int, seed: int) -> list[list[QAPair]]:
    rng = np.random.default_rng(seed)
    return [
        [pool[j] for j in rng.choice(len(pool), size=k, replace=False)] for _ in range(n_questions)
    ]


def similar_examples(pool, pairs, k: int, seed: int) -> list[list[QAPair]]:
    """The k training questions most similar to each question (TF-IDF cosine, Salton &
    Buckley 1988, as scikit-learn computes it), in an order shuffled by `seed` (the set
    is fixed; only the order changes across seeds)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if k == 0:
        return [[] for _ in pairs]
    vec = TfidfVectorizer().fit([p.question for p in pool])
    sims = vec.transform([p.question for p in pairs]) @ vec.transform([p.question for p in pool]).T
    sims = sims.toarray()
    rng = np.random.default_rng(seed)
    out = []
    for row in sims:
        top = list(np.argsort(-row, kind="stable")[:k])
        rng.shuffle(top)
        out.append([pool[j] for j in top])
    return out


def examples_for(pool, pairs, k: int, how: str, seed: int):
    if not 0 <= k <= MAX_SHOTS:
        raise ValueError(f"The number of examples must be between 0 and {MAX_SHOTS}.")
    if how == "random":
        return random_examples(pool, len(pairs), k, seed)
    if how == "similar":
        return similar_examples(pool, pairs, k, seed)
    raise ValueError("Choose random or most-similar examples.")


def k_shot_curve(model, tokenizer, pool, pairs, template: str, how: str, seeds=range(5)):
    """For k = 0..MAX_SHOTS: (mean, std) over orderings of the log-prob and exact-match rate."""
    curve = []
    for k in range(MAX_SHOTS + 1):
        runs = [
            score(model, tokenizer, pairs, template, examples_for(pool, pairs, k, how, s))
            for s in (seeds if k else [0])
        ]
        lp = np.array([r.mean_logprob for r in runs])
        em = np.array([r.exact_rate for r in runs])
        curve.append(
            {
                "k": k,
                "logprob_mean": float(lp.mean()),
                "logprob_std": float(lp.std()),
                "exact_mean": float(em.mean()),
                "exact_std": float(em.std()),
                "visible_example_chars": float(np.mean([r.visible_example_chars for r in runs])),
                "orderings": len(runs),
            }
        )
    return curve
