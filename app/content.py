"""Load and validate everything in content/ once, at start-up.

A mistake in a content file stops the app with a `ContentError` naming the file and
the field, e.g. ``content/stages/05-training.md: front matter field 'summary' is missing``.
No Dash here: pages turn these dataclasses into layouts.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from app.config import CONTENT_DIR, settings

WORDS_PER_MINUTE = 200  # a common reading-speed estimate for explanatory prose
LAB_LINE = re.compile(r"^\{\{lab:([a-z0-9_]+)\}\}$")
FACT_REF = re.compile(r"\{\{fact:([a-z0-9_]+)\}\}")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
QUIZ_LINK = re.compile(r"^/[a-z0-9-]+#[a-z0-9-]+$")
STAGE_ORDERS = range(1, 9)
# "Beyond the pipeline": each topic's number and route. A topic page exists exactly when
# its file content/topics/NN-slug.md does; progress keeps all ten (app.state.progress).
TOPIC_SLUGS = {
    9: "prompt-engineering",
    10: "in-context-learning",
    11: "embeddings",
    12: "rag",
    13: "agents",
    14: "data-engineering",
    15: "model-selection",
    16: "rlhf",
    17: "explainability",
    18: "bias",
}


class ContentError(ValueError):
    """A content file is missing, malformed or inconsistent; the message names file and field."""


@dataclass(frozen=True)
class KeyConcept:
    term: str
    meaning: str


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Block:
    """A piece of a section: Markdown text, or a lab placed by `{{lab:NAME}}`."""

    kind: str  # "markdown" | "lab"
    value: str


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class QuizQuestion:
    """A multiple-choice question (`options`, `answer` indexes one), or a numeric one
    (`number` set): the learner types a number, right within ± `tolerance` (in `unit`);
    its single option is the answer as written out for the feedback."""

    question: str
    options: tuple[str, ...]
    answer: int
    explanation: str
    link: str = ""  # "/slug#section-anchor": where the guide teaches it
    number: float | None = None
    tolerance: float = 0.0
    unit: str = ""

    @property
    def is_numeric(self) -> bool:
        return self.number is not None


@dataclass(frozen=True)
class Stage:
    slug: str
    order: int
    title: str
    icon: str
    summary: str
    key_concepts: tuple[KeyConcept, ...]
    worked_example_title: str
    worked_example_body: str
    pitfalls: tuple[str, ...]
    sources: tuple[Source, ...]
    intro: str  # Markdown before the first section heading
    sections: tuple[Section, ...]
    word_count: int
    quiz: tuple[QuizQuestion, ...] = ()
    track: str = "pipeline"  # or "beyond": a topic of "Beyond the pipeline"

    @property
    def is_topic(self) -> bool:
        return self.track == "beyond"

    @property
    def kind(self) -> str:
        """What a learner calls this page: 'stage' or 'topic'."""
        return "topic" if self.is_topic else "stage"

    @property
    def path(self) -> str:
        return f"/{self.slug}"

    @property
    def number(self) -> str:
        return f"{self.order:02d}"

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / WORDS_PER_MINUTE))

    @property
    def labs(self) -> list[str]:
        return [b.value for s in self.sections for b in s.blocks if b.kind == "lab"]

    def fact_names(self) -> set[str]:
        texts = [self.intro, self.worked_example_body]
        texts += [b.value for s in self.sections for b in s.blocks if b.kind == "markdown"]
        return {name for t in texts for name in FACT_REF.findall(t)}


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str
    stage: str


@dataclass(frozen=True)
class Content:
    stages: tuple[Stage, ...]  # the pipeline, 01-08
    glossary: tuple[GlossaryEntry, ...]
    landmark_models: tuple[dict, ...]
    model_journeys: tuple[dict, ...] = ()
    topics: tuple[Stage, ...] = ()  # "Beyond the pipeline": the topics that ship, by number

    @property
    def slugs(self) -> list[str]:
        """The pipeline stages' slugs, in order."""
        return [s.slug for s in self.stages]

    @property
    def topic_slugs(self) -> list[str]:
        return [t.slug for t in self.topics]

    @property
    def pages(self) -> tuple[Stage, ...]:
        """Every content page: the stages, then the topics."""
        return self.stages + self.topics

    @property
    def page_slugs(self) -> list[str]:
        return [p.slug for p in self.pages]

    def stage(self, slug: str) -> Stage:
        """The stage or topic page with this slug."""
        for s in self.pages:
            if s.slug == slug:
                return s
        raise KeyError(slug)

    def track_of(self, page: Stage) -> tuple[Stage, ...]:
        """The pages of `page`'s own track, in order (for previous/next links)."""
        return self.topics if page.is_topic else self.stages


# ---- small validators: each names the file and the field --------------------------------


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(CONTENT_DIR.parent))
    except ValueError:
        return str(path)


def _need(data: dict, key: str, kind: type | tuple, where: str) -> Any:
    if key not in data or data[key] is None:
        raise ContentError(f"{where}: field '{key}' is missing")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ContentError(f"{where}: field '{key}' must be {names}, got {type(value).__name__}")
    if isinstance(value, str) and not value.strip():
        raise ContentError(f"{where}: field '{key}' is empty")
    return value


def _url(value: str, where: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#].[^\s]*$", value):
        raise ContentError(f"{where}: '{value}' is not an http(s) link")
    return value


def split_front_matter(text: str, where: str) -> tuple[dict, str]:
    """Return (front matter dict, Markdown body) of a '---'-delimited file."""
    if not text.startswith("---"):
        raise ContentError(f"{where}: must start with '---' YAML front matter")
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise ContentError(f"{where}: front matter is not closed by a '---' line")
    try:
        meta = yaml.safe_load(parts[0][3:]) or {}
    except yaml.YAMLError as err:
        raise ContentError(f"{where}: front matter is not valid YAML ({err})") from None
    if not isinstance(meta, dict):
        raise ContentError(f"{where}: front matter must be a mapping of fields")
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    return meta, body


def _sections(body: str, where: str) -> tuple[str, tuple[Section, ...]]:
    """Split a body at '## ' headings; `{{lab:NAME}}` lines become lab blocks."""
    intro_lines: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    in_code = False
    for line in body.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        if not in_code and line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            intro_lines.append(line)
    if not sections:
        raise ContentError(f"{where}: the body needs at least one '## ' section")
    built = []
    for title, lines in sections:
        blocks: list[Block] = []
        text: list[str] = []
        for line in lines:
            m = LAB_LINE.match(line.strip())
            if m:
                if "".join(text).strip():
                    blocks.append(Block("markdown", "\n".join(text).strip()))
                text = []
                blocks.append(Block("lab", m.group(1)))
            else:
                text.append(line)
        if "".join(text).strip():
            blocks.append(Block("markdown", "\n".join(text).strip()))
        built.append(Section(title, tuple(blocks)))
    if any("{{lab:" in line for line in intro_lines):
        raise ContentError(f"{where}: a lab must be placed inside a '## ' section")
    return "\n".join(intro_lines).strip(), tuple(built)


def _words(*texts: str) -> int:
    return sum(len(re.findall(r"[A-Za-z0-9']+", t)) for t in texts)


def load_stage(path: Path, track: str = "pipeline") -> Stage:
    """A stage (track "pipeline", order 1..8) or a topic (track "beyond", order 9..18,
    with the slug `TOPIC_SLUGS` gives its number): same front matter, same body rules."""
    where = _rel(path)
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), where)
    fm = f"{where}: front matter"
    slug = _need(meta, "slug", str, fm)
    if not SLUG.match(slug):
        raise ContentError(f"{fm}: field 'slug' must be lowercase words joined by '-'")
    order = _need(meta, "order", int, fm)
    if track == "beyond":
        if TOPIC_SLUGS.get(order) != slug:
            raise ContentError(
                f"{fm}: topic {order} must have the slug "
                f"'{TOPIC_SLUGS.get(order, 'unknown')}' (orders 9..18; see TOPIC_SLUGS)"
            )
    elif order not in STAGE_ORDERS:
        raise ContentError(f"{fm}: field 'order' must be 1..8")
    concepts = []
    for i, c in enumerate(_need(meta, "key_concepts", list, fm)):
        w = f"{fm} key_concepts[{i}]"
        if not isinstance(c, dict):
            raise ContentError(f"{w}: must have 'term' and 'meaning'")
        concepts.append(KeyConcept(_need(c, "term", str, w), _need(c, "meaning", str, w)))
    example = _need(meta, "worked_example", dict, fm)
    sources = []
    for i, s in enumerate(_need(meta, "sources", list, fm)):
        w = f"{fm} sources[{i}]"
        if not isinstance(s, dict):
            raise ContentError(f"{w}: must have 'title' and 'url'")
        sources.append(Source(_need(s, "title", str, w), _url(_need(s, "url", str, w), w)))
    pitfalls = _need(meta, "pitfalls", list, fm)
    for i, p in enumerate(pitfalls):
        if not isinstance(p, str) or not p.strip():
            raise ContentError(f"{fm} pitfalls[{i}]: must be a sentence")
    intro, sections = _sections(body, where)
    ex_title = _need(example, "title", str, f"{fm} worked_example")
    ex_body = _need(example, "body", str, f"{fm} worked_example")
    return Stage(
        slug=slug,
        order=order,
        title=_need(meta, "title", str, fm),
        icon=_need(meta, "icon", str, fm),
        summary=_need(meta, "summary", str, fm),
        key_concepts=tuple(concepts),
        worked_example_title=ex_title,
        worked_example_body=ex_body,
        pitfalls=tuple(pitfalls),
        sources=tuple(sources),
        intro=intro,
        sections=sections,
        word_count=_words(body, ex_body, *pitfalls, *(c.meaning for c in concepts)),
        track=track,
    )


def load_quiz(path: Path) -> tuple[QuizQuestion, ...]:
    where = _rel(path)
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ContentError(f"{where}: not valid YAML ({err})") from None
    if not isinstance(items, list) or not items:
        raise ContentError(f"{where}: must be a non-empty list of questions")
    out = []
    for i, q in enumerate(items):
        w = f"{where} [{i}]"
        if not isinstance(q, dict):
            raise ContentError(f"{w}: must be a mapping")
        options = _need(q, "options", list, w)
        numeric = _quiz_number(q, w) if "number" in q else {}
        n_options = (1, 1) if numeric else (2, 6)
        if not n_options[0] <= len(options) <= n_options[1] or not all(
            isinstance(o, str) and o for o in options
        ):
            want = "one string (the answer written out)" if numeric else "2–6 non-empty strings"
            raise ContentError(f"{w}: field 'options' must be {want}")
        answer = _need(q, "answer", int, w)
        if not 0 <= answer < len(options):
            raise ContentError(f"{w}: field 'answer' must index one of the options")
        link = q.get("link", "")
        if link and not QUIZ_LINK.match(str(link)):
            raise ContentError(f"{w}: field 'link' must look like /slug#section-anchor")
        out.append(
            QuizQuestion(
                _need(q, "question", str, w),
                tuple(options),
                answer,
                _need(q, "explanation", str, w),
                link,
                **numeric,
            )
        )
    return tuple(out)


def _quiz_number(q: dict, where: str) -> dict:
    """A numeric question's `number: {value, tolerance, unit}`, checked."""
    spec = _need(q, "number", dict, where)
    w = f"{where} number"
    value = _need(spec, "value", (int, float), w)
    tolerance = _need(spec, "tolerance", (int, float), w)
    if tolerance < 0:
        raise ContentError(f"{w}: field 'tolerance' must not be negative")
    unit = spec.get("unit", "")
    if not isinstance(unit, str):
        raise ContentError(f"{w}: field 'unit' must be str")
    return {"number": float(value), "tolerance": float(tolerance), "unit": unit}


def load_glossary(path: Path, slugs: set[str]) -> tuple[GlossaryEntry, ...]:
    where = _rel(path)
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ContentError(f"{where}: not valid YAML ({err})") from None
    if not isinstance(items, list):
        raise ContentError(f"{where}: must be a list of terms")
    out = []
    for i, e in enumerate(items):
        w = f"{where} [{i}]"
        if not isinstance(e, dict):
            raise ContentError(f"{w}: must be a mapping")
        stage = _need(e, "stage", str, w)
        if stage not in slugs:
            raise ContentError(f"{w}: field 'stage' names unknown stage or topic '{stage}'")
        out.append(GlossaryEntry(_need(e, "term", str, w), _need(e, "definition", str, w), stage))
    return tuple(sorted(out, key=lambda e: e.term.lower()))


LANDMARK_COLUMNS = (
    "model",
    "organization",
    "year",
    "params",
    "training_tokens",
    "source",
    "source_url",
)


def load_landmark_models(path: Path) -> tuple[dict, ...]:
    where = _rel(path)
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in LANDMARK_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ContentError(f"{where}: missing column(s) {', '.join(missing)}")
        for i, row in enumerate(reader, start=2):
            w = f"{where} line {i}"
            try:
                year, params, tokens = (
                    int(row["year"]),
                    int(row["params"]),
                    int(row["training_tokens"]),
                )
            except (TypeError, ValueError):
                raise ContentError(
                    f"{w}: year, params and training_tokens must be integers"
                ) from None
            if not row["model"] or not row["source"]:
                raise ContentError(f"{w}: field 'model' and 'source' must not be empty")
            _url(row["source_url"] or "", w)
            rows.append({**row, "year": year, "params": params, "training_tokens": tokens})
    return tuple(sorted(rows, key=lambda r: (r["year"], r["params"])))


JOURNEY_FIELDS = {
    "name": str,
    "preset": str,
    "organization": str,
    "year": int,
    "training_tokens": int,
    "tokens_source": str,
    "tokens_url": str,
    "data": str,
    "gpu": str,
    "gpu_source": str,
    "gpu_url": str,
    "fine_tuning": str,
    "fine_tuning_source": str,
    "fine_tuning_url": str,
    "mmlu_5shot": (int, float),
    "mmlu_source": str,
    "mmlu_url": str,
}


def load_model_journeys(path: Path) -> tuple[dict, ...]:
    where = _rel(path)
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ContentError(f"{where}: not valid YAML ({err})") from None
    if not isinstance(items, list) or not items:
        raise ContentError(f"{where}: must be a non-empty list of models")
    for i, row in enumerate(items):
        w = f"{where} [{i}]"
        if not isinstance(row, dict):
            raise ContentError(f"{w}: must be a mapping")
        for key, kind in JOURNEY_FIELDS.items():
            _need(row, key, kind, w)
        for key in ("tokens_url", "gpu_url", "fine_tuning_url", "mmlu_url"):
            _url(row[key], f"{w} {key}")
        hours = row.get("gpu_hours")
        if hours is not None and (not isinstance(hours, int) or hours <= 0):
            raise ContentError(f"{w}: field 'gpu_hours' must be a positive whole number or null")
    return tuple(items)


def lab_exists(name: str) -> bool:
    """Whether lab `app/labs/NAME` (a module or a package) exists, checked without
    importing Dash."""
    return importlib.util.find_spec(f"app.labs.{name}") is not None


def load_content(root: Path | None = None) -> Content:
    """Read and validate all content under `root` (default: the CONTENT_DIR setting).

    Raises ContentError, naming the file and field, on the first problem.
    """
    root = Path(root or settings.content_dir)
    stage_files = sorted((root / "stages").glob("*.md"))
    if not stage_files:
        raise ContentError(f"{_rel(root / 'stages')}: no stage files found")
    stages = [load_stage(p) for p in stage_files]
    orders = [s.order for s in stages]
    if sorted(orders) != list(range(1, len(stages) + 1)):
        raise ContentError(
            f"{_rel(root / 'stages')}: stage 'order' values must be 1..{len(stages)}, "
            f"got {sorted(orders)}"
        )
    slugs = [s.slug for s in stages]
    if len(set(slugs)) != len(slugs):
        raise ContentError(f"{_rel(root / 'stages')}: two stages share a slug")
    topics = [load_stage(p, "beyond") for p in sorted((root / "topics").glob("*.md"))]
    topic_slugs = [t.slug for t in topics]
    if len(set(topic_slugs)) != len(topic_slugs):
        raise ContentError(f"{_rel(root / 'topics')}: two topic files share a slug")
    quizzes = root / "quizzes"

    def with_quiz(pages):
        out = []
        for page in sorted(pages, key=lambda s: s.order):
            qpath = quizzes / f"{page.slug}.yaml"
            out.append(_replace(page, quiz=load_quiz(qpath) if qpath.exists() else ()))
        return tuple(out)

    gpath = root / "glossary.yaml"
    glossary = load_glossary(gpath, set(slugs) | set(topic_slugs)) if gpath.exists() else ()
    tpath = root / "tables" / "landmark_models.csv"
    landmarks = load_landmark_models(tpath) if tpath.exists() else ()
    jpath = root / "tables" / "model_journeys.yaml"
    journeys = load_model_journeys(jpath) if jpath.exists() else ()
    return Content(with_quiz(stages), glossary, landmarks, journeys, with_quiz(topics))


def _replace(stage: Stage, **changes: Any) -> Stage:
    from dataclasses import replace

    return replace(stage, **changes)


@lru_cache(maxsize=1)
def get_content() -> Content:
    """The app's content, loaded once per process."""
    return load_content()
