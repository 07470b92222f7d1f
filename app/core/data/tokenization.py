"""Tokenizers trained on the guide's own corpus: byte-level BPE (GPT-2), WordPiece (BERT)
and Unigram (SentencePiece), with the numbers that compare them.

Training uses the Hugging Face `tokenizers` library (Rust, offline: nothing is downloaded).

- BPE: Sennrich et al. 2016 start from characters and repeatedly merge the most frequent
  neighbouring pair. GPT-2 (Radford et al. 2019, §2.2) starts from the 256 *bytes*
  instead, so any text at all can be encoded and nothing is ever unknown.
- WordPiece: Schuster & Nakajima 2012; Devlin et al. 2019 (BERT). Splits on whitespace and
  punctuation first, marks word-inner pieces with '##'; characters never seen become [UNK].
- Unigram: Kudo 2018; SentencePiece (Kudo & Richardson 2018). Starts from a large set of
  candidate pieces and prunes the ones that help the corpus likelihood least; spaces
  become '▁' so text decodes back exactly, unless it holds characters never seen.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

KINDS: tuple[str, ...] = ("bpe", "wordpiece", "unigram")
KIND_NAMES = {
    "bpe": "Byte-level BPE (GPT-2)",
    "wordpiece": "WordPiece (BERT)",
    "unigram": "Unigram (SentencePiece)",
}
BYTE_ALPHABET_SIZE = 256  # byte-level BPE's base vocabulary: one token per possible byte
# 256 byte tokens + at least 4 learned merges. Below 256 byte-level BPE could not even hold
# its base alphabet (the 256 byte values it needs to write any text at all).
MIN_VOCAB_SIZE = 260
MAX_VOCAB_SIZE = 8_000  # large enough to see the trend; training stays well under a second
UNK_TOKENS = {"wordpiece": "[UNK]", "unigram": "<unk>"}
HELD_OUT_EVERY = 10  # every 10th document is kept out of training, to measure compression
MAX_TRAINING_CHARS = 300_000  # ≈ 50k words: the corpus's vocabulary is all in there
MAX_HELD_OUT_CHARS = 40_000

_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}")


class Token(NamedTuple):
    """One token of an encoded text: the tokenizer's own spelling of it (e.g. 'Ġworld',
    '##ing', '▁The'), its id, and the characters of the input it came from, text[start:end]."""

    text: str
    id: int
    span: tuple[int, int]


# ---- training -----------------------------------------------------------------------------
def check_vocab_size(vocab_size: int) -> int:
    """`vocab_size` as an int, or ValueError explaining the allowed range."""
    if isinstance(vocab_size, bool) or not isinstance(vocab_size, int):
        raise ValueError("The vocabulary size must be a whole number.")
    if vocab_size < MIN_VOCAB_SIZE:
        raise ValueError(
            f"The vocabulary size must be at least {MIN_VOCAB_SIZE:,}: byte-level BPE needs "
            f"{BYTE_ALPHABET_SIZE} tokens for the single bytes before it learns any merge."
        )
    if vocab_size > MAX_VOCAB_SIZE:
        raise ValueError(
            f"The vocabulary size must be at most {MAX_VOCAB_SIZE:,} here, so that training "
            "stays fast on this small corpus."
        )
    return vocab_size


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"Unknown tokenizer kind {kind!r}: choose one of {', '.join(KINDS)}.")
    return kind


def new_tokenizer(kind: str, vocab_size: int) -> tuple[Tokenizer, trainers.Trainer]:
    """An untrained tokenizer of `kind` and the trainer that will fill its vocabulary."""
    check_kind(kind)
    check_vocab_size(vocab_size)
    if kind == "bpe":
        # GPT-2: split with its regex, map every byte to a printable character (space → 'Ġ').
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(
            vocab_size=vocab_size,
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),  # all 256 bytes, seen or not
            special_tokens=[],
            show_progress=False,
        )
    elif kind == "wordpiece":
        # BERT: split on whitespace and punctuation (the spaces are thrown away), then
        # pieces; a piece that continues a word is written '##piece'.
        tok = Tokenizer(models.WordPiece(unk_token=UNK_TOKENS[kind]))
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tok.decoder = decoders.WordPiece()
        trainer = trainers.WordPieceTrainer(
            vocab_size=vocab_size, special_tokens=[UNK_TOKENS[kind]], show_progress=False
        )
    else:
        # SentencePiece: a space becomes '▁' and belongs to the next piece.
        tok = Tokenizer(models.Unigram())
        tok.pre_tokenizer = pre_tokenizers.Metaspace()
        tok.decoder = decoders.Metaspace()
        trainer = trainers.UnigramTrainer(
            vocab_size=vocab_size,
            special_tokens=[UNK_TOKENS[kind]],
            unk_token=UNK_TOKENS[kind],
            # Prune half the candidates per round (SentencePiece's default keeps 75%): half
            # the training time at small sizes, characters per token within 1%.
            shrinking_factor=0.5,
            show_progress=False,
        )
    return tok, trainer


_train_lock = threading.Lock()  # one training at a time: the library already uses every core


def train_tokenizer(kind: str, vocab_size: int, texts: Iterable[str] | None = None) -> Tokenizer:
    """Train a `kind` tokenizer ('bpe', 'wordpiece' or 'unigram') of at most `vocab_size`
    tokens on `texts`; with no texts, on the guide's default corpus, cached per (kind, size).

    A small corpus can run out of pairs to merge before reaching `vocab_size`; the tokenizer
    then has fewer tokens (see `Tokenizer.get_vocab_size()`). Raises ValueError for an
    unknown kind, a size outside [MIN_VOCAB_SIZE, MAX_VOCAB_SIZE] or no text at all.
    """
    check_kind(kind)
    check_vocab_size(vocab_size)
    if texts is None:
        return _train_default(kind, vocab_size)
    return _train(kind, vocab_size, texts)


def _train(kind: str, vocab_size: int, texts: Iterable[str]) -> Tokenizer:
    batch = [t for t in texts if isinstance(t, str) and t.strip()]
    if not batch:
        raise ValueError("A tokenizer needs some text to learn from.")
    tok, trainer = new_tokenizer(kind, vocab_size)
    with _train_lock:
        tok.train_from_iterator(batch, trainer)
    return tok


@lru_cache(maxsize=48)
def _train_default(kind: str, vocab_size: int) -> Tokenizer:
    return _train(kind, vocab_size, default_training_texts())


# ---- the default corpus ---------------------------------------------------------------------
def default_training_texts() -> tuple[str, ...]:
    """The texts the guide trains its tokenizers on: the paragraphs of the guide's own stage
    pages, then the clean ("good") documents of the shipped corpus
    (`app.core.data.corpus.generate()`) when that module is there, up to MAX_TRAINING_CHARS.
    The corpus is made from templates and runs out of new pairs to merge at ~2,600 tokens;
    the guide's prose lifts that to ~5,000. Every HELD_OUT_EVERY-th text is left out (see
    `default_held_out_text`). Deterministic: same texts, same order, every time."""
    return _default_split()[0]


def default_held_out_text() -> str:
    """Text from the same sources that no default tokenizer was trained on."""
    return _default_split()[1]


def default_corpus_source() -> str:
    """Where the default training text comes from, in a few words (without building it)."""
    if importlib.util.find_spec("app.core.data.corpus") is None:
        return "the text of this guide's stage pages"
    return "the clean articles of the guide's corpus and the text of its stage pages"


_corpus_lock = threading.Lock()  # two first requests at once build the corpus only once


def _default_split() -> tuple[tuple[str, ...], str]:
    with _corpus_lock:
        return _build_default_split()


@lru_cache(maxsize=1)
def _build_default_split() -> tuple[tuple[str, ...], str]:
    train: list[str] = []
    held_out: list[str] = []
    train_chars = held_out_chars = 0
    for i, text in enumerate(stage_texts() + _clean_corpus_documents()):
        if (i + 1) % HELD_OUT_EVERY == 0:
            if held_out_chars < MAX_HELD_OUT_CHARS:
                held_out.append(text)
                held_out_chars += len(text)
        elif train_chars < MAX_TRAINING_CHARS:
            train.append(text)
            train_chars += len(text)
    return tuple(train), "\n\n".join(held_out)


def _clean_corpus_documents() -> list[str]:
    try:
        from app.core.data import corpus
    except ImportError:  # the corpus module is optional: the stage text alone still works
        return []
    return [doc.text for doc in corpus.generate() if doc.label == "good"]


def stage_texts(content_dir: str | Path | None = None) -> list[str]:
    """The paragraphs of every `content/stages/*.md` body: YAML front matter and `{{...}}`
    placeholders removed, in file order (deterministic)."""
    if content_dir is None:
        from app.core.paths import SHIPPED_CONTENT_DIR

        content_dir = SHIPPED_CONTENT_DIR
    paragraphs: list[str] = []
    for path in sorted(Path(content_dir).glob("stages/*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            text = text.split("\n---", 1)[-1]
        text = _PLACEHOLDER.sub("", text)
        paragraphs += [p.strip() for p in text.split("\n\n") if p.strip()]
    return paragraphs


# ---- using a tokenizer ----------------------------------------------------------------------
def encode(tok: Tokenizer, text: str) -> list[Token]:
    """`text` as tokens: (the tokenizer's spelling, id, (start, end) in `text`).

    Byte-level BPE may split one character into several byte tokens; they all carry that
    character's span. WordPiece drops whitespace, so its spans leave the spaces out; the '▁'
    Unigram adds before the text stands for no character, so its span is empty."""
    enc = tok.encode(text)
    tokens = []
    for piece, token_id, (start, end) in zip(enc.tokens, enc.ids, enc.offsets, strict=True):
        if piece == "▁" and not text[start:end].isspace():
            end = start  # the '▁' SentencePiece puts before the first word: no character
        tokens.append(Token(piece, token_id, (start, end)))
    return tokens


def decode(tok: Tokenizer, ids: list[int]) -> str:
    """The text the ids stand for (unknown tokens are kept, as '[UNK]' or '<unk>')."""
    return tok.decode(ids, skip_special_tokens=False)


def round_trips(tok: Tokenizer, text: str) -> bool:
    """Whether decode(encode(text)) gives back exactly `text`."""
    return decode(tok, [t.id for t in encode(tok, text)]) == text


def unknown_id(tok: Tokenizer) -> int | None:
    """The id of the 'unknown' token, or None (byte-level BPE has none: it never needs one)."""
    for unk in UNK_TOKENS.values():
        token_id = tok.token_to_id(unk)
        if token_id is not None:
            return token_id
    return None


def count_words(text: str) -> int:
    """Whitespace-separated words, the usual denominator of 'tokens per word'."""
    return len(text.split())


def tokens_per_word(tok: Tokenizer, text: str) -> float:
    """Tokens per whitespace-separated word (≈1.3 for GPT-2 on English prose)."""
    words = count_words(text)
    if not words:
        raise ValueError("The text has no words to count.")
    return len(tok.encode(text).ids) / words


def chars_per_token(tok: Tokenizer, text: str) -> float:
    """Characters per token: how much text one token carries (higher = better compression)."""
    n_tokens = len(tok.encode(text).ids)
    if not n_tokens:
        raise ValueError("The text has no tokens to count.")
    return len(text) / n_tokens


def first_merges(tok: Tokenizer, n: int = 20) -> list[tuple[str, str]]:
    """The first `n` merges a BPE tokenizer learned, in the order it learned them (the most
    frequent pair of the corpus first), read from the model's saved JSON."""
    model = json.loads(tok.to_str())["model"]
    if model.get("type") != "BPE":
        raise ValueError("Only a BPE tokenizer learns merges.")
    merges = []
    for merge in model["merges"][: max(n, 0)]:
        left, right = merge.split(" ", 1) if isinstance(merge, str) else merge
        merges.append((left, right))
    return merges


def learned_pieces(tok: Tokenizer, n: int = 20) -> list[tuple[str, str]]:
    """What a trained tokenizer learned beyond single characters, as (piece, how), read from
    its saved JSON, so that each kind shows its own pieces:
    - BPE: its first `n` merges, in the order learned; how = "left + right".
    - WordPiece: its first `n` multi-character pieces, in the order added ('##' marks a
      piece that continues a word); how = "".
    - Unigram: its `n` likeliest multi-character pieces; how = their probability, as the
      model scores them (log probabilities, Kudo 2018)."""
    model = json.loads(tok.to_str())["model"]
    kind = model.get("type")
    if kind == "BPE":
        return [(left + right, f"{left} + {right}") for left, right in first_merges(tok, n)]
    if kind == "WordPiece":
        vocab = sorted(model["vocab"].items(), key=lambda item: item[1])
        pieces = [p for p, _ in vocab if len(p.removeprefix("##")) > 1 and not p.startswith("[")]
        return [(p, "") for p in pieces[: max(n, 0)]]
    if kind == "Unigram":
        scored = [(p, score) for p, score in model["vocab"] if len(p) > 1 and not p.startswith("<")]
        scored.sort(key=lambda item: item[1], reverse=True)
        return [(p, f"p = {math.exp(score):.2%}") for p, score in scored[: max(n, 0)]]
    raise ValueError(f"Unknown tokenizer model {kind!r}.")


def compression_curve(
    kind: str,
    vocab_sizes: Iterable[int],
    texts: Iterable[str] | None = None,
    eval_text: str | None = None,
) -> list[float]:
    """Characters per token on `eval_text` for a `kind` tokenizer trained on `texts` at each
    vocabulary size (defaults: the guide's corpus and its held-out text)."""
    corpus = None if texts is None else list(texts)
    eval_text = default_held_out_text() if eval_text is None else eval_text
    return [chars_per_token(train_tokenizer(kind, size, corpus), eval_text) for size in vocab_sizes]


CURVE_VOCAB_SIZES = (260, 500, 1_000, 2_000, 4_000, 8_000)


@lru_cache(maxsize=1)
def default_compression_curves() -> dict[str, tuple[float, ...]]:
    """`compression_curve` for every kind at CURVE_VOCAB_SIZES on the default corpus,
    computed once per process."""
    return {kind: tuple(compression_curve(kind, CURVE_VOCAB_SIZES)) for kind in KINDS}


# ---- GPT-2's byte alphabet ------------------------------------------------------------------
@lru_cache(maxsize=1)
def _byte_to_char() -> dict[int, str]:
    """GPT-2's map from each byte to a printable character (`bytes_to_unicode` in OpenAI's
    gpt-2/src/encoder.py): printable bytes map to themselves, the rest to chars from 256 up,
    so the space byte 0x20 becomes 'Ġ' and the newline 0x0A becomes 'Ċ'."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    keep += range(ord("®"), ord("ÿ") + 1)
    mapping = {b: chr(b) for b in keep}
    extra = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


def byte_level_text(token: str) -> str:
    """A byte-level BPE token's text: 'Ġworld' → ' world'. Bytes that are only part of a
    character (e.g. one of an emoji's 4 bytes) are shown as <0xF0>."""
    char_to_byte = {c: b for b, c in _byte_to_char().items()}
    if any(c not in char_to_byte for c in token):
        return token
    raw = bytes(char_to_byte[c] for c in token)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "".join(f"<0x{b:02X}>" for b in raw)
