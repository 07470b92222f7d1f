"""One text measured by a tiny GPT: each character's surprise (−ln p) with the model's
top guesses, and the mean as loss, bits per character and perplexity, next to the
letter-frequency and random-guessing baselines. Also the three sample texts that show
perplexity rise.

No Dash here: stage 07's lab (`app.labs.tiny_eval`) shows what this measures; the
science is `app.core.surprise` and `app.core.evaluation`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from app.config import settings
from app.core.evaluation import bits_per_character, perplexity, unigram_cross_entropy
from app.core.surprise import token_surprise
from app.core.units import char_label
from app.services.tinygpt.models import LoadedModel, by_key, corpus_ids, resolve
from app.validation import InputError

MAX_CHARS = 256  # characters measured; more are cut, with a note
TOP_GUESSES = 3
SAMPLES = ("guide", "shuffled", "random")


@lru_cache(maxsize=1)
def samples() -> dict[str, str]:
    """Three texts that show perplexity rise: a sentence from the guide's validation text
    (held out from training), the same words in a random order, and random letters."""
    from app.core.tinylm import load_corpus

    train_text, val_text = load_corpus(settings.content_dir)
    known = set(train_text)
    sentences = (s for para in val_text.split("\n\n") for s in re.split(r"(?<=[.!?])\s+", para))
    sentence = next(
        (
            s
            for s in sentences
            if 80 <= len(s) <= 150
            and len(s.split()) >= 12
            and s[0].isupper()
            and not set(s) & set(":`\n")
            and set(s) <= known
        ),
        "Data collection decides what the model will know, which languages it speaks.",
    )
    rng = np.random.default_rng(0)
    words = sentence.split()
    shuffled = " ".join(words[i] for i in rng.permutation(len(words)))
    letters = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=len(sentence)))
    return {"guide": sentence, "shuffled": shuffled, "random": letters}


def sample_text(name) -> str:
    """The text of sample `name` (one of SAMPLES); ValueError otherwise."""
    if name not in SAMPLES:
        raise ValueError(f"Unknown sample {name!r}.")
    return samples()[name]


# ------------------------------------------------------------------ measuring


@dataclass(frozen=True)
class Measurement:
    """One text measured by one model. Per character: whether it is scored (in the
    vocabulary), its surprise in nats (nan if not scored) and the hover text."""

    model_key: str
    chars: tuple[str, ...]
    scored: tuple[bool, ...]
    surprise_nats: tuple[float, ...]
    hover: tuple[str, ...]
    mean_nats: float
    unigram_nats: float
    uniform_nats: float
    vocab_size: int
    context: int
    cut_from: int | None  # the text's length when it was cut to MAX_CHARS

    @property
    def perplexity(self) -> float:
        return perplexity(self.mean_nats)

    @property
    def bits_per_character(self) -> float:
        return bits_per_character(self.mean_nats, 1.0)  # one token is one character

    @property
    def unknown(self) -> list[str]:
        return sorted({c for c, s in zip(self.chars, self.scored, strict=True) if not s})


def quote(ch: str) -> str:
    return f"'{char_label(ch)}'"


@lru_cache(maxsize=64)
def _measure(model_key: str, text: str, cut_from: int | None) -> Measurement:
    loaded = by_key(model_key)
    model, tokenizer = loaded.model, loaded.tokenizer
    vocab = set(tokenizer.chars)
    # The first character is predicted after a paragraph break, as at the start of every
    # document the model trained on (documents are separated by a blank line).
    prefix = "\n\n" if "\n" in vocab else " "
    stand_in = quote(tokenizer.chars[tokenizer.fallback_id])
    ids = tokenizer.encode(prefix + text)
    result = token_surprise(model, ids, start=len(prefix), top=TOP_GUESSES)
    scored = tuple(c in vocab for c in text)
    surprise, hover = [], []
    for i, ch in enumerate(text):
        if not scored[i]:
            surprise.append(math.nan)
            hover.append(
                f"{quote(ch)} is not in this model's vocabulary: it reads {stand_in} "
                "instead, and this character is not scored."
            )
            continue
        s = float(result.surprise_nats[i])
        guesses = ", ".join(
            f"{quote(tokenizer.chars[int(g)])} {100 * float(p):.0f}%"
            for g, p in zip(result.top_ids[i], result.top_probs[i], strict=True)
        )
        surprise.append(s)
        hover.append(
            f"{quote(ch)}: p = {100 * math.exp(-s):.1f}%, surprise {s:.2f} nats. "
            f"Top guesses: {guesses}"
        )
    values = np.asarray(surprise)[list(scored)]
    targets = np.asarray(ids[len(prefix) :])[list(scored)]
    return Measurement(
        model_key=loaded.key,
        chars=tuple(text),
        scored=scored,
        surprise_nats=tuple(surprise),
        hover=tuple(hover),
        mean_nats=float(values.mean()),
        unigram_nats=unigram_cross_entropy(
            corpus_ids(loaded.key)[0], targets, tokenizer.vocab_size
        ),
        uniform_nats=math.log(tokenizer.vocab_size),
        vocab_size=tokenizer.vocab_size,
        context=model.config.seq_len,
        cut_from=cut_from,
    )


def measure_text(value, raw_text, learner=None) -> tuple[LoadedModel, Measurement]:
    """(LoadedModel, Measurement) for a dropdown value and the learner's text, or
    InputError with one sentence saying what to change."""
    text = raw_text if isinstance(raw_text, str) else ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("Type or paste a sentence to measure, or load one of the samples.")
    cut_from = None
    if len(text) > MAX_CHARS:
        cut_from, text = len(text), text[:MAX_CHARS]
    loaded = resolve(value, learner)
    if not any(c in set(loaded.tokenizer.chars) for c in text):
        raise InputError(
            "None of these characters are in the model's vocabulary (it only knows the "
            f"{loaded.tokenizer.vocab_size} characters of this guide's text). Try English."
        )
    return loaded, _measure(loaded.key, text, cut_from)
