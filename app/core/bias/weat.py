"""The Word Embedding Association Test (Caliskan et al. 2017, "Semantics derived
automatically from language corpora contain human-like biases", Science 356).

For target word sets X, Y and attribute sets A, B:

    s(w, A, B) = mean_{a∈A} cos(w, a) − mean_{b∈B} cos(w, b)
    effect size d = (mean_{x∈X} s(x) − mean_{y∈Y} s(y)) / std_{w∈X∪Y} s(w)
    test statistic S = Σ_{x∈X} s(x) − Σ_{y∈Y} s(y)

The one-sided p-value is the share of equal-size re-partitions (Xi, Yi) of X ∪ Y with
S(Xi, Yi) > S(X, Y): exact when there are few, else estimated from random ones.
Word vectors are trained here with gensim's Word2Vec (Mikolov et al. 2013) on a generated
corpus whose pronoun–occupation pairs are skewed; counterfactual data augmentation
(Lu et al. 2018, "Gender Bias in Neural Natural Language Processing") adds a copy of every
sentence with the gendered words swapped.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

MALE = ("he", "him", "his", "man", "father", "brother")
FEMALE = ("she", "her", "hers", "woman", "mother", "sister")
SWAP = {**dict(zip(MALE, FEMALE, strict=True)), **dict(zip(FEMALE, MALE, strict=True))}
# Occupations the generated corpus pairs mostly with "he" (X) and with "she" (Y).
X_OCCUPATIONS = ("engineer", "pilot", "mechanic", "surgeon", "plumber", "programmer")
Y_OCCUPATIONS = ("nurse", "teacher", "librarian", "dancer", "nanny", "receptionist")
EXACT_LIMIT = 20_000


def _unit(m: np.ndarray) -> np.ndarray:
    return m / np.linalg.norm(m, axis=-1, keepdims=True)


def association(w: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """s(w, A, B) for each row of w (all inputs are rows of vectors)."""
    w, a, b = _unit(np.atleast_2d(w)), _unit(a), _unit(b)
    return (w @ a.T).mean(axis=1) - (w @ b.T).mean(axis=1)


@dataclass(frozen=True)
class WeatResult:
    effect_size: float
    statistic: float
    p_value: float
    exact: bool
    n_partitions: int


def weat(x, y, a, b, *, n_permutations: int = 10_000, seed: int = 0) -> WeatResult:
    """The effect size and one-sided permutation p-value (see the module docstring)."""
    x, y, a, b = (np.asarray(v, float) for v in (x, y, a, b))
    if len(x) != len(y) or len(x) < 2 or len(a) < 1 or len(b) < 1:
        raise ValueError("X and Y need the same number (≥ 2) of words; A and B at least one.")
    s = association(np.vstack([x, y]), a, b)
    k = len(x)
    sx, sy = s[:k], s[k:]
    d = (sx.mean() - sy.mean()) / s.std(ddof=1)
    stat = sx.sum() - sy.sum()
    total = s.sum()
    n = len(s)
    combos = itertools.combinations(range(n), k)
    count = sum(1 for _ in itertools.combinations(range(n), k)) if n <= 20 else EXACT_LIMIT + 1
    if count <= EXACT_LIMIT:
        sums = np.array([s[list(c)].sum() for c in combos])
        exact = True
    else:
        rng = np.random.default_rng(seed)
        sums = np.array([s[rng.permutation(n)[:k]].sum() for _ in range(n_permutations)])
        exact = False
    stats = 2 * sums - total  # S(Xi, Yi) = ΣXi − (total − ΣXi)
    p = float(np.mean(stats > stat + 1e-12))
    return WeatResult(float(d), float(stat), p, exact, int(len(sums)))


# ---- the generated corpus -----------------------------------------------------------------
TEMPLATES = (
    "{p} works as a {o} in the city",
    "{p} is a {o} at the local hospital and school",
    "everyone says {p} is a good {o}",
    "{p} trained for years to become a {o}",
    "the new {o} said {p} liked the job",
    "{p} met the {o} on monday",
)
NEUTRAL = (
    "the weather was cold and the trains were late",
    "people like to read books in the park",
    "the market opens early on saturday",
    "a good meal needs fresh bread and time",
)


def generate_corpus(skew: float, n_sentences: int = 3000, seed: int = 0) -> list[list[str]]:
    """Tokenised sentences. An X occupation is paired with a male word with probability
    `skew` (else a female word), a Y occupation the other way round; 0.5 is balanced."""
    if not 0 <= skew <= 1:
        raise ValueError("The skew must be between 0 and 1.")
    rng = random.Random(seed)
    out = []
    for i in range(n_sentences):
        if i % 4 == 3:
            out.append(rng.choice(NEUTRAL).split())
            continue
        from_x = rng.random() < 0.5
        occupation = rng.choice(X_OCCUPATIONS if from_x else Y_OCCUPATIONS)
        male = (rng.random() < skew) if from_x else (rng.random() >= skew)
        pronoun = rng.choice(MALE if male else FEMALE)
        out.append(rng.choice(TEMPLATES).format(p=pronoun, o=occupation).split())
    return out


def augment(sentences: list[list[str]]) -> list[list[str]]:
    """Counterfactual data augmentation: each sentence plus its gender-swapped copy."""
    return sentences + [[SWAP.get(w, w) for w in s] for s in sentences if any(w in SWAP for w in s)]


@lru_cache(maxsize=32)
def occupation_bias(skew: float, cda: bool, seed: int = 0) -> tuple[WeatResult, dict[str, float]]:
    """Train Word2Vec (seeded, one worker: deterministic) on the corpus and run WEAT with
    X, Y = the occupations, A = male words, B = female words. Also s(w, A, B) per word."""
    from gensim.models import Word2Vec

    sentences = generate_corpus(skew, seed=seed)
    if cda:
        sentences = augment(sentences)
    model = Word2Vec(
        sentences, vector_size=32, window=4, min_count=1, sg=1, epochs=15, seed=seed, workers=1
    )
    v = model.wv
    x = np.array([v[w] for w in X_OCCUPATIONS])
    y = np.array([v[w] for w in Y_OCCUPATIONS])
    a = np.array([v[w] for w in MALE])
    b = np.array([v[w] for w in FEMALE])
    s = association(np.vstack([x, y]), a, b)
    words = X_OCCUPATIONS + Y_OCCUPATIONS
    return weat(x, y, a, b, seed=seed), {w: float(val) for w, val in zip(words, s, strict=True)}
