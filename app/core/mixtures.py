"""Documented pretraining data mixtures (content/tables/data_mixtures.yaml), and the data-budget
assumptions that turn a token count into documents and bytes of text.

Every number comes from the table a mixture names (LLaMA Table 1, The Pile Table 1, GPT-3
Table 2.2, the RedPajama and Dolma dataset cards, the FineWeb dataset card). The table is read
and checked once per process; a mistake raises ValueError naming the file, mixture and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

MIXTURES_FILE = Path(__file__).resolve().parents[2] / "content" / "tables" / "data_mixtures.yaml"

# The categories a source can belong to, in the order charts list them, with plain labels.
CATEGORIES: dict[str, str] = {
    "web": "Web pages",
    "code": "Code",
    "books": "Books",
    "academic": "Papers & maths",
    "encyclopedia": "Encyclopedia",
    "qa_dialogue": "Q&A & dialogue",
    "law_government": "Law & government",
}
SHARE_BASES = {
    "sampling": "share of training examples drawn from it",
    "tokens": "share of the dataset's tokens",
}
SIZE_UNITS = ("GB", "GiB")

# ---- data-budget assumptions (each with its source) -------------------------------------
# "1 token ≈ 4 characters" of English text: OpenAI Help Center, "What are tokens and how to
# count them?". English text is almost all ASCII, so characters ≈ bytes in UTF-8.
BYTES_PER_TOKEN_ENGLISH = 4.0
BYTES_PER_TOKEN_SOURCE = (
    "OpenAI Help Center, What are tokens and how to count them? (1 token ≈ 4 characters)",
    "https://help.openai.com/en/articles/4936856-what-are-tokens-and-how-to-count-them",
)
# Llama 3 8B "was pretrained on over 15 trillion tokens" (Meta Llama 3 model card, 2024).
LLAMA3_8B_TRAINING_TOKENS = 15e12
LLAMA3_SOURCE = (
    "Meta 2024, Llama 3 model card (8B pretrained on 15T+ tokens)",
    "https://github.com/meta-llama/llama3/blob/main/MODEL_CARD.md",
)
# The average web page length comes from Dolma v1's Common Crawl row: tokens / documents.
WEB_DOCUMENTS_FROM = ("dolma1", "CommonCrawl")


@dataclass(frozen=True)
class Component:
    """One source inside a mixture; None where the source table prints no number."""

    name: str
    category: str
    share_percent: float  # as stated, or computed from tokens (share_basis "tokens")
    tokens: float | None = None
    epochs: float | None = None
    size: float | None = None  # in the mixture's size_unit
    documents: float | None = None


@dataclass(frozen=True)
class Mixture:
    id: str
    name: str
    share_basis: str  # "sampling" | "tokens"
    source: str
    source_table: str
    source_url: str
    note: str
    components: tuple[Component, ...]
    total_tokens: float | None = None
    size_unit: str | None = None

    @property
    def share_meaning(self) -> str:
        return SHARE_BASES[self.share_basis]

    @property
    def stated_share_total(self) -> float:
        return sum(c.share_percent for c in self.components)


def _number(row: dict, key: str, where: str, *, required: bool = False) -> float | None:
    value = row.get(key)
    if value is None:
        if required:
            raise ValueError(f"{where}: field '{key}' is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{where}: field '{key}' must be a positive number, got {value!r}")
    return float(value)


def _text(row: dict, key: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: field '{key}' is missing or empty")
    return value.strip()


def _mixture(row: Any, where: str) -> Mixture:
    if not isinstance(row, dict):
        raise ValueError(f"{where}: must be a mapping of fields")
    mid = _text(row, "id", where)
    where = f"{where} ({mid})"
    basis = _text(row, "share_basis", where)
    if basis not in SHARE_BASES:
        raise ValueError(f"{where}: field 'share_basis' must be one of {', '.join(SHARE_BASES)}")
    url = _text(row, "source_url", where)
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{where}: field 'source_url' must be an http(s) link")
    unit = row.get("size_unit")
    if unit is not None and unit not in SIZE_UNITS:
        raise ValueError(f"{where}: field 'size_unit' must be one of {', '.join(SIZE_UNITS)}")
    rows = row.get("components")
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"{where}: field 'components' must be a non-empty list")
    raw = []
    for i, c in enumerate(rows):
        w = f"{where} components[{i}]"
        if not isinstance(c, dict):
            raise ValueError(f"{w}: must be a mapping of fields")
        category = _text(c, "category", w)
        if category not in CATEGORIES:
            raise ValueError(f"{w}: field 'category' must be one of {', '.join(CATEGORIES)}")
        size = _number(c, "size", w)
        if size is not None and unit is None:
            raise ValueError(f"{w}: has a 'size' but the mixture has no 'size_unit'")
        raw.append(
            dict(
                name=_text(c, "name", w),
                category=category,
                share=_number(c, "share_percent", w, required=basis == "sampling"),
                tokens=_number(c, "tokens", w, required=basis == "tokens"),
                epochs=_number(c, "epochs", w),
                size=size,
                documents=_number(c, "documents", w),
            )
        )
    token_sum = sum(r["tokens"] or 0.0 for r in raw)
    components = tuple(
        Component(
            name=r["name"],
            category=r["category"],
            share_percent=r["share"] if r["share"] is not None else 100 * r["tokens"] / token_sum,
            tokens=r["tokens"],
            epochs=r["epochs"],
            size=r["size"],
            documents=r["documents"],
        )
        for r in raw
    )
    return Mixture(
        id=mid,
        name=_text(row, "name", where),
        share_basis=basis,
        source=_text(row, "source", where),
        source_table=_text(row, "source_table", where),
        source_url=url,
        note=" ".join(_text(row, "note", where).split()),
        components=components,
        total_tokens=_number(row, "total_tokens", where),
        size_unit=unit,
    )


def load_mixtures(path: Path = MIXTURES_FILE) -> tuple[Mixture, ...]:
    """Read and check a mixtures table; ValueError names the file, mixture and field."""
    where = path.name
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ValueError(f"{where}: not valid YAML ({err})") from None
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"{where}: must be a non-empty list of mixtures")
    mixtures = tuple(_mixture(row, f"{where} [{i}]") for i, row in enumerate(rows))
    ids = [m.id for m in mixtures]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{where}: two mixtures share an id")
    return mixtures


@lru_cache(maxsize=1)
def list_mixtures() -> tuple[Mixture, ...]:
    """The app's mixtures, loaded once per process."""
    return load_mixtures()


def get_mixture(mixture_id: str) -> Mixture:
    for m in list_mixtures():
        if m.id == mixture_id:
            return m
    raise ValueError(f"There is no documented mixture called {mixture_id!r}.")


@lru_cache(maxsize=32)
def category_shares(mixture_id: str) -> dict[str, float]:
    """Percent per category (CATEGORIES order, empty categories left out), summed from the
    components' shares as stated (GPT-3's rounded weights add up to 101%)."""
    mixture = get_mixture(mixture_id)
    totals = {key: 0.0 for key in CATEGORIES}
    for c in mixture.components:
        totals[c.category] += c.share_percent
    return {key: share for key, share in totals.items() if share > 0}


def emphasis(mixture_id: str, top: int = 3) -> str:
    """A one-line, computed summary of the biggest categories, e.g. 'Web pages 82%, …'."""
    shares = sorted(category_shares(mixture_id).items(), key=lambda kv: -kv[1])[:top]
    return ", ".join(f"{CATEGORIES[key]} {share:.3g}%" for key, share in shares)


def web_tokens_per_document() -> float:
    """Average tokens per web page: Dolma v1's Common Crawl tokens / documents (about 525)."""
    mixture_id, name = WEB_DOCUMENTS_FROM
    for c in get_mixture(mixture_id).components:
        if c.name == name and c.tokens and c.documents:
            return c.tokens / c.documents
    raise ValueError(f"{MIXTURES_FILE.name}: {mixture_id} needs tokens and documents for {name}")


def llama3_tokens_per_param(llama3_8b_params: float) -> float:
    """Tokens per parameter of Llama 3 8B: 15T tokens (model card) / its parameter count."""
    if llama3_8b_params <= 0:
        raise ValueError("Parameters must be a positive number.")
    return LLAMA3_8B_TRAINING_TOKENS / llama3_8b_params
