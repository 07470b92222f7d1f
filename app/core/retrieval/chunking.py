"""Cut sections into chunks: windows of at most `size` words that overlap by `overlap`
words, never crossing a heading (each chunk stays inside one section, so it can cite it).

A section no longer than `size` words is one chunk. Longer ones are cut into windows that
start every `size - overlap` words; the last window ends at the section's end.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.retrieval.corpus import Section

MIN_CHUNK_WORDS = 20
MAX_CHUNK_WORDS = 1000


@dataclass(frozen=True)
class Chunk:
    id: int  # position in the index
    section: Section
    text: str
    start_word: int  # where the window starts in its section, in words

    @property
    def href(self) -> str:
        return self.section.href


def check_chunking(size: int, overlap: int) -> tuple[int, int]:
    """(size, overlap) as ints, or ValueError saying what is allowed."""
    if isinstance(size, bool) or not isinstance(size, int):
        raise ValueError("Chunk size must be a whole number of words.")
    if isinstance(overlap, bool) or not isinstance(overlap, int):
        raise ValueError("Overlap must be a whole number of words.")
    if not MIN_CHUNK_WORDS <= size <= MAX_CHUNK_WORDS:
        raise ValueError(f"Chunk size must be {MIN_CHUNK_WORDS}–{MAX_CHUNK_WORDS} words.")
    if not 0 <= overlap < size:
        raise ValueError(f"Overlap must be at least 0 and less than the chunk size ({size}).")
    return size, overlap


def window_starts(n_words: int, size: int, overlap: int) -> list[int]:
    """Start positions of the windows that cover `n_words` words."""
    if n_words <= size:
        return [0]
    step = size - overlap
    starts = list(range(0, n_words - size + 1, step))
    if starts[-1] + size < n_words:
        starts.append(n_words - size)  # the last window ends exactly at the end
    return starts


def chunk_sections(sections, size: int = 120, overlap: int = 30) -> list[Chunk]:
    """All chunks of `sections`, in order, each inside one section."""
    size, overlap = check_chunking(size, overlap)
    chunks: list[Chunk] = []
    for section in sections:
        words = section.text.split()
        for start in window_starts(len(words), size, overlap):
            text = " ".join(words[start : start + size])
            chunks.append(Chunk(len(chunks), section, text, start))
    return chunks
