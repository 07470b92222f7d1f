"""Preference pairs for the reward-model lab: answers to the guide's own questions, and a
simulated rater with a planted taste for long answers.

Every pair is (question, answer A, answer B, label) where label = 1 when the rater
preferred A. The answers are built here from the stage-06 question→answer task
(app.core.tinylm.finetune.qa_pairs): the reference answer, a truncated one, one padded
with generic filler sentences written here, another question's answer (wrong), and so on.

The rater follows the Bradley–Terry model (Bradley & Terry 1952), as reward models assume
(Ouyang et al. 2022, eq. 1): P(A preferred) = σ(u(A) − u(B)) with the hidden utility

    u = CORRECTNESS_WEIGHT · F1(answer, reference) + LENGTH_WEIGHT · words

The length term is the planted bias: raters in real data sets also favour longer answers
(Singhal et al. 2023, "A Long Way to Go: Investigating Length Correlations in RLHF").
The reward model never sees F1 (it needs the reference); it sees only text features.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

PAIRS_PATH = Path(__file__).resolve().parent / "preference_pairs.json"
CORRECTNESS_WEIGHT = 4.0
LENGTH_WEIGHT = 0.06  # per word: 25 extra words are worth as much as 0.375 of F1
PAIRS_PER_QUESTION = 3
SEED = 0

FEATURES = ("words", "question_overlap", "known_words", "repetition")
FEATURE_NAMES = {
    "words": "Length (words)",
    "question_overlap": "Repeats the question's words",
    "known_words": "Share of real words",
    "repetition": "Repeated words",
}

# Generic filler, written here: it sounds on-topic and says nothing about the question.
FILLER = [
    "This is an important idea in how language models are built and used.",
    "Many practitioners find this point confusing at first, so it is worth stating clearly.",
    "In practice the details depend on the model, the data and the hardware available.",
    "It is one of the many choices that together decide how well a model works.",
    "Researchers have studied this question carefully over the last few years.",
    "Keeping this in mind helps when reading papers and model cards.",
    "The same idea appears again and again across the stages of the pipeline.",
    "There are trade-offs, and the right answer often depends on the goal.",
]

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words_of(text: str) -> list[str]:
    return WORD.findall(text.lower())


def token_f1(answer: str, reference: str) -> float:
    """Word-overlap F1 between an answer and the reference, as SQuAD scores answers
    (Rajpurkar et al. 2016): harmonic mean of word precision and recall."""
    a, r = words_of(answer), words_of(reference)
    if not a or not r:
        return 0.0
    common = sum((Counter(a) & Counter(r)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(a), common / len(r)
    return 2 * precision * recall / (precision + recall)


def features(question: str, answer: str, vocabulary: frozenset[str]) -> np.ndarray:
    """The reward model's view of an answer, in FEATURES order."""
    w = words_of(answer)
    q = {x for x in words_of(question) if len(x) > 3}
    n = len(w)
    overlap = len(q & set(w)) / len(q) if q else 0.0
    known = sum(x in vocabulary for x in w) / n if n else 0.0
    repetition = 1 - len(set(w)) / n if n else 0.0
    return np.array([n, overlap, known, repetition], dtype=float)


def utility(answer: str, reference: str) -> float:
    """The simulated rater's hidden utility (see the module docstring)."""
    return CORRECTNESS_WEIGHT * token_f1(answer, reference) + LENGTH_WEIGHT * len(words_of(answer))


def _answers(i: int, qa: list[tuple[str, str]], rng: random.Random) -> dict[str, str]:
    question, reference = qa[i]
    other = qa[(i + rng.randrange(1, len(qa))) % len(qa)][1]
    ref_words = reference.split()
    pad = " ".join(rng.sample(FILLER, rng.randint(2, 4)))
    return {
        "reference": reference,
        "short": " ".join(ref_words[: max(3, len(ref_words) // 3)]),
        "padded": f"{reference} {pad}",
        "wrong": other,
        "wrong_padded": f"{other} {pad}",
        "filler": f"{question.rstrip('?')} is a good question. {pad}",
    }


def make_pairs(qa: list[tuple[str, str]], seed: int = SEED) -> list[dict]:
    """PAIRS_PER_QUESTION pairs per (question, reference), labels drawn from the rater."""
    rng = random.Random(seed)
    pairs = []
    for i, (question, reference) in enumerate(qa):
        answers = _answers(i, qa, rng)
        kinds = list(answers)
        for _ in range(PAIRS_PER_QUESTION):
            ka, kb = rng.sample(kinds, 2)
            a, b = answers[ka], answers[kb]
            p = 1 / (1 + math.exp(-(utility(a, reference) - utility(b, reference))))
            pairs.append(
                {
                    "question": question,
                    "reference": reference,
                    "a": a,
                    "b": b,
                    "kind_a": ka,
                    "kind_b": kb,
                    "label": int(rng.random() < p),
                }
            )
    return pairs


@dataclass(frozen=True)
class PreferenceData:
    pairs: tuple[dict, ...]
    x_a: np.ndarray  # (n, n_features)
    x_b: np.ndarray
    y: np.ndarray  # 1 = A preferred
    vocabulary: frozenset[str]


def vocabulary_of(pairs) -> frozenset[str]:
    """The words of the questions and reference answers: 'real words' for this task."""
    out: set[str] = set()
    for p in pairs:
        out.update(words_of(p["question"]))
        out.update(words_of(p["reference"]))
    return frozenset(out)


@lru_cache(maxsize=1)
def load_preferences(path: Path = PAIRS_PATH) -> PreferenceData:
    raw = json.loads(path.read_text(encoding="utf-8"))
    pairs = tuple(raw["pairs"])
    vocab = vocabulary_of(pairs)
    x_a = np.array([features(p["question"], p["a"], vocab) for p in pairs])
    x_b = np.array([features(p["question"], p["b"], vocab) for p in pairs])
    y = np.array([p["label"] for p in pairs], dtype=int)
    return PreferenceData(pairs, x_a, x_b, y, vocab)


def main() -> None:  # python -m app.core.rlhf.preferences
    from app.core.paths import SHIPPED_CONTENT_DIR
    from app.core.tinylm.finetune import qa_pairs

    qa = [(p.question, p.answer) for p in qa_pairs(SHIPPED_CONTENT_DIR)]
    pairs = make_pairs(qa)
    meta = {
        "command": "python -m app.core.rlhf.preferences",
        "made_from": "content/glossary.yaml and content/quizzes/*.yaml (stage-06 task)",
        "rater": f"Bradley-Terry, u = {CORRECTNESS_WEIGHT} * F1 + {LENGTH_WEIGHT} * words",
    }
    PAIRS_PATH.write_text(
        json.dumps({"meta": meta, "pairs": pairs}, indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    print(f"{len(pairs)} pairs written to {PAIRS_PATH}")


if __name__ == "__main__":
    main()
