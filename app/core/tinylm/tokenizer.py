"""A character-level tokenizer: one token per distinct character of the training text."""

from __future__ import annotations

from collections.abc import Iterable

# Characters the tokenizer does not know become this one (if it is in the vocabulary),
# else "?", else the first character of the vocabulary. encode() never raises.
FALLBACK_CHARS = (" ", "?")


class CharTokenizer:
    """Maps each character to its index in a sorted list of characters, and back."""

    def __init__(self, chars: Iterable[str]):
        chars = list(chars)
        if not chars or any(not isinstance(c, str) or len(c) != 1 for c in chars):
            raise ValueError("A character tokenizer needs a list of single characters.")
        if len(set(chars)) != len(chars):
            raise ValueError("The tokenizer's characters must be distinct.")
        self.chars: list[str] = chars
        self.vocab_size: int = len(chars)
        self._index = {c: i for i, c in enumerate(chars)}
        self.fallback_id: int = next(
            (self._index[c] for c in FALLBACK_CHARS if c in self._index), 0
        )

    @classmethod
    def from_text(cls, text: str) -> CharTokenizer:
        """The sorted unique characters of `text`."""
        if not text:
            raise ValueError("Cannot build a tokenizer from empty text.")
        return cls(sorted(set(text)))

    def encode(self, text: str) -> list[int]:
        """Text -> ids; an unknown character maps to `fallback_id` (a space if known)."""
        get, fallback = self._index.get, self.fallback_id
        return [get(c, fallback) for c in text]

    def decode(self, ids) -> str:
        """Ids -> text; an id outside the vocabulary raises ValueError."""
        out = []
        for i in ids:
            i = int(i)
            if not 0 <= i < self.vocab_size:
                raise ValueError(f"Token ids must be between 0 and {self.vocab_size - 1}, got {i}.")
            out.append(self.chars[i])
        return "".join(out)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CharTokenizer) and self.chars == other.chars

    def __hash__(self) -> int:
        return hash(tuple(self.chars))

    def __repr__(self) -> str:
        return f"CharTokenizer(vocab_size={self.vocab_size})"
